import { describe, expect, it } from 'vitest'
import { KdTree } from './kdtree'
import { bruteNearest, distanceSquared, syntheticCloud } from './testing/oracles'

function grid(n: number): Float32Array {
  // Integer grid points: many exact distance ties.
  const out = new Float32Array(n * n * n * 3)
  let k = 0
  for (let x = 0; x < n; x++)
    for (let y = 0; y < n; y++) for (let z = 0; z < n; z++) out.set([x, y, z], 3 * k++)
  return out
}

const clouds: [string, Float32Array][] = [
  ['one point', Float32Array.from([0.5, -1, 2])],
  ['7 points', syntheticCloud(7, 1)],
  ['8 points', syntheticCloud(8, 2)],
  ['9 points', syntheticCloud(9, 3)],
  ['a 6³ grid', grid(6)],
  ['2048 on a sphere', syntheticCloud(2048, 4)],
  ['1000 in a box', syntheticCloud(1000, 5, 'box')],
  ['duplicates', Float32Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? 1 : 0))]
]

describe('KdTree', () => {
  it.each(clouds)('finds exact nearest distances: %s', (_, cloud) => {
    const tree = new KdTree(cloud)
    const queries = syntheticCloud(500, 99, 'box').map((v) => v * 3)
    const want = bruteNearest(queries, cloud)
    for (let q = 0; q < 500; q++) {
      const [x, y, z] = queries.subarray(q * 3, q * 3 + 3)
      const got = tree.nearest(x, y, z)
      expect(got.distanceSquared).toBe(want[q])
      expect(distanceSquared(queries, q, cloud, got.index)).toBe(want[q])
      expect(tree.nearestDistanceSquared(x, y, z)).toBe(want[q])
    }
  })

  it.each(clouds)('k nearest are the k smallest distances, sorted: %s', (_, cloud) => {
    const tree = new KdTree(cloud)
    const n = cloud.length / 3
    for (const [x, y, z] of [
      [0, 0, 0],
      [0.3, -0.2, 0.9],
      [5, 5, 5]
    ]) {
      const all = Array.from({ length: n }, (_, j) => {
        const dx = cloud[j * 3] - x
        const dy = cloud[j * 3 + 1] - y
        const dz = cloud[j * 3 + 2] - z
        return dx * dx + dy * dy + dz * dz
      }).sort((p, q) => p - q)
      for (const k of [1, 5, 16, n + 3]) {
        const got = tree.kNearest(x, y, z, k)
        expect(got.map((g) => g.distanceSquared)).toEqual(all.slice(0, Math.min(k, n)))
        expect(new Set(got.map((g) => g.index)).size).toBe(got.length)
      }
    }
  })

  it('sums nearest distances of another tree’s points (warm-started) exactly as brute force', () => {
    for (const [a, b] of [
      [syntheticCloud(2048, 1), syntheticCloud(2048, 2, 'torus')],
      [syntheticCloud(500, 3, 'box'), grid(5)],
      [grid(4), grid(4)]
    ]) {
      const want = bruteNearest(b, a).reduce((s, v) => s + v, 0)
      expect(new KdTree(a).sumNearestDistanceSquared(new KdTree(b))).toBeCloseTo(want, 10)
    }
  })

  it('handles an empty cloud and refuses non-finite coordinates', () => {
    const empty = new KdTree(new Float32Array(0))
    expect(empty.nearest(0, 0, 0)).toEqual({ index: -1, distanceSquared: Infinity })
    expect(empty.kNearest(0, 0, 0, 3)).toEqual([])
    expect(() => new KdTree(Float32Array.from([0, NaN, 0]))).toThrow(/point 0 .*NaN/)
    expect(() => new KdTree(new Float32Array(4))).toThrow(/multiple of 3/)
  })
})
