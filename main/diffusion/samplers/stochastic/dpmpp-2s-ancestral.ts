// DPM-Solver++(2S) ancestral (k-diffusion `sample_dpmpp_2s_ancestral`; Lu et al. 2022b, Alg. 1 with
// r = 1/2, in σ-space where α = 1 and λ = −log σ): a second-order data-prediction step to σ_down,
// then fresh noise σ_up. Last step (σ_down = 0) is first order: x = D, no log(0). Shapes [B, ...].
//   h = log σ − log σ_down,  s = midpoint in log σ: σ_s = sqrt(σ·σ_down)
//   x₂ = (σ_s/σ)·x − expm1(−h/2)·D
//   x  = (σ_down/σ)·x − expm1(−h)·D(x₂; σ_s)

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

export const sampleDpmpp2sAncestral: Sampler = async (denoise, x, sigmas, options) => {
  const n = checkSigmas(sigmas)
  const eta = numberParam(options.extra, 'eta', 1, 0)
  const sNoise = numberParam(options.extra, 's_noise', 1, 0)
  let cur = x
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    const { sigmaDown, sigmaUp } = ancestralStep(sigma, sigmaNext, eta)
    if (sigmaDown === 0) {
      cur = combine(cur, 0, denoised, 1)
    } else {
      const h = Math.log(sigma) - Math.log(sigmaDown)
      const sigmaS = Math.sqrt(sigma * sigmaDown)
      const x2 = combine(cur, sigmaS / sigma, denoised, -Math.expm1(-h / 2))
      const denoised2 = await callDenoiser(denoise, x2, sigmaS, options.signal)
      cur = combine(cur, sigmaDown / sigma, denoised2, -Math.expm1(-h))
      if (sigmaUp > 0) addScaledInPlace(cur, options.noise.randn(cur.shape), sNoise * sigmaUp)
    }
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const dpmpp2sAncestral: SamplerInfo = {
  name: 'dpmpp-2s-ancestral',
  label: 'DPM++ 2S ancestral',
  description: 'DPM-Solver++ single-step order 2 to σ_down plus fresh noise σ_up (k-diffusion).',
  order: 2,
  callsPerStep: 2,
  stochastic: true,
  reference: 'k-diffusion sample_dpmpp_2s_ancestral; Lu et al. 2022b (DPM-Solver++) Alg. 1',
  params: [
    { name: 'eta', description: 'ancestral noise fraction η', default: 1, min: 0 },
    { name: 's_noise', description: 'multiplier on the added noise', default: 1, min: 0 }
  ],
  sample: sampleDpmpp2sAncestral
}
