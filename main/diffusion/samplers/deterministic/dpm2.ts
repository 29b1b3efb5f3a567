// DPM2: 2nd-order midpoint step with the midpoint taken in ln σ (k-diffusion sample_dpm_2, after
// Lu et al. 2022 DPM-Solver-2). Euler on the final step to σ = 0. x, D: [B, ...].

import type { Sampler, SamplerInfo } from '../../types'
import { denoiseChecked, reportStep, slope, start } from './common'

export const sampleDpm2: Sampler = async (denoise, x0, sigmas, options) => {
  const shape = x0.shape
  let x = start(x0, sigmas)
  const d1 = new Float64Array(x.length)
  const d2 = new Float64Array(x.length)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    const next = new Float64Array(x.length)
    if (sigmaNext === 0) {
      next.set(den)
    } else {
      slope(d1, x, den, sigma)
      const sigmaMid = Math.sqrt(sigma * sigmaNext) // exp((ln σ + ln σ_next)/2)
      const xm = new Float64Array(x.length)
      for (let j = 0; j < xm.length; j++) xm[j] = x[j] + (sigmaMid - sigma) * d1[j]
      const denMid = await denoiseChecked(denoise, xm, shape, sigmaMid, options.signal)
      slope(d2, xm, denMid, sigmaMid)
      for (let j = 0; j < next.length; j++) next[j] = x[j] + (sigmaNext - sigma) * d2[j]
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const dpm2: SamplerInfo = {
  name: 'dpm2',
  label: 'DPM2',
  description: 'Second-order midpoint method with the midpoint in log σ (k-diffusion).',
  order: 2,
  callsPerStep: 2,
  stochastic: false,
  reference: 'Crowson, k-diffusion sample_dpm_2; Lu et al. 2022 (DPM-Solver), Alg. 1 order 2',
  params: [],
  sample: sampleDpm2
}
