import { describe, expect, it } from 'vitest'
import { topologicalDistances, unreachable } from './topology'

describe('topologicalDistances', () => {
  it('gives shortest paths in bonds, 0 on the diagonal and −1 across fragments', () => {
    // 0–1–2–3 chain closed into a ring by 3–0; atom 4 bonded to 2; atom 5 alone.
    const bonds = [
      { a: 0, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 3 },
      { a: 3, b: 0 },
      { a: 2, b: 4 }
    ]
    const d = topologicalDistances(6, bonds)
    const row = (i: number) => Array.from(d.subarray(i * 6, i * 6 + 6))
    expect(row(0)).toEqual([0, 1, 2, 1, 3, -1])
    expect(row(4)).toEqual([3, 2, 1, 2, 0, -1])
    expect(row(5)).toEqual([-1, -1, -1, -1, -1, 0])
    expect(unreachable).toBe(-1)
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) expect(d[i * 6 + j]).toBe(d[j * 6 + i])
  })

  it('handles an empty graph and refuses bonds outside it', () => {
    expect(topologicalDistances(0, []).length).toBe(0)
    expect(() => topologicalDistances(2, [{ a: 0, b: 2 }])).toThrow(/outside the 2 atoms/)
  })
})
