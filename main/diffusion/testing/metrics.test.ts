import { describe, expect, it } from 'vitest'
import { mmdRbf, sampleMoments, slicedWasserstein, wassersteinSorted1d } from './metrics'
import { createMixture, sampleMixture } from './mixture'

const t = (rows: number[][]) => ({
  shape: [rows.length, rows[0].length],
  data: Float64Array.from(rows.flat())
})

describe('sampleMoments', () => {
  it('gives the mean and unbiased covariance', () => {
    const m = sampleMoments(
      t([
        [1, 2],
        [3, 6],
        [5, 4]
      ])
    )
    expect(Array.from(m.mean)).toEqual([3, 4])
    expect(Array.from(m.cov)).toEqual([4, 2, 2, 4])
  })
})

describe('wassersteinSorted1d', () => {
  it('pairs sorted samples for equal sizes', () => {
    expect(wassersteinSorted1d(Float64Array.from([0, 1]), Float64Array.from([1, 3]), 2)).toBe(2.5)
  })
  it('integrates the quantile functions for unequal sizes', () => {
    // Q_x = 0 on (0, ½], 2 on (½, 1]; Q_y = 1 on (0, 1]: W₁ = ½·1 + ½·1.
    expect(wassersteinSorted1d(Float64Array.from([0, 2]), Float64Array.from([1]), 1)).toBe(1)
    // Q_x over thirds (0, 3, 6), Q_y over halves (0, 6): W₁ = ⅓·0 + ⅙·3 + ⅙·3 + ⅓·0 = 1.
    expect(
      wassersteinSorted1d(Float64Array.from([0, 3, 6]), Float64Array.from([0, 6]), 1)
    ).toBeCloseTo(1, 15)
  })
})

describe('slicedWasserstein', () => {
  it('is the shift in 1-D', () => {
    const a = t([[0], [1], [5]])
    const b = t([[0.5], [1.5], [5.5]])
    expect(slicedWasserstein(a, b, 4)).toBeCloseTo(0.5, 14)
  })
  it('is ‖c‖/sqrt(d) on average for a shift by c (d = 3, 2000 directions)', () => {
    const a = sampleMixture(createMixture([[0, 0, 0]], 1), 200, 1)
    const b = { shape: a.shape, data: a.data.map((v, i) => v + (i % 3 === 0 ? 3 : 0)) }
    expect(slicedWasserstein(a, b, 2000, 5)).toBeCloseTo(3 / Math.sqrt(3), 1)
  })
})

describe('mmdRbf', () => {
  it('matches a hand computation (h = 1)', () => {
    const a = t([[0], [1]])
    const b = t([[0], [2]])
    const k = (d: number) => Math.exp(-(d * d) / 2)
    const expected = k(1) + k(2) - (2 * (k(0) + k(2) + k(1) + k(1))) / 4
    expect(mmdRbf(a, b, 1)).toBeCloseTo(expected, 15)
  })
  it('separates a shifted law from a same-law sample (N = 500, h = 0.5)', () => {
    const mix = createMixture(
      [
        [0, 0],
        [2, 2]
      ],
      0.3
    )
    const a = sampleMixture(mix, 500, 1)
    const b = sampleMixture(mix, 500, 2)
    const c = { shape: b.shape, data: b.data.map((v) => v + 0.3) }
    expect(Math.abs(mmdRbf(a, b, 0.5))).toBeLessThan(3e-3)
    expect(mmdRbf(a, c, 0.5)).toBeGreaterThan(3e-2)
  })
})
