import { describe, expect, it } from 'vitest'
import { earthMoversDistance, emdMatching } from './emd'
import { exactEmd, hungarian, syntheticCloud } from './testing/oracles'

describe('the Hungarian oracle', () => {
  it('solves a known 3×3 assignment', () => {
    // Rows → columns 1, 0, 2 cost 1 + 2 + 2 = 5, the optimum.
    const { assignment, total } = hungarian([4, 1, 3, 2, 0, 5, 3, 2, 2], 3)
    expect(Array.from(assignment)).toEqual([1, 0, 2])
    expect(total).toBe(5)
  })
})

describe('emdMatching (auction with ε-scaling)', () => {
  it('gives the exact EMD of a two-point example', () => {
    const a = Float32Array.from([0, 0, 0, 1, 0, 0])
    const b = Float32Array.from([1, 1, 0, 0, 1, 0])
    const m = emdMatching(a, b)
    expect(Array.from(m.assignment)).toEqual([1, 0])
    expect(m.distance).toBe(1)
  })

  it('is exactly ‖t‖ plus at most ε for a translated copy', () => {
    const a = syntheticCloud(400, 7)
    const t = [0.3, -0.1, 0.2]
    const b = a.map((v, i) => v + t[i % 3])
    const m = emdMatching(a, b)
    const norm = Math.hypot(...t)
    expect(m.distance).toBeGreaterThanOrEqual(norm - 1e-6) // float32 rounding of b
    expect(m.distance).toBeLessThanOrEqual(norm + m.epsilon + 1e-6)
    expect(emdMatching(a, a).distance).toBeLessThanOrEqual(m.epsilon)
  })

  it.each([
    [1, 'sphere', 'torus'],
    [2, 'box', 'box'],
    [7, 'sphere', 'sphere'],
    [60, 'sphere', 'torus'],
    [200, 'box', 'sphere'],
    [300, 'torus', 'torus']
  ] as const)(
    'is within [exact, exact + ε] of the Hungarian optimum: %i points, %s→%s',
    (n, s, t) => {
      const a = syntheticCloud(n, 10 + n, s)
      const b = syntheticCloud(n, 20 + n, t)
      const exact = exactEmd(a, b)
      for (const epsilon of [undefined, 1e-2, 1e-6]) {
        const m = emdMatching(a, b, { epsilon })
        expect(m.distance).toBeGreaterThanOrEqual(exact - 1e-12)
        expect(m.distance).toBeLessThanOrEqual(exact + m.epsilon + 1e-12)
        expect(Array.from(m.assignment).sort((x, y) => x - y)).toEqual(
          Array.from({ length: n }, (_, i) => i)
        )
      }
      // The default bound is 1e-4 of the joint bounding-box diagonal.
      expect(emdMatching(a, b).epsilon).toBeLessThan(1e-3)
    }
  )

  it('handles coincident points and tiny ε', () => {
    const same = new Float32Array(30).fill(0.5)
    expect(emdMatching(same, same).distance).toBe(0)
    const a = syntheticCloud(50, 3)
    const b = syntheticCloud(50, 4)
    const tiny = emdMatching(a, b, { epsilon: 1e-30 })
    expect(tiny.epsilon).toBeGreaterThan(1e-13) // raised to 1e-12 × the diagonal
    expect(tiny.distance).toBeCloseTo(exactEmd(a, b), 10)
  })

  it('is (approximately) symmetric', () => {
    const a = syntheticCloud(256, 1)
    const b = syntheticCloud(256, 2, 'torus')
    const ab = earthMoversDistance(a, b)
    expect(Math.abs(ab - earthMoversDistance(b, a))).toBeLessThan(1e-3)
  })

  it('refuses unequal or empty clouds, non-finite points and a non-positive ε', () => {
    expect(() => emdMatching(syntheticCloud(3, 1), syntheticCloud(4, 1))).toThrow(
      /equal-size clouds .* 3 and 4 points/
    )
    expect(() => emdMatching(new Float32Array(0), new Float32Array(0))).toThrow(/non-empty/)
    expect(() => emdMatching(Float32Array.from([0, 0, NaN]), new Float32Array(3))).toThrow(
      /non-finite/
    )
    expect(() => emdMatching(syntheticCloud(3, 1), syntheticCloud(3, 2), { epsilon: 0 })).toThrow(
      /positive/
    )
  })
})
