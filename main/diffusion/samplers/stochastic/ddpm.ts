// DDPM ancestral sampling (Ho et al. 2020, eq. 6-7 posterior, eq. 11-12 sampler) written in σ-space.
//
// VP forward: x_t^vp = sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·ε. Dividing by sqrt(ᾱ_t) gives σ-space
//   x_t = x0 + σ_t·ε,  σ_t = sqrt((1 − ᾱ_t)/ᾱ_t),  ᾱ = 1/(1 + σ²),
// a Brownian motion in σ²: x_t = x_s + sqrt(σ_t² − σ_s²)·ξ for σ_s < σ_t. Conditioning on x0 (Gaussian
// bridge), the posterior q(x_s | x_t, x0) of eq. 6-7 becomes, between any two levels σ_t > σ_s:
//   mean  μ̃ = x0 + (σ_s²/σ_t²)·(x_t − x0)
//   var   β̃ → σ_s²·(σ_t² − σ_s²)/σ_t²               ("fixed-small", = β̃_t/ᾱ_{t−1})
// Check: β̃_t/ᾱ_{t−1} = (1 − ᾱ_s)(ᾱ_s − ᾱ_t)/((1 − ᾱ_t)·ᾱ_s²), which is the σ expression above.
// "fixed-large" uses β_t = 1 − ᾱ_t/ᾱ_s in VP space, i.e. in σ-space
//   var   β_t/ᾱ_s = (σ_t² − σ_s²)·(1 + σ_s²)/(1 + σ_t²)
// (this one assumes the VP map ᾱ = 1/(1 + σ²); fixed-small is parametrisation-free).
// The sampler plugs x̂0 = D(x_t; σ_t) into μ̃ (eq. 11 is this with x̂0 from ε̂). Skipping levels in a
// σ sub-list is the strided DDPM of diffusers (β_t recomputed from ᾱ_t/ᾱ_prev). The last step
// (σ_s = 0) returns the mean, which is D: no noise, no log. Fixed-small equals euler-ancestral η = 1.
// Shapes: x, D, noise [B, ...].

import type { Sampler, SamplerInfo, Tensor } from '../../types'
import { callDenoiser, checkSigmas, choiceParam, reportStep } from './common'

export type DdpmVariance = 'fixed-small' | 'fixed-large'

/** σ-space variance of one DDPM reverse step σ_t → σ_s (see header). */
export function ddpmStepVariance(sigmaT: number, sigmaS: number, variance: DdpmVariance): number {
  if (sigmaS === 0) return 0
  const t2 = sigmaT * sigmaT
  const s2 = sigmaS * sigmaS
  return variance === 'fixed-small' ? (s2 * (t2 - s2)) / t2 : ((t2 - s2) * (1 + s2)) / (1 + t2)
}

/** x_s = x0 + (σ_s²/σ_t²)(x_t − x0) + sqrt(var)·z, with x0 = D; z only when var > 0. */
export function posteriorStep(
  x: Tensor,
  denoised: Tensor,
  sigmaT: number,
  sigmaS: number,
  variance: number,
  z: Tensor | undefined
): Tensor {
  const q = (sigmaS * sigmaS) / (sigmaT * sigmaT)
  const xs = x.data
  const ds = denoised.data
  const out = new Float64Array(xs.length)
  for (let k = 0; k < xs.length; k++) out[k] = ds[k] + q * (xs[k] - ds[k])
  if (z !== undefined && variance > 0) {
    const std = Math.sqrt(variance)
    const zs = z.data
    for (let k = 0; k < xs.length; k++) out[k] += std * zs[k]
  }
  return { shape: [...x.shape], data: out }
}

export const sampleDdpm: Sampler = async (denoise, x, sigmas, options) => {
  const n = checkSigmas(sigmas)
  const variance = choiceParam(options.extra, 'variance', 'fixed-small', [
    'fixed-small',
    'fixed-large'
  ] as const)
  let cur = x
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    const v = ddpmStepVariance(sigma, sigmaNext, variance)
    const z = v > 0 ? options.noise.randn(cur.shape) : undefined
    cur = posteriorStep(cur, denoised, sigma, sigmaNext, v, z)
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const ddpm: SamplerInfo = {
  name: 'ddpm',
  label: 'DDPM',
  description:
    'Ancestral sampling from the DDPM posterior q(x_s | x_t, x̂0), fixed-small or fixed-large variance.',
  order: 1,
  callsPerStep: 1,
  stochastic: true,
  reference: 'Ho et al. 2020 (DDPM) eq. 6-7, 11-12, in σ-space',
  params: [
    {
      name: 'variance',
      description: 'fixed-small: β̃ (posterior); fixed-large: β (VP models only)',
      default: 'fixed-small',
      choices: ['fixed-small', 'fixed-large']
    }
  ],
  sample: sampleDdpm
}
