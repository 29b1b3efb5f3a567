import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { orderFromLength, perceiveBonds } from './bonds'
import { parseSdf } from './sdf'

const fixture = readFileSync(new URL('./fixtures/molecules.sdf', import.meta.url), 'utf8')
const key = (b: { a: number; b: number }) => `${b.a}-${b.b}`

describe('perceiveBonds', () => {
  it('finds the bonds and orders of the fixture molecules from their coordinates', () => {
    for (const m of parseSdf(fixture)) {
      const found = perceiveBonds(m.elements, m.positions)
      expect(found.map(key).sort()).toEqual(m.bonds.map(key).sort())
    }
    const [acrylonitrile] = parseSdf(fixture)
    const orders = perceiveBonds(acrylonitrile.elements, acrylonitrile.positions).map(
      (b) => b.order
    )
    expect(orders).toEqual([2, 1, 1, 1, 1, 3])
  })

  it('agrees with RDKit on the connectivity of the held-out conformers of the starter set', () => {
    const url = new URL(
      '../../../../native-models/starter/qm9-mini-conf/heldout.sdf',
      import.meta.url
    )
    const molecules = parseSdf(readFileSync(url, 'utf8'))
    expect(molecules.length).toBeGreaterThan(100)
    let agree = 0
    for (const m of molecules) {
      const found = perceiveBonds(m.elements, m.positions).map(key).sort()
      if (found.join() === m.bonds.map(key).sort().join()) agree++
    }
    expect(agree / molecules.length).toBeGreaterThan(0.99)
  })

  it('does not bond overlapping, distant or non-finite atoms, and can leave orders out', () => {
    const p = new Float32Array([0, 0, 0, 10, 0, 0, 10.2, 0, 0, NaN, 0, 0, 1.2, 0, 0])
    expect(perceiveBonds(['C', 'C', 'C', 'C', 'C'], p)).toEqual([{ a: 0, b: 4, order: 3 }])
    expect(perceiveBonds(['C', 'C', 'C', 'C', 'C'], p, { orders: false })[0].order).toBe(1)
    // Two hydrogens on one carbon (≈ 1.8 Å apart) are not bonded; H₂ is.
    expect(perceiveBonds(['H', 'H'], new Float32Array([0, 0, 0, 1.78, 0, 0]))).toEqual([])
    expect(perceiveBonds(['H', 'H'], new Float32Array([0, 0, 0, 0.74, 0, 0]))).toHaveLength(1)
  })

  it('scales to thousands of atoms', () => {
    const n = 4000
    const p = new Float32Array(3 * n)
    for (let i = 0; i < n; i++)
      p.set([(i % 20) * 1.5, (Math.floor(i / 20) % 20) * 1.5, Math.floor(i / 400) * 1.5], 3 * i)
    const started = performance.now()
    const bonds = perceiveBonds(new Array<string>(n).fill('C'), p)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(bonds.length).toBeGreaterThan(n)
  })
})

describe('orderFromLength', () => {
  it('uses EDM thresholds for listed pairs, single otherwise', () => {
    const cases: [string, string, number, number][] = [
      ['C', 'O', 1.21, 2],
      ['O', 'C', 1.43, 1],
      ['C', 'N', 1.16, 3],
      ['C', 'C', 1.39, 1],
      ['C', 'H', 0.9, 1]
    ]
    for (const [x, y, d, order] of cases)
      expect(orderFromLength(x, y, d), `${x}-${y} ${d}`).toBe(order)
  })
})
