// PNDM (Liu et al. 2022, "Pseudo numerical methods for diffusion models on manifolds").
// In σ-space the DDIM "transfer" φ(x, ε, σ → σ') of eq. 9 is x + (σ' − σ)·ε with ε = (x − D)/σ, so
// - PRK warm-up (eq. 13): classical RK4 on dx/dσ = ε(x, σ) with the half step at the σ midpoint,
//   4 calls per step, used for the first 3 steps;
// - PLMS (eq. 12): Adams–Bashforth 4 on the stored ε of each step, 1 call per step.
// warmup 'improved-euler' is diffusers' skip_prk_steps variant (what SD pipelines run): one Heun step
// (pseudo improved Euler, 2 calls) and then AB2, AB3, AB4 as history accumulates.
// A warm-up step into σ = 0 falls back to Euler (its last stage would need ε at σ = 0). x: [B, ...].

import type { Sampler, SamplerInfo, SamplerParam } from '../../types'
import { denoiseChecked, choiceParam, reportStep, slope, start } from './common'
import { ADAMS_BASHFORTH } from './ipndm'
import { linComb } from '../../tensor'

const params: readonly SamplerParam[] = [
  {
    name: 'warmup',
    description:
      "'prk': 3 pseudo Runge–Kutta steps (paper); 'improved-euler': diffusers skip_prk_steps",
    default: 'prk',
    choices: ['prk', 'improved-euler']
  }
]

export const samplePndm: Sampler = async (denoise, x0, sigmas, options) => {
  const warmup = choiceParam(params, options.extra, 'warmup')
  const shape = x0.shape
  const len = x0.data.length
  let x = start(x0, sigmas)
  const eps: Float64Array[] = [] // ε at the start of each past step, newest first
  const evalEps = async (y: Float64Array, s: number) => {
    const den = await denoiseChecked(denoise, y, shape, s, options.signal)
    return { den, e: slope(new Float64Array(len), y, den, s) }
  }
  const shift = (y: Float64Array, h: number, e: Float64Array) =>
    linComb(new Float64Array(len), [1, h], [y, e])
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const h = sigmaNext - sigma
    const { den, e: e1 } = await evalEps(x, sigma)
    eps.unshift(e1)
    if (eps.length > 4) eps.pop()
    let next: Float64Array
    const warm = warmup === 'prk' ? i < 3 : i < 1
    if (warm && sigmaNext === 0) {
      next = den.slice()
    } else if (warm && warmup === 'prk') {
      const sMid = sigma + h / 2
      const { e: e2 } = await evalEps(shift(x, h / 2, e1), sMid)
      const { e: e3 } = await evalEps(shift(x, h / 2, e2), sMid)
      const { e: e4 } = await evalEps(shift(x, h, e3), sigmaNext)
      next = linComb(new Float64Array(len), [1, h / 6, h / 3, h / 3, h / 6], [x, e1, e2, e3, e4])
    } else if (warm) {
      const { e: e2 } = await evalEps(shift(x, h, e1), sigmaNext)
      next = linComb(new Float64Array(len), [1, h / 2, h / 2], [x, e1, e2])
    } else {
      const a = ADAMS_BASHFORTH[eps.length - 1]
      next = linComb(new Float64Array(len), [1, ...a.map((v) => v * h)], [x, ...eps])
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const pndm: SamplerInfo = {
  name: 'pndm',
  label: 'PNDM (PLMS)',
  description: 'Pseudo linear multistep (AB4 on ε) after a pseudo Runge–Kutta warm-up.',
  order: 4,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Liu et al. 2022 (PNDM), eqs. 9, 12, 13; diffusers PNDMScheduler (skip_prk_steps)',
  params,
  sample: samplePndm
}
