import { describe, expect, it } from 'vitest'
import { chamferDistance, chamferDistanceOfTrees } from './chamfer'
import { KdTree } from './kdtree'
import { bruteChamfer, syntheticCloud } from './testing/oracles'

describe('chamferDistance', () => {
  it('is the mean squared NN distance each way, summed (PointFlow / LION convention)', () => {
    const a = Float32Array.from([0, 0, 0])
    const b = Float32Array.from([1, 0, 0, 0, 2, 0])
    // A→B: min(1, 4) = 1; B→A: (1 + 4) / 2 = 2.5.
    expect(chamferDistance(a, b)).toBe(3.5)
    expect(chamferDistance(b, a)).toBe(3.5)
    expect(chamferDistance(b, b)).toBe(0)
  })

  it('matches brute force on clouds of different sizes and shapes', () => {
    const pairs = [
      [syntheticCloud(2048, 1), syntheticCloud(2048, 2, 'torus')],
      [syntheticCloud(300, 3, 'box'), syntheticCloud(1000, 4)],
      [syntheticCloud(1, 5), syntheticCloud(64, 6, 'torus')]
    ]
    for (const [a, b] of pairs) {
      const want = bruteChamfer(a, b)
      expect(chamferDistance(a, b)).toBeCloseTo(want, 12)
      expect(chamferDistanceOfTrees(new KdTree(a), new KdTree(b))).toBeCloseTo(want, 12)
    }
  })

  it('puts a copy shifted by t (small against the point spacing) at 2‖t‖²', () => {
    const a = Float32Array.from([0, 0, 0, 10, 0, 0])
    const b = Float32Array.from([0, 0.5, 0, 10, 0.5, 0])
    expect(chamferDistance(a, b)).toBe(0.5)
  })

  it('refuses empty clouds', () => {
    expect(() => chamferDistance(new Float32Array(0), syntheticCloud(3, 1))).toThrow(/non-empty/)
  })
})
