import { describe, expect, it } from 'vitest'
import { createNoise } from '../rng'
import { gaussianDenoiser } from '../testing/gaussian'
import {
  createMixture,
  mixtureDenoiser,
  mixtureLogDensity,
  sampleMixture
} from '../testing/mixture'
import { SamplingCancelled } from '../types'
import { logLikelihood } from './likelihood'

const sigmaMin = 0.002
const sigmaMax = 80

describe('PF-ODE log-likelihood on Gaussian data N(μ, s²), d = 4 (exact: log N(x; μ, s² + σ_min²))', () => {
  const mu = 0.3
  const s = 0.6
  const d = 4
  const x = {
    shape: [8, d],
    data: createNoise(1)
      .randn([8, d])
      .data.map((z) => mu + s * z)
  }
  const exact = Array.from({ length: 8 }, (_, b) => {
    const v = s * s + sigmaMin * sigmaMin
    let l = 0
    for (let k = 0; k < d; k++)
      l += -0.5 * Math.log(2 * Math.PI * v) - (x.data[b * d + k] - mu) ** 2 / (2 * v)
    return l
  })
  const D = gaussianDenoiser({ mu, s })
  const prior = { priorMean: mu, priorVariance: s * s + sigmaMax * sigmaMax }

  it('RK45 (rtol = atol = 1e-5) matches to 1e-3 nats per sample and 1e-4 bits/dim', async () => {
    const r = await logLikelihood(D, x, { sigmaMin, sigmaMax, noise: createNoise(2), ...prior })
    r.logp.forEach((l, b) => expect(Math.abs(l - exact[b])).toBeLessThan(1e-3))
    r.bitsPerDim.forEach((bpd, b) =>
      expect(Math.abs(bpd - (-exact[b] / (d * Math.LN2) + 7))).toBeLessThan(1e-4)
    )
    expect(r.priorLogp[0] + r.deltaLogp[0]).toBeCloseTo(r.logp[0], 12)
  })

  it('Heun converges at second order (64 → 128 steps: error ratio < 0.35)', async () => {
    const err = async (steps: number) => {
      const r = await logLikelihood(D, x, {
        sigmaMin,
        sigmaMax,
        noise: createNoise(2),
        solver: 'heun',
        steps,
        ...prior
      })
      return Math.max(...Array.from(r.logp, (l, b) => Math.abs(l - exact[b])))
    }
    const e64 = await err(64)
    const e128 = await err(128)
    expect(e128 / e64).toBeLessThan(0.35)
    expect(e128).toBeLessThan(0.06)
  })

  it('uses the dequantisation offset log2(bins/range): +8 for data in [0, 1]', async () => {
    const a = await logLikelihood(D, x, {
      sigmaMin,
      sigmaMax,
      noise: createNoise(2),
      ...prior,
      range: 1
    })
    a.bitsPerDim.forEach((bpd, b) => expect(bpd).toBeCloseTo(-a.logp[b] / (d * Math.LN2) + 8, 12))
  })

  it('throws SamplingCancelled when aborted', async () => {
    const c = new AbortController()
    c.abort()
    await expect(
      logLikelihood(D, x, { sigmaMin, sigmaMax, noise: createNoise(2), signal: c.signal })
    ).rejects.toBeInstanceOf(SamplingCancelled)
  })
})

describe('PF-ODE log-likelihood on a 2-D ring mixture (exact log p_σmin in closed form)', () => {
  const ring = createMixture(
    Array.from({ length: 8 }, (_, k) => [
      2 * Math.cos((k * Math.PI) / 4),
      2 * Math.sin((k * Math.PI) / 4)
    ]),
    0.2
  )
  const xs = sampleMixture(ring, 120, 3)
  const exact = mixtureLogDensity(ring, xs, sigmaMin)
  it('is unbiased: mean error within 3 standard errors of the Hutchinson noise (120 samples)', async () => {
    const stats = async (probes: number) => {
      const r = await logLikelihood(mixtureDenoiser(ring), xs, {
        sigmaMin,
        sigmaMax,
        noise: createNoise(5),
        probes
      })
      const err = Array.from(r.logp, (l, b) => l - exact[b])
      const mean = err.reduce((a, v) => a + v, 0) / err.length
      const sd = Math.sqrt(err.reduce((a, v) => a + (v - mean) ** 2, 0) / (err.length - 1))
      return { mean, sd }
    }
    const one = await stats(1)
    expect(Math.abs(one.mean)).toBeLessThan(3 * (one.sd / Math.sqrt(120)) + 0.01)
    // Four probes cut the per-sample spread about in half.
    const four = await stats(4)
    expect(four.sd).toBeLessThan(0.7 * one.sd)
  })
})
