import { describe, expect, it } from 'vitest'
import { createNoise } from '../../rng'
import { gaussianDenoiser } from '../../testing/gaussian'
import { exactGaussianOutput } from '../../testing/linear-probe'
import { edmSigmas } from '../../testing/run-sampler'
import {
  analyticDdpm,
  analyticVariance,
  createAnalyticSampler,
  decodeGamma,
  encodeGamma,
  estimateGamma,
  onlineGamma,
  interpolateGamma
} from './analytic-dpm'
import { ddpmStepVariance } from './ddpm'

// Gaussian data N(μ, s²): the score at σ is −(x − μ)/(s² + σ²), so Γ(σ) = E‖s‖²/d = 1/(s² + σ²) and
// the true reverse kernel q(x_s | x_t) is Gaussian with
//   Var(x_s | x_t) = (s² + σ_s²) − (s² + σ_s²)²/(s² + σ_t²).
const mu = -0.4
const s = 0.6
const gammaOf = (sigma: number): number => 1 / (s * s + sigma * sigma)

describe('analyticVariance (Bao et al. 2022, Thm. 1)', () => {
  it('equals the exact Gaussian reverse variance for the DDPM family', () => {
    for (const [t, u] of [
      [80, 20],
      [3, 1.2],
      [0.5, 0.1],
      [0.01, 0.002]
    ]) {
      const exact = s * s + u * u - (s * s + u * u) ** 2 / (s * s + t * t)
      expect(analyticVariance(t, u, gammaOf(t), 'ddpm')).toBeCloseTo(exact, 12)
      // it lies between the fixed-small variance and the Γ = 0 bound
      expect(exact).toBeGreaterThan(ddpmStepVariance(t, u, 'fixed-small'))
    }
  })

  it('is λ² = 0 plus the x0-error term for the DDIM family, and clips σ²Γ to [0, 1]', () => {
    const t = 2
    const u = 0.5
    const err = (t * t * s * s) / (s * s + t * t)
    expect(analyticVariance(t, u, gammaOf(t), 'ddim')).toBeCloseTo((1 - u / t) ** 2 * err, 14)
    expect(analyticVariance(t, u, 10, 'ddim')).toBe(0)
    expect(analyticVariance(t, u, -1, 'ddim')).toBeCloseTo((1 - u / t) ** 2 * t * t, 14)
    expect(analyticVariance(t, u, 0, 'ddim', 0.25)).toBeCloseTo((1 - u / t) ** 2 * 0.25, 14)
    expect(analyticVariance(t, 0, 0.1, 'ddpm')).toBe(0)
  })
})

describe('analytic-ddpm sampler', () => {
  it('reproduces every intermediate marginal N(μ, s² + σ_i²) exactly with the exact Γ', async () => {
    // Starting from the exact marginal at σ₀, each step is the exact Gaussian reverse kernel.
    const sigmas = edmSigmas(6)
    const sampler = createAnalyticSampler(Float64Array.from(sigmas.subarray(0, 6), gammaOf))
    const start = { mean: mu, variance: s * s + sigmas[0] ** 2 }
    for (let i = 1; i < 6; i++) {
      const prefix = sigmas.slice(0, i + 1)
      const law = await exactGaussianOutput(sampler, mu, s, prefix, undefined, start)
      expect(law.variance / (s * s + sigmas[i] ** 2)).toBeCloseTo(1, 11)
      expect(law.mean).toBeCloseTo(mu, 11)
    }
    // The last step returns the mean D: Var = s⁴/(s² + σ_{N−1}²).
    const law = await exactGaussianOutput(sampler, mu, s, sigmas, undefined, start)
    expect(law.variance).toBeCloseTo(s ** 4 / (s * s + sigmas[5] ** 2), 12)
    expect(law.mean).toBeCloseTo(mu, 12)
  })

  it('the DDIM variant is exact as well, and reads Γ from extra.gamma', async () => {
    const sigmas = edmSigmas(4)
    const gamma = encodeGamma(Array.from(sigmas.subarray(0, 4), gammaOf))
    const bound = createAnalyticSampler(decodeGamma(gamma))
    const law = await exactGaussianOutput(
      bound,
      mu,
      s,
      sigmas.slice(0, 4),
      { variant: 'ddim' },
      {
        mean: mu,
        variance: s * s + 6400
      }
    )
    expect(law.variance / (s * s + sigmas[3] ** 2)).toBeCloseTo(1, 11)
  })
})

describe('analytic-ddpm without a Γ table (online estimate)', () => {
  it('estimates Γ = 1/(s² + σ²) from a batch drawn from the marginal', () => {
    const sigma = 1.5
    const n = 20_000
    const z = createNoise(3).randn([n, 1]).data
    const x = z.map((v) => mu + Math.sqrt(s * s + sigma * sigma) * v)
    const d = x.map((v) => mu + ((s * s) / (s * s + sigma * sigma)) * (v - mu))
    expect(onlineGamma(x, d, sigma) / gammaOf(sigma)).toBeCloseTo(1, 1)
  })

  it('samples like the exact Γ table: same noise, variances within 2 %', async () => {
    const sigmas = edmSigmas(40)
    const n = 4000
    const x0 = createNoise(9).randn([n, 1])
    const x = {
      shape: x0.shape,
      data: x0.data.map((v) => mu + v * Math.sqrt(s * s + sigmas[0] ** 2))
    }
    const D = gaussianDenoiser({ mu, s })
    const variance = (t: Float64Array) => {
      const m = t.reduce((a, b) => a + b, 0) / t.length
      return t.reduce((a, b) => a + (b - m) ** 2, 0) / t.length
    }
    const online = await analyticDdpm.sample(D, x, sigmas, { noise: createNoise(10) })
    const table = createAnalyticSampler(Float64Array.from(sigmas.subarray(0, 40), gammaOf))
    const exact = await table(D, x, sigmas, { noise: createNoise(10) })
    expect(variance(online.data) / variance(exact.data)).toBeCloseTo(1, 1)
    expect(Math.abs(variance(online.data) / variance(exact.data) - 1)).toBeLessThan(0.02)
  })
})

describe('estimateGamma', () => {
  it('matches Γ = 1/(s² + σ²) on Gaussian data within 4 standard errors (2000 samples)', async () => {
    const data = {
      shape: [200, 10],
      data: createNoise(5)
        .randn([200, 10])
        .data.map((z) => mu + s * z)
    }
    const sigmas = Float64Array.from([50, 2, 0.6, 0.05])
    const est = await estimateGamma(gaussianDenoiser({ mu, s }), data, sigmas, createNoise(6), 1)
    sigmas.forEach((sg, j) => {
      expect(Math.abs(est.gamma[j] - gammaOf(sg))).toBeLessThan(4 * est.stderr[j] + 1e-12)
      expect(est.stderr[j] / est.gamma[j]).toBeLessThan(0.05)
    })
  })

  it('interpolateGamma is exact where σ²Γ is linear in ln σ, and round-trips the table', () => {
    const table = Float64Array.from([0.1, 1, 10])
    const g = table.map((x) => (0.3 + 0.1 * Math.log(x)) / (x * x))
    const out = interpolateGamma(table, g, Float64Array.from([0.3, 3, 1, 20]))
    expect(out[0]).toBeCloseTo((0.3 + 0.1 * Math.log(0.3)) / 0.09, 13)
    expect(out[1]).toBeCloseTo((0.3 + 0.1 * Math.log(3)) / 9, 13)
    expect(out[2]).toBeCloseTo(g[1], 13)
    expect(out[3]).toBeCloseTo((g[2] * 100) / 400, 13)
    expect(Array.from(decodeGamma(encodeGamma(g)))).toEqual(Array.from(g))
  })
})
