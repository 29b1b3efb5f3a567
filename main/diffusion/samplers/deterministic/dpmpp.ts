// DPM-Solver++ (Lu et al. 2022b, "DPM-Solver++", data prediction) in σ-space: λ = −ln σ,
// h = ln(σ/σ_next), e^{−h} = σ_next/σ. First-order update: x_next = (σ_next/σ)·x + (1 − e^{−h})·D.
// - 2M (Alg. 2, k-diffusion sample_dpmpp_2m): D' = (1 + 1/(2r))·D_i − 1/(2r)·D_{i−1}, r = h_{i−1}/h_i.
// - 3M: k-diffusion sample_dpmpp_3m_sde with η = 0 (second and third divided differences of D).
// - 2S: k-diffusion sample_dpmpp_2s_ancestral with η = 0 (Alg. 1, r = 1/2), 2 calls per step.
// First step lower order; the step into σ = 0 is x = D. x, D: [B, ...].

import type { Sampler, SamplerInfo } from '../../types'
import { lin2, lin3 } from '../../tensor'
import { denoiseChecked, reportStep, start } from './common'

export const sampleDpmpp2m: Sampler = async (denoise, x0, sigmas, options) => {
  const shape = x0.shape
  const len = x0.data.length
  let x = start(x0, sigmas)
  let old: Float64Array | undefined
  let hLast = 0
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    const next = new Float64Array(len)
    if (sigmaNext === 0) {
      next.set(den)
    } else {
      const ratio = sigmaNext / sigma
      const h = -Math.log(ratio)
      if (!old) {
        lin2(next, ratio, x, 1 - ratio, den)
      } else {
        const r = hLast / h
        const a = 1 + 1 / (2 * r)
        const b = -1 / (2 * r)
        lin3(next, ratio, x, (1 - ratio) * a, den, (1 - ratio) * b, old)
      }
      hLast = h
    }
    old = den
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const sampleDpmpp3m: Sampler = async (denoise, x0, sigmas, options) => {
  const shape = x0.shape
  const len = x0.data.length
  let x = start(x0, sigmas)
  let d1: Float64Array | undefined // D_{i−1}
  let d2: Float64Array | undefined // D_{i−2}
  let h1 = 0
  let h2 = 0
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    const next = new Float64Array(len)
    let h = 0
    if (sigmaNext === 0) {
      next.set(den)
    } else {
      const ratio = sigmaNext / sigma
      h = -Math.log(ratio)
      // φ2 = (e^{−h} − 1)/h + 1, φ3 = φ2/h − 1/2 (k-diffusion's h_eta with η = 0)
      const phi2 = Math.expm1(-h) / h + 1
      const phi3 = phi2 / h - 0.5
      lin2(next, ratio, x, 1 - ratio, den)
      if (d1 && d2) {
        const r0 = h1 / h
        const r1 = h2 / h
        for (let j = 0; j < len; j++) {
          const t0 = (den[j] - d1[j]) / r0
          const t1 = (d1[j] - d2[j]) / r1
          const dd1 = t0 + ((t0 - t1) * r0) / (r0 + r1)
          const dd2 = (t0 - t1) / (r0 + r1)
          next[j] += phi2 * dd1 - phi3 * dd2
        }
      } else if (d1) {
        const r = h1 / h
        for (let j = 0; j < len; j++) next[j] += (phi2 * (den[j] - d1[j])) / r
      }
    }
    d2 = d1
    d1 = den
    h2 = h1
    h1 = h
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const sampleDpmpp2s: Sampler = async (denoise, x0, sigmas, options) => {
  const shape = x0.shape
  const len = x0.data.length
  let x = start(x0, sigmas)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    const next = new Float64Array(len)
    if (sigmaNext === 0) {
      next.set(den)
    } else {
      const sMid = Math.sqrt(sigma * sigmaNext) // λ_s = λ + h/2
      const rMid = sMid / sigma
      const u = lin2(new Float64Array(len), rMid, x, 1 - rMid, den)
      const den2 = await denoiseChecked(denoise, u, shape, sMid, options.signal)
      const ratio = sigmaNext / sigma
      lin2(next, ratio, x, 1 - ratio, den2)
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const dpmpp2m: SamplerInfo = {
  name: 'dpmpp-2m',
  label: 'DPM-Solver++ (2M)',
  description: 'Second-order multistep DPM-Solver++ on the data prediction (1 call per step).',
  order: 2,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Lu et al. 2022b (DPM-Solver++), Alg. 2; k-diffusion sample_dpmpp_2m',
  params: [],
  sample: sampleDpmpp2m
}

export const dpmpp3m: SamplerInfo = {
  name: 'dpmpp-3m',
  label: 'DPM-Solver++ (3M)',
  description: 'Third-order multistep DPM-Solver++ (deterministic 3M SDE solver, η = 0).',
  order: 3,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Lu et al. 2022b (DPM-Solver++), §4; k-diffusion sample_dpmpp_3m_sde with eta = 0',
  params: [],
  sample: sampleDpmpp3m
}

export const dpmpp2s: SamplerInfo = {
  name: 'dpmpp-2s',
  label: 'DPM-Solver++ (2S)',
  description: 'Second-order singlestep DPM-Solver++ (midpoint in log σ, 2 calls per step).',
  order: 2,
  callsPerStep: 2,
  stochastic: false,
  reference:
    'Lu et al. 2022b (DPM-Solver++), Alg. 1; k-diffusion sample_dpmpp_2s_ancestral, eta = 0',
  params: [],
  sample: sampleDpmpp2s
}
