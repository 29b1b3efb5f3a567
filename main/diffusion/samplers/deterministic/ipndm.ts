// iPNDM (Zhang & Chen 2023, DEIS paper App.; the "improved PNDM" of Liu et al. 2022 without the
// Runge–Kutta warm-up): Adams–Bashforth with fixed coefficients on the slopes d = (x − D)/σ,
// order rising 1 → max as history accumulates (zju-pi diff-solvers `ipndm`):
//   x_{i+1} = x_i + (σ_{i+1} − σ_i)·Σ_j a_j d_{i−j},
//   a = [1], [3, −1]/2, [23, −16, 5]/12, [55, −59, 37, −9]/24.
// The step into σ = 0 uses the same formula (no division by σ_{i+1}). x, D, d: [B, ...].

import type { Sampler, SamplerInfo, SamplerParam } from '../../types'
import { linComb } from '../../tensor'
import { denoiseChecked, numberParam, reportStep, slope, start } from './common'

export const ADAMS_BASHFORTH: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24]
]

const params: readonly SamplerParam[] = [
  { name: 'order', description: 'Maximum Adams–Bashforth order', default: 4, min: 1, max: 4 }
]

export const sampleIpndm: Sampler = async (denoise, x0, sigmas, options) => {
  const order = Math.round(numberParam(params, options.extra, 'order'))
  const shape = x0.shape
  let x = start(x0, sigmas)
  const ds: Float64Array[] = []
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const den = await denoiseChecked(denoise, x, shape, sigmas[i], options.signal)
    ds.unshift(
      slope(ds.length === order ? ds.pop()! : new Float64Array(x.length), x, den, sigmas[i])
    )
    const a = ADAMS_BASHFORTH[Math.min(i + 1, order) - 1]
    const h = sigmas[i + 1] - sigmas[i]
    x = linComb(
      new Float64Array(x.length),
      [1, ...a.map((v) => v * h)],
      [x, ...ds.slice(0, a.length)]
    )
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const ipndm: SamplerInfo = {
  name: 'ipndm',
  label: 'iPNDM',
  description: 'Adams–Bashforth multistep with fixed coefficients and a lower-order warm-up.',
  order: 4,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Zhang & Chen 2023 (DEIS), App. "iPNDM"; Liu et al. 2022 (PNDM) eq. 12',
  params,
  sample: sampleIpndm
}
