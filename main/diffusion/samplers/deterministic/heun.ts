// Heun's 2nd-order method on the PF-ODE: Karras et al. 2022 (EDM) Alg. 1 (deterministic) and Alg. 2
// (stochastic "churn"). The step into σ = 0 is plain Euler (2N − 1 calls for N steps). x, D: [B, ...].

import type { Denoiser, SamplerInfo, SamplerOptions, SamplerParam, Tensor } from '../../types'
import { denoiseChecked, numberParam, reportStep, slope, start } from './common'

async function heunLoop(
  denoise: Denoiser,
  x0: Tensor,
  sigmas: Float64Array,
  options: SamplerOptions,
  churn?: { sChurn: number; sTmin: number; sTmax: number; sNoise: number }
): Promise<Tensor> {
  const shape = x0.shape
  const n = sigmas.length - 1
  let x = start(x0, sigmas)
  const d1 = new Float64Array(x.length)
  const d2 = new Float64Array(x.length)
  for (let i = 0; i < n; i++) {
    let sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    if (churn && churn.sChurn > 0 && sigma >= churn.sTmin && sigma <= churn.sTmax) {
      // EDM Alg. 2 lines 5–7: raise σ to σ̂ = σ(1 + γ) by adding fresh noise.
      const gamma = Math.min(churn.sChurn / n, Math.SQRT2 - 1)
      const sigmaHat = sigma * (gamma + 1)
      const eps = options.noise.randn(shape).data
      const k = churn.sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma)
      const xh = new Float64Array(x.length)
      for (let j = 0; j < xh.length; j++) xh[j] = x[j] + k * eps[j]
      x = xh
      sigma = sigmaHat
    }
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    slope(d1, x, den, sigma)
    const h = sigmaNext - sigma
    const next = new Float64Array(x.length)
    if (sigmaNext === 0) {
      next.set(den)
    } else {
      for (let j = 0; j < next.length; j++) next[j] = x[j] + h * d1[j]
      const den2 = await denoiseChecked(denoise, next, shape, sigmaNext, options.signal)
      slope(d2, next, den2, sigmaNext)
      for (let j = 0; j < next.length; j++) next[j] = x[j] + 0.5 * h * (d1[j] + d2[j])
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const heun: SamplerInfo = {
  name: 'heun',
  label: 'Heun',
  description: "Heun's 2nd-order method (EDM); Euler on the final step to σ = 0.",
  order: 2,
  callsPerStep: 2,
  stochastic: false,
  reference: 'Karras et al. 2022 (EDM), Alg. 1',
  params: [],
  sample: (denoise, x, sigmas, options) => heunLoop(denoise, x, sigmas, options)
}

const churnParams: readonly SamplerParam[] = [
  {
    name: 's_churn',
    description: 'Total churn S_churn; γ = min(S_churn/N, √2 − 1)',
    default: 40,
    min: 0
  },
  { name: 's_tmin', description: 'Churn only for σ ≥ S_tmin', default: 0.05, min: 0 },
  { name: 's_tmax', description: 'Churn only for σ ≤ S_tmax', default: 50, min: 0 },
  { name: 's_noise', description: 'Noise inflation S_noise', default: 1.003, min: 0 }
]

export const heunChurn: SamplerInfo = {
  name: 'heun-churn',
  label: 'Heun + churn (EDM stochastic)',
  description: 'EDM stochastic sampler: add noise to raise σ by γ, then a Heun step.',
  order: 2,
  callsPerStep: 2,
  stochastic: true,
  reference: 'Karras et al. 2022 (EDM), Alg. 2 (defaults: ImageNet-64 settings, Table 5)',
  params: churnParams,
  sample: (denoise, x, sigmas, options) =>
    heunLoop(denoise, x, sigmas, options, {
      sChurn: numberParam(churnParams, options.extra, 's_churn'),
      sTmin: numberParam(churnParams, options.extra, 's_tmin'),
      sTmax: numberParam(churnParams, options.extra, 's_tmax'),
      sNoise: numberParam(churnParams, options.extra, 's_noise')
    })
}
