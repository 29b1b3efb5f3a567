import { describe, expect, it } from 'vitest'
import { bestAlignedRmsd, alignedRmsd } from '../geometry'
import type { Bond, MoleculeGraph } from './molecule'
import { automorphisms } from './symmetry'

const graph = (elements: string[], bonds: [number, number, 1 | 2 | 3][]): MoleculeGraph => ({
  elements,
  bonds: bonds.map(([a, b, order]): Bond => ({ a, b, order }))
})

describe('automorphisms', () => {
  it('counts the symmetries of small heavy-atom graphs exactly', () => {
    // Ethanol C-C-O: only the identity.
    expect(
      automorphisms(
        graph(
          ['C', 'C', 'O'],
          [
            [0, 1, 1],
            [1, 2, 1]
          ]
        )
      )
    ).toHaveLength(1)
    // Neopentane C(C)(C)(C)C: the four methyls permute freely, 4! = 24.
    const neo = graph(
      ['C', 'C', 'C', 'C', 'C'],
      [
        [0, 1, 1],
        [0, 2, 1],
        [0, 3, 1],
        [0, 4, 1]
      ]
    )
    expect(automorphisms(neo)).toHaveLength(24)
    // Kekulé benzene (alternating orders): the 6 symmetries of D6 that keep the pattern.
    const ring = graph(
      ['C', 'C', 'C', 'C', 'C', 'C'],
      [
        [0, 1, 2],
        [1, 2, 1],
        [2, 3, 2],
        [3, 4, 1],
        [4, 5, 2],
        [5, 0, 1]
      ]
    )
    expect(automorphisms(ring)).toHaveLength(6)
    // Acetic acid CC(=O)O: C=O and C-O differ by order, so no swap.
    expect(
      automorphisms(
        graph(
          ['C', 'C', 'O', 'O'],
          [
            [0, 1, 1],
            [1, 2, 2],
            [1, 3, 1]
          ]
        )
      )
    ).toHaveLength(1)
    // Charges count: a carboxylate with one O charged stays asymmetric unless both are equal.
    const carboxylate = {
      ...graph(
        ['C', 'O', 'O'],
        [
          [0, 1, 1],
          [0, 2, 1]
        ]
      ),
      charges: [0, -1, 0]
    }
    expect(automorphisms(carboxylate)).toHaveLength(1)
    expect(
      automorphisms(
        graph(
          ['C', 'O', 'O'],
          [
            [0, 1, 1],
            [0, 2, 1]
          ]
        )
      )
    ).toHaveLength(2)
  })

  it('puts the identity first and every result preserves the bonds', () => {
    const neo = graph(
      ['C', 'C', 'C', 'C', 'C'],
      [
        [0, 1, 1],
        [0, 2, 1],
        [0, 3, 1],
        [0, 4, 1]
      ]
    )
    const all = automorphisms(neo)
    expect(Array.from(all[0])).toEqual([0, 1, 2, 3, 4])
    const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`)
    const bonds = new Set(neo.bonds.map((b) => key(b.a, b.b)))
    for (const p of all)
      for (const b of neo.bonds) expect(bonds.has(key(p[b.a], p[b.b]))).toBe(true)
    expect(automorphisms(neo, 5)).toHaveLength(5)
  })
})

describe('bestAlignedRmsd', () => {
  it('is 0 for a conformer whose equivalent atoms are listed in another order', () => {
    // A bent C(O)O with unequal C–O lengths: swapping the two oxygens' coordinates is the same conformer.
    const g = graph(
      ['C', 'O', 'O'],
      [
        [0, 1, 1],
        [0, 2, 1]
      ]
    )
    const ref = new Float32Array([0, 0, 0, 1.2, 0.3, 0, -0.4, 1.3, 0.2])
    const swapped = new Float32Array([0, 0, 0, -0.4, 1.3, 0.2, 1.2, 0.3, 0])
    expect(alignedRmsd(swapped, ref)).toBeGreaterThan(0.05)
    expect(bestAlignedRmsd(swapped, ref, automorphisms(g))).toBeLessThan(1e-6)
    expect(() => bestAlignedRmsd(swapped, ref, [])).toThrow(RangeError)
  })
})
