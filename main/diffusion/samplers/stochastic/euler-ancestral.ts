// Euler ancestral (k-diffusion `sample_euler_ancestral`): an Euler step of the PF-ODE
// dx/dσ = (x − D)/σ down to σ_down, then fresh noise σ_up (see common.ts ancestralStep).
// With η = 1 this is exactly the DDPM posterior step with β̃ variance (ddpm.ts), in σ-space.
// Shapes: x, D, noise all [B, ...].

import type { Sampler, SamplerInfo } from '../../types'
import {
  addScaledInPlace,
  ancestralStep,
  callDenoiser,
  checkSigmas,
  combine,
  numberParam,
  reportStep
} from './common'

export const sampleEulerAncestral: Sampler = async (denoise, x, sigmas, options) => {
  const n = checkSigmas(sigmas)
  const eta = numberParam(options.extra, 'eta', 1, 0)
  const sNoise = numberParam(options.extra, 's_noise', 1, 0)
  let cur = x
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmaNext, eta)
    // x + (x − D)/σ·(σ_down − σ) = (σ_down/σ)·x + (1 − σ_down/σ)·D; σ_next = 0 gives x = D.
    const r = sigmaDown / sigma
    cur = combine(cur, r, denoised, 1 - r)
    if (sigmaNext > 0 && sigmaUp > 0)
      addScaledInPlace(cur, options.noise.randn(cur.shape), sNoise * sigmaUp)
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const eulerAncestral: SamplerInfo = {
  name: 'euler-ancestral',
  label: 'Euler ancestral',
  description: 'Euler step to σ_down plus fresh noise σ_up (k-diffusion); η = 1 equals DDPM β̃.',
  order: 1,
  callsPerStep: 1,
  stochastic: true,
  reference: 'k-diffusion sample_euler_ancestral; Karras et al. 2022 (EDM) eq. 1 in σ-space',
  params: [
    { name: 'eta', description: 'ancestral noise fraction η (0 = Euler ODE)', default: 1, min: 0 },
    { name: 's_noise', description: 'multiplier on the added noise', default: 1, min: 0 }
  ],
  sample: sampleEulerAncestral
}
