// DEIS tAB (Zhang & Chen 2023, "Fast sampling of diffusion models with exponential integrator",
// eq. 14 with the "ρ" time of §4; diffusers DEISMultistepScheduler solver_type "logrho").
// In σ-space ρ = σ, the exponential integrator is exact for the linear part, and
//   x_{i+1} = x_i + Σ_j c_j·ε_{i−j},   c_j = ∫_{σ_i}^{σ_{i+1}} L_j(ln σ) dσ,
// ε_k = (x_k − D_k)/σ_k and L_j the Lagrange basis in ln σ over the last q = min(i + 1, order) nodes.
// The step into σ = 0 is first order (x = D; ln 0 is never formed). x, D, ε: [B, ...].

import type { Sampler, SamplerInfo, SamplerParam } from '../../types'
import { linComb } from '../../tensor'
import { denoiseChecked, numberParam, reportStep, slope, start } from './common'
import { lagrangeCoefficientsLogSigma } from './quadrature'

const params: readonly SamplerParam[] = [
  { name: 'order', description: 'tAB order (number of past ε used)', default: 3, min: 1, max: 4 }
]

export const sampleDeis: Sampler = async (denoise, x0, sigmas, options) => {
  const order = Math.round(numberParam(params, options.extra, 'order'))
  const shape = x0.shape
  let x = start(x0, sigmas)
  const eps: Float64Array[] = []
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const den = await denoiseChecked(denoise, x, shape, sigmas[i], options.signal)
    eps.unshift(
      slope(eps.length === order ? eps.pop()! : new Float64Array(x.length), x, den, sigmas[i])
    )
    let next: Float64Array
    if (sigmas[i + 1] === 0) {
      next = den.slice()
    } else {
      const q = Math.min(i + 1, order)
      const nodes = Array.from({ length: q }, (_, j) => sigmas[i - j])
      const c = lagrangeCoefficientsLogSigma(nodes, sigmas[i], sigmas[i + 1])
      next = linComb(new Float64Array(x.length), [1, ...c], [x, ...eps.slice(0, q)])
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const deis: SamplerInfo = {
  name: 'deis',
  label: 'DEIS (tAB)',
  description: 'Exponential-integrator multistep with Lagrange extrapolation of ε in log σ.',
  order: 3,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Zhang & Chen 2023 (DEIS), tAB eq. 14; diffusers DEISMultistepScheduler logrho',
  params,
  sample: sampleDeis
}
