// Singlestep DPM-Solver-1/2/3 (Lu et al. 2022, "DPM-Solver", Alg. 1 (r1 = 1/2) and Alg. 2
// (r1 = 1/3, r2 = 2/3); eqs. 3.7–3.9), noise-prediction form, in σ-space: α = 1, λ = −ln σ,
// ε = (x − D)/σ, h = ln(σ_s/σ_t), and the intermediate σ at λ_s + r·h is σ_s·e^{−r h}.
//   order 1: x_t = x_s − σ_t(e^h − 1)ε_s                                         (= DDIM)
//   order 2: u = x_s − σ_m(e^{h/2} − 1)ε_s,  x_t = x_s − σ_t(e^h − 1)ε(u, σ_m)
//   order 3: u1 = x_s − σ_1(e^{r1 h} − 1)ε_s,  D1 = ε(u1, σ_1) − ε_s
//            u2 = x_s − σ_2(e^{r2 h} − 1)ε_s − σ_2·(r2/r1)·((e^{r2 h} − 1)/(r2 h) − 1)·D1
//            D2 = ε(u2, σ_2) − ε_s
//            x_t = x_s − σ_t(e^h − 1)ε_s − (σ_t/r2)·((e^h − 1)/h − 1)·D2
// Each interval of the σ list is one step of the chosen order (k calls); the step into σ = 0 is first
// order (h = ∞): x = D. x, D, ε: [B, ...].

import type { Denoiser, SamplerInfo, SamplerOptions, Tensor } from '../../types'
import { lin2, lin3 } from '../../tensor'
import { denoiseChecked, reportStep, slope, start } from './common'

async function dpmSolverLoop(
  order: 1 | 2 | 3,
  denoise: Denoiser,
  x0: Tensor,
  sigmas: Float64Array,
  options: SamplerOptions
): Promise<Tensor> {
  const shape = x0.shape
  const len = x0.data.length
  let x = start(x0, sigmas)
  const epsAt = async (y: Float64Array, s: number) =>
    slope(new Float64Array(len), y, await denoiseChecked(denoise, y, shape, s, options.signal), s)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sS = sigmas[i]
    const sT = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sS, options.signal)
    let next: Float64Array
    if (sT === 0) {
      next = den.slice()
    } else {
      const e0 = slope(new Float64Array(len), x, den, sS)
      const h = Math.log(sS / sT)
      next = new Float64Array(len)
      if (order === 1) {
        lin2(next, 1, x, -sT * Math.expm1(h), e0)
      } else if (order === 2) {
        const sM = sS * Math.exp(-h / 2)
        const u = lin2(new Float64Array(len), 1, x, -sM * Math.expm1(h / 2), e0)
        lin2(next, 1, x, -sT * Math.expm1(h), await epsAt(u, sM))
      } else {
        const r1 = 1 / 3
        const r2 = 2 / 3
        const s1 = sS * Math.exp(-r1 * h)
        const s2 = sS * Math.exp(-r2 * h)
        const u1 = lin2(new Float64Array(len), 1, x, -s1 * Math.expm1(r1 * h), e0)
        const d1 = lin2(new Float64Array(len), 1, await epsAt(u1, s1), -1, e0)
        const phi2 = Math.expm1(r2 * h) / (r2 * h) - 1
        const u2 = lin3(
          new Float64Array(len),
          1,
          x,
          -s2 * Math.expm1(r2 * h),
          e0,
          -s2 * (r2 / r1) * phi2,
          d1
        )
        const d2 = lin2(new Float64Array(len), 1, await epsAt(u2, s2), -1, e0)
        const phi = Math.expm1(h) / h - 1
        lin3(next, 1, x, -sT * Math.expm1(h), e0, -(sT / r2) * phi, d2)
      }
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

const info = (order: 1 | 2 | 3, description: string): SamplerInfo => ({
  name: `dpm-solver-${order}`,
  label: `DPM-Solver-${order}`,
  description,
  order,
  callsPerStep: order,
  stochastic: false,
  reference: `Lu et al. 2022 (DPM-Solver), ${order === 3 ? 'Alg. 2' : 'Alg. 1'}, eq. 3.${6 + order}`,
  params: [],
  sample: (denoise, x, sigmas, options) => dpmSolverLoop(order, denoise, x, sigmas, options)
})

export const dpmSolver1 = info(
  1,
  'First-order DPM-Solver (exponential integrator); identical to DDIM.'
)
export const dpmSolver2 = info(2, 'Second-order singlestep DPM-Solver, midpoint in log-SNR.')
export const dpmSolver3 = info(3, 'Third-order singlestep DPM-Solver (3 calls per step).')
