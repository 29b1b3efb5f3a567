// Linear multistep in σ (k-diffusion sample_lms): with slopes d_k = (x_k − D_k)/σ_k,
//   x_{i+1} = x_i + Σ_j c_j·d_{i−j},   c_j = ∫_{σ_i}^{σ_{i+1}} L_j(σ) dσ,
// L_j the Lagrange basis over the last q = min(i + 1, order) σ nodes; the integrals are exact
// Gauss–Legendre sums (no scipy.quad). The step into σ = 0 keeps full order, as k-diffusion does
// (nothing divides by σ_{i+1}). x, D, d: [B, ...].

import type { Sampler, SamplerInfo, SamplerParam } from '../../types'
import { linComb } from '../../tensor'
import { denoiseChecked, numberParam, reportStep, slope, start } from './common'
import { lagrangeCoefficientsSigma } from './quadrature'

const params: readonly SamplerParam[] = [
  { name: 'order', description: 'Number of past slopes used', default: 4, min: 1, max: 6 }
]

export const sampleLms: Sampler = async (denoise, x0, sigmas, options) => {
  const order = Math.round(numberParam(params, options.extra, 'order'))
  const shape = x0.shape
  let x = start(x0, sigmas)
  const ds: Float64Array[] = [] // newest first
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const den = await denoiseChecked(denoise, x, shape, sigmas[i], options.signal)
    ds.unshift(
      slope(ds.length === order ? ds.pop()! : new Float64Array(x.length), x, den, sigmas[i])
    )
    const q = Math.min(i + 1, order)
    const nodes = Array.from({ length: q }, (_, j) => sigmas[i - j])
    const c = lagrangeCoefficientsSigma(nodes, sigmas[i], sigmas[i + 1])
    const next = linComb(new Float64Array(x.length), [1, ...c], [x, ...ds.slice(0, q)])
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const lms: SamplerInfo = {
  name: 'lms',
  label: 'LMS',
  description: 'Linear multistep (Adams–Bashforth in σ with variable steps) over the last slopes.',
  order: 4,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Crowson, k-diffusion sample_lms (Adams–Bashforth with Lagrange-integrated weights)',
  params,
  sample: sampleLms
}
