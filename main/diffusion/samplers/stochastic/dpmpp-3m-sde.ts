// DPM-Solver++(3M) SDE (k-diffusion `sample_dpmpp_3m_sde`), σ-space (λ = −log σ). Shapes [B, ...].
// Per step, h = log σ − log σ_next, h_η = (1 + η)·h:
//   x ← e^{−h_η}·x − expm1(−h_η)·D            (note e^{−h_η} = (σ_next/σ)·e^{−ηh})
//   φ₂ = expm1(−h_η)/h_η + 1,  φ₃ = φ₂/h_η − ½
//   with two previous D's (r₀ = h₁/h, r₁ = h₂/h):
//     d1₀ = (D − D₁)/r₀, d1₁ = (D₁ − D₂)/r₁, d1 = d1₀ + (d1₀ − d1₁)·r₀/(r₀ + r₁), d2 = (d1₀ − d1₁)/(r₀ + r₁)
//     x += φ₂·d1 − φ₃·d2
//   with one: x += φ₂·(D − D₁)/r₀
//   x += σ_next·sqrt(−expm1(−2ηh))·s_noise·z
// The warm-up steps cap the global order at 2 (samplers.md §4.4). Last step returns D.
// Noise: per-step Gaussian draws, same law as the Brownian tree (see dpmpp-2m-sde.ts).

import type { Sampler, SamplerInfo } from '../../types'
import {
  addScaledInPlace,
  callDenoiser,
  checkSigmas,
  combine,
  numberParam,
  reportStep
} from './common'

export const sampleDpmpp3mSde: Sampler = async (denoise, x, sigmas, options) => {
  const n = checkSigmas(sigmas)
  const eta = numberParam(options.extra, 'eta', 1, 0)
  const sNoise = numberParam(options.extra, 's_noise', 1, 0)
  let cur = x
  let d1: Float64Array | undefined
  let d2: Float64Array | undefined
  let h1 = 0
  let h2 = 0
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    let h = 0
    if (sigmaNext === 0) {
      cur = combine(cur, 0, denoised, 1)
    } else {
      h = Math.log(sigma) - Math.log(sigmaNext)
      const hEta = h * (eta + 1)
      cur = combine(cur, Math.exp(-hEta), denoised, -Math.expm1(-hEta))
      const phi2 = Math.expm1(-hEta) / hEta + 1
      const xs = cur.data
      const ds = denoised.data
      if (d2 !== undefined && d1 !== undefined) {
        const r0 = h1 / h
        const r1 = h2 / h
        const phi3 = phi2 / hEta - 0.5
        for (let k = 0; k < xs.length; k++) {
          const a = (ds[k] - d1[k]) / r0
          const b = (d1[k] - d2[k]) / r1
          const first = a + ((a - b) * r0) / (r0 + r1)
          const second = (a - b) / (r0 + r1)
          xs[k] += phi2 * first - phi3 * second
        }
      } else if (d1 !== undefined) {
        const r0 = h1 / h
        for (let k = 0; k < xs.length; k++) xs[k] += (phi2 * (ds[k] - d1[k])) / r0
      }
      if (eta > 0) {
        const amp = sigmaNext * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise
        addScaledInPlace(cur, options.noise.randn(cur.shape), amp)
      }
    }
    d2 = d1
    d1 = denoised.data
    h2 = h1
    h1 = h
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const dpmpp3mSde: SamplerInfo = {
  name: 'dpmpp-3m-sde',
  label: 'DPM++ 3M SDE',
  description: 'Third-order multistep SDE solver (k-diffusion); effective order 2; per-step noise.',
  order: 2,
  callsPerStep: 1,
  stochastic: true,
  reference: 'k-diffusion sample_dpmpp_3m_sde; Lu et al. 2022b (DPM-Solver++) multistep order 3',
  params: [
    { name: 'eta', description: 'SDE noise η (0 = deterministic 3M)', default: 1, min: 0 },
    { name: 's_noise', description: 'multiplier on the added noise', default: 1, min: 0 }
  ],
  sample: sampleDpmpp3mSde
}
