import { describe, expect, it } from 'vitest'
import {
  boundingBox,
  denormalize,
  farthestPointSample,
  normalizeToUnitBox,
  pointCount,
  randomSubsample
} from './points'
import { seededRandom } from './random'
import { distanceSquared, syntheticCloud } from './testing/oracles'

const cloud = (...xyz: number[]) => Float32Array.from(xyz)

describe('point cloud basics', () => {
  it('counts interleaved points and refuses ragged arrays', () => {
    expect(pointCount(new Float32Array(6))).toBe(2)
    expect(() => pointCount(new Float32Array(5))).toThrow(/multiple of 3, not 5/)
  })

  it('gives the bounding box', () => {
    expect(boundingBox(cloud(0, 0, 0, 4, -2, 0, 2, 1, 6))).toEqual({
      min: [0, -2, 0],
      max: [4, 1, 6]
    })
    expect(() => boundingBox(new Float32Array(0))).toThrow(RangeError)
  })

  it('normalises to the unit box: centred, longest axis exactly [−1, 1], aspect kept', () => {
    const { points, center, scale } = normalizeToUnitBox(cloud(0, 0, 0, 4, 2, 0, 2, 1, 6))
    expect(center).toEqual([2, 1, 3])
    expect(scale).toBe(3)
    expect(Array.from(points)).toEqual(
      Array.from(cloud(-2 / 3, -1 / 3, -1, 2 / 3, 1 / 3, -1, 0, 0, 1))
    )
    const back = denormalize(points, center, scale)
    expect(Array.from(back)).toEqual([0, 0, 0, 4, 2, 0, 2, 1, 6].map((v) => expect.closeTo(v, 6)))
  })

  it('keeps a one-point cloud at the origin with scale 1', () => {
    const { points, center, scale } = normalizeToUnitBox(cloud(5, 5, 5, 5, 5, 5))
    expect(scale).toBe(1)
    expect(center).toEqual([5, 5, 5])
    expect(Array.from(points)).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('refuses non-finite coordinates when normalising', () => {
    expect(() => normalizeToUnitBox(cloud(0, 0, 0, Infinity, 0, 0))).toThrow(/point 1 .*non-finite/)
    expect(() => boundingBox(cloud(0, NaN, 0))).toThrow(/point 0 has a non-finite coordinate/)
  })
})

describe('seededRandom', () => {
  it('is reproducible, in [0, 1), roughly uniform, and seed-sensitive', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const c = seededRandom(43)
    let sum = 0
    let differ = 0
    for (let i = 0; i < 10000; i++) {
      const x = a()
      expect(x).toBe(b())
      expect(x >= 0 && x < 1).toBe(true)
      if (x !== c()) differ++
      sum += x
    }
    expect(Math.abs(sum / 10000 - 0.5)).toBeLessThan(0.01)
    expect(differ).toBeGreaterThan(9990)
    expect(seededRandom(2 ** 40)()).not.toBe(seededRandom(0)())
    expect(() => seededRandom(1.5)).toThrow(RangeError)
  })
})

describe('farthestPointSample', () => {
  it('follows the farthest-point rule from its seeded start, ties to the lowest index', () => {
    // Points on a line at x = 0 … 10.
    const line = new Float32Array(33)
    for (let i = 0; i <= 10; i++) line[i * 3] = i
    let seed = 0
    while (farthestPointSample(line, 1, seed).indices[0] !== 5) seed++
    const { indices, points } = farthestPointSample(line, 4, seed)
    // From 5, the ends tie at distance 5 (lowest index first); then 2, 3, 7 and 8 tie at 2.
    expect(Array.from(indices)).toEqual([5, 0, 10, 2])
    expect(Array.from(points)).toEqual([5, 0, 0, 0, 0, 0, 10, 0, 0, 2, 0, 0])
  })

  it('matches a direct implementation of the rule on a random cloud', () => {
    const c = syntheticCloud(300, 3)
    const { indices } = farthestPointSample(c, 40, 11)
    const taken = [indices[0]]
    for (let s = 1; s < 40; s++) {
      let best = -1
      let bestAt = -1
      for (let i = 0; i < 300; i++) {
        if (taken.includes(i)) continue
        const d = Math.min(...taken.map((t) => distanceSquared(c, i, c, t)))
        if (d > best) {
          best = d
          bestAt = i
        }
      }
      taken.push(bestAt)
    }
    expect(Array.from(indices)).toEqual(taken)
  })

  it('is deterministic per seed, gives distinct indices (also among duplicates), allows k = 0 … N', () => {
    const c = syntheticCloud(200, 5)
    expect(farthestPointSample(c, 50, 1).indices).toEqual(farthestPointSample(c, 50, 1).indices)
    expect(farthestPointSample(c, 50, 1).indices[0]).not.toBe(
      farthestPointSample(c, 50, 2).indices[0]
    )
    const all = farthestPointSample(c, 200, 9).indices
    expect(new Set(all).size).toBe(200)
    const dup = cloud(1, 1, 1, 1, 1, 1, 1, 1, 1)
    expect(new Set(farthestPointSample(dup, 3).indices).size).toBe(3)
    expect(farthestPointSample(c, 0).points.length).toBe(0)
    expect(() => farthestPointSample(c, 201)).toThrow(/0 … 200/)
  })

  it('spreads points better than random subsampling', () => {
    const c = syntheticCloud(2000, 8)
    const minGap = (p: Float32Array) => {
      let m = Infinity
      for (let i = 0; i < p.length / 3; i++)
        for (let j = i + 1; j < p.length / 3; j++) m = Math.min(m, distanceSquared(p, i, p, j))
      return m
    }
    expect(minGap(farthestPointSample(c, 100, 0).points)).toBeGreaterThan(
      4 * minGap(randomSubsample(c, 100, 0).points)
    )
  })
})

describe('randomSubsample', () => {
  it('draws k distinct points reproducibly', () => {
    const c = syntheticCloud(100, 1)
    const a = randomSubsample(c, 30, 5)
    expect(a.indices).toEqual(randomSubsample(c, 30, 5).indices)
    expect(a.indices).not.toEqual(randomSubsample(c, 30, 6).indices)
    expect(new Set(a.indices).size).toBe(30)
    expect(Array.from(a.points.subarray(0, 3))).toEqual(
      Array.from(c.subarray(a.indices[0] * 3, a.indices[0] * 3 + 3))
    )
    expect(Array.from(randomSubsample(c, 100, 2).indices).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i)
    )
    expect(() => randomSubsample(c, -1)).toThrow(RangeError)
  })

  it('picks every point about equally often', () => {
    const c = new Float32Array(10 * 3)
    const counts = new Array(10).fill(0)
    for (let seed = 0; seed < 2000; seed++) counts[randomSubsample(c, 3, seed).indices[0]]++
    for (const n of counts) expect(Math.abs(n - 200)).toBeLessThan(60)
  })
})
