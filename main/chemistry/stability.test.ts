import { describe, expect, it } from 'vitest'
import { perceiveBonds } from './bonds'
import {
  atomStability,
  moleculeStability,
  setStability,
  stabilityFromCoordinates
} from './stability'
import { fixtures } from './testing/fixtures'

describe('EDM stability', () => {
  it('finds QM9-element molecules with their RDKit bonds stable', () => {
    for (const name of ['ethanol', 'aceticAcid', 'acetonitrile', 'glycine', 'benzene'] as const) {
      expect(moleculeStability(fixtures[name]).stable).toBe(true)
    }
  })

  it('judges from coordinates as EDM: aromatic rings at 1.39 Å leave carbons under-bonded', () => {
    const f = fixtures.benzene
    expect(stabilityFromCoordinates(f.positions, f.elements)).toEqual({
      stable: false,
      stableAtoms: 6, // the hydrogens
      atoms: 12
    })
    const { valences, stable } = atomStability({
      elements: f.elements,
      bonds: perceiveBonds(f.positions, f.elements)
    })
    expect(Array.from(valences.subarray(0, 6))).toEqual([3, 3, 3, 3, 3, 3])
    expect(stable.slice(0, 6)).toEqual(new Array(6).fill(false))
  })

  it('uses EDM’s allowed valences (S 4), so a thiol sulfur is unstable', () => {
    const f = fixtures.methanethiol
    expect(moleculeStability(f)).toEqual({ stable: false, stableAtoms: 5, atoms: 6 })
  })

  it('computes set-level atom and molecule stability', () => {
    const results = [
      moleculeStability(fixtures.ethanol), // 9 / 9
      moleculeStability(fixtures.methanethiol), // 5 / 6
      stabilityFromCoordinates(fixtures.benzene.positions, fixtures.benzene.elements) // 6 / 12
    ]
    expect(setStability(results)).toEqual({
      atomStability: 20 / 27,
      moleculeStability: 1 / 3,
      molecules: 3
    })
    expect(setStability([]).moleculeStability).toBeNaN()
    expect(moleculeStability({ elements: [], bonds: [] }).stable).toBe(false)
  })

  it('refuses elements EDM gives no valence for', () => {
    expect(() => atomStability({ elements: ['Na'], bonds: [] })).toThrow(/Atom 0 is "Na"/)
  })
})
