import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { perceiveBonds } from './bonds'
import { addHydrogens } from './hydrogens'
import type { Bond, BondOrder, Molecule3D } from './molecule'
import { subgraph } from './molecule'
import { moleculeStability } from './stability'
import { fixtures } from './testing/fixtures'

const at = (m: Molecule3D, i: number) => [0, 1, 2].map((c) => m.positions[3 * i + c])
const distance = (m: Molecule3D, i: number, j: number) => {
  const [a, b] = [at(m, i), at(m, j)]
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])
}
/** The angle i–j–k at j, degrees. */
const angle = (m: Molecule3D, i: number, j: number, k: number) => {
  const [a, b, c] = [at(m, i), at(m, j), at(m, k)]
  const u = a.map((v, d) => v - b[d])
  const w = c.map((v, d) => v - b[d])
  const cos = u.reduce((s, v, d) => s + v * w[d], 0) / (Math.hypot(...u) * Math.hypot(...w))
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI
}
/** The torsion i–j–k–l, degrees in [0, 180]. */
const torsion = (m: Molecule3D, i: number, j: number, k: number, l: number) => {
  const [a, b, c, d] = [at(m, i), at(m, j), at(m, k), at(m, l)]
  const sub = (x: number[], y: number[]) => x.map((v, e) => v - y[e])
  const cross = (x: number[], y: number[]) => [
    x[1] * y[2] - x[2] * y[1],
    x[2] * y[0] - x[0] * y[2],
    x[0] * y[1] - x[1] * y[0]
  ]
  const n1 = cross(sub(b, a), sub(c, b))
  const n2 = cross(sub(c, b), sub(d, c))
  const cos = n1.reduce((s, v, e) => s + v * n2[e], 0) / (Math.hypot(...n1) * Math.hypot(...n2))
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI
}
const skeleton = (elements: string[], xyz: number[], bonds: number[][]): Molecule3D => ({
  elements,
  positions: Float32Array.from(xyz),
  bonds: bonds.map(([a, b, order]): Bond => ({ a, b, order: order as BondOrder }))
})

describe('addHydrogens (VSEPR placement of a heavy-atom model’s hydrogen counts)', () => {
  it('makes methane a regular tetrahedron at 1.09 Å', () => {
    const m = addHydrogens(skeleton(['C'], [0.5, -0.2, 1], []), [4])
    expect(m.elements).toEqual(['C', 'H', 'H', 'H', 'H'])
    expect(m.bonds).toEqual([1, 2, 3, 4].map((b) => ({ a: 0, b, order: 1 })))
    for (let h = 1; h <= 4; h++) expect(distance(m, 0, h)).toBeCloseTo(1.09, 5)
    for (let h = 1; h <= 4; h++)
      for (let g = h + 1; g <= 4; g++) expect(angle(m, h, 0, g)).toBeCloseTo(109.47, 1)
  })

  it('staggers the hydrogens of ethane and keeps every H–C–C angle tetrahedral', () => {
    const m = addHydrogens(skeleton(['C', 'C'], [0, 0, 0, 1.53, 0, 0], [[0, 1, 1]]), [3, 3])
    expect(m.elements.length).toBe(8)
    const onFirst = [2, 3, 4]
    const onSecond = [5, 6, 7]
    for (const h of onFirst) expect(angle(m, h, 0, 1)).toBeCloseTo(109.47, 1)
    for (const h of onSecond) expect(angle(m, h, 1, 0)).toBeCloseTo(109.47, 1)
    // Staggered: every H–C–C–H torsion is 60° or 180°, none eclipsed.
    for (const h of onFirst)
      for (const g of onSecond) {
        const t = torsion(m, h, 0, 1, g)
        expect(Math.min(Math.abs(t - 60), Math.abs(t - 180))).toBeLessThan(0.01)
      }
  })

  it('staggers a methyl against the other bonds of its neighbour (propane)', () => {
    // C0–C1–C2 bent at 112°; C0's hydrogens must be staggered against C1–C2.
    const bend = (112 * Math.PI) / 180
    const m = addHydrogens(
      skeleton(
        ['C', 'C', 'C'],
        [0, 0, 0, 1.53, 0, 0, 1.53 - 1.53 * Math.cos(bend), 1.53 * Math.sin(bend), 0.3],
        [
          [0, 1, 1],
          [1, 2, 1]
        ]
      ),
      [3, 2, 3]
    )
    for (const h of [3, 4, 5]) {
      const t = torsion(m, h, 0, 1, 2)
      expect(Math.min(Math.abs(t - 60), Math.abs(t - 180))).toBeLessThan(0.01)
    }
  })

  it('puts the hydrogens of a =CH2 in the plane of its partner’s bonds (propene)', () => {
    // C0=C1–C2 with C2 lifted out of the xy plane: C0's hydrogens follow C1's plane, not the axes.
    const m = addHydrogens(
      skeleton(
        ['C', 'C', 'C'],
        [0, 0, 0, 1.33, 0, 0, 2.1, 0.9, 0.8],
        [
          [0, 1, 2],
          [1, 2, 1]
        ]
      ),
      [2, 1, 3]
    )
    for (const h of [3, 4]) {
      expect(angle(m, h, 0, 1)).toBeCloseTo(120, 3)
      const t = torsion(m, h, 0, 1, 2)
      expect(Math.min(t, 180 - t)).toBeLessThan(0.01)
    }
  })

  it('puts the hydrogens of ethylene in its plane at 120° and those of acetylene on its axis', () => {
    const ene = addHydrogens(skeleton(['C', 'C'], [0, 0, 0, 1.33, 0, 0], [[0, 1, 2]]), [2, 2])
    for (const h of [2, 3]) expect(angle(ene, h, 0, 1)).toBeCloseTo(120, 3)
    for (const h of [4, 5]) expect(angle(ene, h, 1, 0)).toBeCloseTo(120, 3)
    // Coplanar: the torsions across the double bond are 0° or 180°.
    for (const h of [2, 3])
      for (const g of [4, 5]) {
        const t = torsion(ene, h, 0, 1, g)
        expect(Math.min(t, 180 - t)).toBeLessThan(0.01)
      }
    const yne = addHydrogens(skeleton(['C', 'C'], [0, 0, 0, 1.2, 0, 0], [[0, 1, 3]]), [1, 1])
    expect(angle(yne, 2, 0, 1)).toBeCloseTo(180, 3)
    expect(angle(yne, 3, 1, 0)).toBeCloseTo(180, 3)
  })

  it('gives each element its X–H length (O–H 0.96 Å, N–H 1.01 Å) and leaves lone pairs free', () => {
    const water = addHydrogens(skeleton(['O'], [0, 0, 0], []), [2])
    expect(distance(water, 0, 1)).toBeCloseTo(0.96, 5)
    expect(angle(water, 1, 0, 2)).toBeCloseTo(109.47, 1)
    const amine = addHydrogens(skeleton(['C', 'N'], [0, 0, 0, 1.47, 0, 0], [[0, 1, 1]]), [0, 2])
    expect(amine.elements).toEqual(['C', 'N', 'H', 'H'])
    expect(distance(amine, 1, 2)).toBeCloseTo(1.01, 5)
    expect(angle(amine, 2, 1, 0)).toBeCloseTo(109.47, 1)
  })

  it('rebuilds QM9-like molecules from their heavy atoms so that EDM finds every atom stable again', () => {
    for (const name of [
      'ethanol',
      'aceticAcid',
      'acetonitrile',
      'glycine',
      'methylamine',
      'formaldehyde'
    ] as const) {
      const full = fixtures[name]
      const isHeavy = (i: number) => full.elements[i] !== 'H'
      const { graph: heavy, atoms } = subgraph(full, isHeavy)
      const counts = Array.from(
        atoms,
        (i) =>
          full.bonds.filter(({ a, b }) => (a === i && !isHeavy(b)) || (b === i && !isHeavy(a)))
            .length
      )
      const rebuilt = addHydrogens(heavy, counts)
      expect(rebuilt.elements.length).toBe(full.elements.length)
      // Bonds perceived from the rebuilt coordinates, as the molecule pipeline does.
      const perceived = perceiveBonds(rebuilt.positions, rebuilt.elements)
      expect(moleculeStability({ elements: rebuilt.elements, bonds: perceived })).toEqual({
        stable: true,
        stableAtoms: full.elements.length,
        atoms: full.elements.length
      })
    }
  })

  it('places extra hydrogens on an over-crowded atom away from its bonds, with finite coordinates', () => {
    const crowded = skeleton(
      ['C', 'C', 'C', 'C', 'C'],
      [0, 0, 0, 1.5, 0, 0, -0.5, 1.4, 0, -0.5, -0.7, 1.2, -0.5, -0.7, -1.2],
      [
        [0, 1, 1],
        [0, 2, 1],
        [0, 3, 1],
        [0, 4, 1]
      ]
    )
    const m = addHydrogens(crowded, [1, 0, 0, 0, 0])
    expect(m.positions.every(Number.isFinite)).toBe(true)
    expect(distance(m, 0, 5)).toBeCloseTo(1.09, 5)
    for (const j of [1, 2, 3, 4]) expect(angle(m, 5, 0, j)).toBeGreaterThan(60)
  })

  it('refuses counts that do not fit the atoms', () => {
    const c = skeleton(['C'], [0, 0, 0], [])
    expect(() => addHydrogens(c, [1, 2])).toThrow(StudioError)
    expect(() => addHydrogens(c, [5])).toThrow(/0 … 4/)
    expect(() => addHydrogens(c, [1.5])).toThrow(/0 … 4/)
  })
})
