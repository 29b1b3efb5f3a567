import { describe, expect, it } from 'vitest'
import {
  createMixture,
  datasetMixture,
  idealDenoiser,
  mixtureDenoise,
  mixtureLogDensity,
  mixtureMoments,
  sampleMixture
} from './mixture'
import { sampleMoments } from './metrics'

const ring = createMixture(
  [
    [2, 0],
    [0, 2],
    [-2, 0],
    [0, -2]
  ],
  [0.3, 0.5, 0.2, 0.4],
  [1, 2, 3, 4]
)

describe('mixture denoiser', () => {
  it('is the Gaussian posterior mean for one component', () => {
    const mix = createMixture([[1, -2, 0.5]], 0.7)
    const x = { shape: [2, 3], data: Float64Array.from([0.3, 4, -1, 10, -10, 2]) }
    const sigma = 1.3
    const k = 0.49 / (0.49 + sigma * sigma)
    const out = mixtureDenoise(mix, x, sigma)
    const mu = [1, -2, 0.5]
    out.data.forEach((v, i) => expect(v).toBeCloseTo(mu[i % 3] + k * (x.data[i] - mu[i % 3]), 14))
  })

  it('satisfies Tweedie D = x + σ²∇log p_σ (gradient by central differences of the log-sum-exp)', () => {
    const sigma = 0.8
    const h = 1e-5
    for (const pt of [
      [0.3, -0.2],
      [1.7, 1.1],
      [-3, 0.4]
    ]) {
      const x = { shape: [1, 2], data: Float64Array.from(pt) }
      const d = mixtureDenoise(ring, x, sigma)
      for (let j = 0; j < 2; j++) {
        const up = Float64Array.from(pt)
        const dn = Float64Array.from(pt)
        up[j] += h
        dn[j] -= h
        const g =
          (mixtureLogDensity(ring, { shape: [1, 2], data: up }, sigma)[0] -
            mixtureLogDensity(ring, { shape: [1, 2], data: dn }, sigma)[0]) /
          (2 * h)
        expect(d.data[j]).toBeCloseTo(pt[j] + sigma * sigma * g, 8)
      }
    }
  })

  it('stays finite where every density underflows (log-sum-exp)', () => {
    const points = datasetMixture({ shape: [2, 2], data: Float64Array.from([0, 0, 1, 1]) })
    const x = { shape: [1, 2], data: Float64Array.from([300, -250]) }
    expect(Array.from(mixtureDenoise(points, x, 0.01).data)).toEqual([1, 1])
    expect(mixtureLogDensity(points, x, 0.01)[0]).toBeLessThan(-1e8)
  })
})

describe('ideal denoiser (EDM eq. 57)', () => {
  const data = { shape: [3, 2], data: Float64Array.from([0, 0, 1, 0, 0, 3]) }
  it('returns the nearest data point at small σ and the data mean at large σ', async () => {
    const D = idealDenoiser(data)
    const near = await D({ shape: [1, 2], data: Float64Array.from([0.9, 0.2]) }, 0.01)
    expect(Array.from(near.data)).toEqual([1, 0])
    const far = await D({ shape: [1, 2], data: Float64Array.from([0.2, 0.1]) }, 1e4)
    expect(far.data[0]).toBeCloseTo(1 / 3, 6)
    expect(far.data[1]).toBeCloseTo(1, 6)
  })
  it('is the mixture of point masses', () => {
    const mix = datasetMixture(data)
    expect(Array.from(mix.weights)).toEqual([1 / 3, 1 / 3, 1 / 3])
    expect(Array.from(mix.stds)).toEqual([0, 0, 0])
  })
})

describe('sampleMixture', () => {
  it('is seeded and matches the exact moments (N = 20000, 5 standard errors)', () => {
    const a = sampleMixture(ring, 20000, 3)
    expect(sampleMixture(ring, 20000, 3).data).toEqual(a.data)
    const exact = mixtureMoments(ring)
    const got = sampleMoments(a)
    for (let j = 0; j < 2; j++) {
      const se = Math.sqrt(exact.cov[j * 3] / 20000)
      expect(Math.abs(got.mean[j] - exact.mean[j])).toBeLessThan(5 * se)
      expect(Math.abs(got.cov[j * 3] / exact.cov[j * 3] - 1)).toBeLessThan(0.05)
    }
  })
  it('has stratified component counts', () => {
    const mix = createMixture([[0], [100]], 0, [1, 3])
    const x = sampleMixture(mix, 8, 1)
    expect(x.data.filter((v) => v === 100).length).toBe(6)
  })
})
