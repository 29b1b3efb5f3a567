// DPM2 ancestral (k-diffusion `sample_dpm_2_ancestral`): the DPM-Solver-2 midpoint step of the PF-ODE
// (Lu et al. 2022, Alg. 1 in σ-space; midpoint σ_mid = sqrt(σ·σ_down), i.e. halfway in log σ) down to
// σ_down, then fresh noise σ_up. Last step (σ_down = 0) is a single Euler step: x = D, no log(0).
// Shapes: x, D, noise [B, ...].

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

export const sampleDpm2Ancestral: Sampler = async (denoise, x, sigmas, options) => {
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
      const sigmaMid = Math.sqrt(sigma * sigmaDown)
      // x₂ = x + d·(σ_mid − σ), d = (x − D)/σ
      const r1 = sigmaMid / sigma
      const x2 = combine(cur, r1, denoised, 1 - r1)
      const denoised2 = await callDenoiser(denoise, x2, sigmaMid, options.signal)
      // x ← x + d₂·(σ_down − σ), d₂ = (x₂ − D₂)/σ_mid
      const c = (sigmaDown - sigma) / sigmaMid
      const xs = cur.data
      const x2s = x2.data
      const d2s = denoised2.data
      const out = new Float64Array(xs.length)
      for (let k = 0; k < xs.length; k++) out[k] = xs[k] + c * (x2s[k] - d2s[k])
      cur = { shape: [...cur.shape], data: out }
      if (sigmaUp > 0) addScaledInPlace(cur, options.noise.randn(cur.shape), sNoise * sigmaUp)
    }
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const dpm2Ancestral: SamplerInfo = {
  name: 'dpm2-ancestral',
  label: 'DPM2 ancestral',
  description: 'DPM-Solver-2 midpoint step to σ_down plus fresh noise σ_up (k-diffusion).',
  order: 2,
  callsPerStep: 2,
  stochastic: true,
  reference: 'k-diffusion sample_dpm_2_ancestral; Lu et al. 2022 (DPM-Solver) Alg. 1, order 2',
  params: [
    { name: 'eta', description: 'ancestral noise fraction η', default: 1, min: 0 },
    { name: 's_noise', description: 'multiplier on the added noise', default: 1, min: 0 }
  ],
  sample: sampleDpm2Ancestral
}
