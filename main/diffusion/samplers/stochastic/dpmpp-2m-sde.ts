// DPM-Solver++(2M) SDE (k-diffusion `sample_dpmpp_2m_sde`; Lu et al. 2022b §4 multistep, SDE form of
// Gonzalez et al. / Lu et al. "SDE-DPM-Solver++"), in σ-space (α = 1, λ = −log σ). Shapes [B, ...].
// Per step, h = log σ − log σ_next, ηh = η·h:
//   x ← (σ_next/σ)·e^{−ηh}·x − expm1(−h − ηh)·D                         (first-order part)
//   midpoint: x += −½·expm1(−h − ηh)·(1/r)·(D − D_prev)                  r = h_prev / h
//   heun:     x += (−expm1(−h − ηh)/(−h − ηh) + 1)·(1/r)·(D − D_prev)
//   x += σ_next·sqrt(−expm1(−2ηh))·s_noise·z
// First step has no D_prev (first order); last step (σ_next = 0) returns D, no log(0).
// Noise: one fresh N(0, I) draw per step instead of k-diffusion's Brownian tree. The tree's normalised
// increments over the disjoint intervals [σ_{i+1}, σ_i] are independent standard normals, so the
// joint law of the noise is the same; only the pathwise link between runs with different step counts
// is lost. Draws are per batch element, so sample b does not depend on the batch size.

import type { Sampler, SamplerInfo } from '../../types'
import {
  addScaledInPlace,
  callDenoiser,
  checkSigmas,
  choiceParam,
  combine,
  numberParam,
  reportStep
} from './common'

export const sampleDpmpp2mSde: Sampler = async (denoise, x, sigmas, options) => {
  const n = checkSigmas(sigmas)
  const eta = numberParam(options.extra, 'eta', 1, 0)
  const sNoise = numberParam(options.extra, 's_noise', 1, 0)
  const solver = choiceParam(options.extra, 'solver_type', 'midpoint', [
    'midpoint',
    'heun'
  ] as const)
  let cur = x
  let prev: Float64Array | undefined
  let hPrev = 0
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    let h = 0
    if (sigmaNext === 0) {
      cur = combine(cur, 0, denoised, 1)
    } else {
      h = Math.log(sigma) - Math.log(sigmaNext)
      const etaH = eta * h
      const a = -Math.expm1(-h - etaH)
      cur = combine(cur, (sigmaNext / sigma) * Math.exp(-etaH), denoised, a)
      if (prev !== undefined) {
        const invR = h / hPrev
        const c = solver === 'heun' ? (a / (-h - etaH) + 1) * invR : 0.5 * a * invR
        const xs = cur.data
        const ds = denoised.data
        for (let k = 0; k < xs.length; k++) xs[k] += c * (ds[k] - prev[k])
      }
      if (eta > 0) {
        const amp = sigmaNext * Math.sqrt(-Math.expm1(-2 * etaH)) * sNoise
        addScaledInPlace(cur, options.noise.randn(cur.shape), amp)
      }
    }
    prev = denoised.data
    hPrev = h
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const dpmpp2mSde: SamplerInfo = {
  name: 'dpmpp-2m-sde',
  label: 'DPM++ 2M SDE',
  description: 'Second-order multistep SDE solver (k-diffusion); per-step Gaussian noise.',
  order: 2,
  callsPerStep: 1,
  stochastic: true,
  reference: 'k-diffusion sample_dpmpp_2m_sde; Lu et al. 2022b (DPM-Solver++) §4 + SDE variant',
  params: [
    { name: 'eta', description: 'SDE noise η (0 = DPM++ 2M ODE)', default: 1, min: 0 },
    { name: 's_noise', description: 'multiplier on the added noise', default: 1, min: 0 },
    {
      name: 'solver_type',
      description: 'second-order correction: midpoint or heun',
      default: 'midpoint',
      choices: ['midpoint', 'heun']
    }
  ],
  sample: sampleDpmpp2mSde
}
