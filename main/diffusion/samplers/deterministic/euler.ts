// Euler on the PF-ODE dx/dσ = (x − D(x; σ))/σ: Karras et al. 2022 (EDM) Alg. 1 without the
// 2nd-order correction (k-diffusion sample_euler). x, D: [B, ...].

import type { Sampler, SamplerInfo } from '../../types'
import { denoiseChecked, reportStep, start } from './common'

/** x_next = x + (σ_next − σ)·(x − D)/σ; exactly D when σ_next = 0. */
export function eulerStep(
  out: Float64Array,
  x: Float64Array,
  d: Float64Array,
  sigma: number,
  sigmaNext: number
): Float64Array {
  if (sigmaNext === 0) {
    out.set(d)
    return out
  }
  const k = (sigmaNext - sigma) / sigma
  for (let i = 0; i < out.length; i++) out[i] = x[i] + k * (x[i] - d[i])
  return out
}

export const sampleEuler: Sampler = async (denoise, x0, sigmas, options) => {
  let x = start(x0, sigmas)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const d = await denoiseChecked(denoise, x, x0.shape, sigmas[i], options.signal)
    x = eulerStep(new Float64Array(x.length), x, d, sigmas[i], sigmas[i + 1])
    reportStep(options, x0.shape, i, sigmas, x, d)
  }
  return { shape: x0.shape, data: x }
}

export const euler: SamplerInfo = {
  name: 'euler',
  label: 'Euler',
  description: 'First-order Euler steps on the probability-flow ODE in σ.',
  order: 1,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Karras et al. 2022 (EDM), Alg. 1 without the Heun correction',
  params: [],
  sample: sampleEuler
}
