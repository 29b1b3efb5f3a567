// Raw network → the one denoiser D(x; σ) of σ-space (x = x0 + σ·n). Conversions follow k-diffusion
// external.py and Karras et al. 2022 (EDM) Table 1. Shapes: x, model input and output [B, ...]; t [B].

import type { Denoiser, Tensor } from '../types'
import { modelTime } from './timestep'
import type { TimestepMap } from './timestep'

/** A network call: input [B, ...] and one time value per batch element [B]. */
export type ModelFn = (input: Tensor, t: Float64Array) => Promise<Tensor>

export type DenoiserSpec =
  /**
   * ε: D = x − σ·ε;  x0: D = output;  v: D = x/(σ²+1) − σ/sqrt(σ²+1)·v (σ_data = 1, needs 'vp' input);
   * score s = ∇ log p of the model input: D = x + σ²·c_in·s.
   * inputScaling 'vp' feeds c_in·x with c_in = 1/sqrt(σ²+1) (DDPM models), 'none' feeds x (VE models).
   * Default 'vp', except 'none' for score.
   */
  | {
      readonly prediction: 'eps' | 'x0' | 'v' | 'score'
      readonly timestep: TimestepMap
      readonly inputScaling?: 'vp' | 'none'
    }
  /**
   * EDM preconditioning: D = c_skip·x + c_out·F(c_in·x; c_noise), c_skip = σd²/(σ²+σd²),
   * c_out = σσd/sqrt(σ²+σd²), c_in = 1/sqrt(σ²+σd²), c_noise = ln(σ)/4 unless `timestep` says otherwise.
   */
  | { readonly prediction: 'edm'; readonly sigmaData?: number; readonly timestep?: TimestepMap }
  /**
   * Rectified flow x_t = (1−t)·x0 + t·n, velocity v = n − x0. σ = t/(1−t), so the input is
   * x_t = x/(1+σ) and D = x_t − t·v with t = σ/(1+σ). Default time map: t·1000.
   */
  | { readonly prediction: 'flow'; readonly timestep?: TimestepMap }

export function vpInputScale(sigma: number): number {
  return 1 / Math.sqrt(sigma * sigma + 1)
}

export function createDenoiser(model: ModelFn, spec: DenoiserSpec): Denoiser {
  return async (x: Tensor, sigma: number): Promise<Tensor> => {
    const n = x.data.length
    const xd = x.data
    let cIn: number
    let map: TimestepMap
    switch (spec.prediction) {
      case 'edm':
        cIn = 1 / Math.sqrt(sigma * sigma + (spec.sigmaData ?? 0.5) ** 2)
        map = spec.timestep ?? { kind: 'edm' }
        break
      case 'flow':
        cIn = 1 / (1 + sigma)
        map = spec.timestep ?? { kind: 'flow', scale: 1000 }
        break
      default: {
        const scaling = spec.inputScaling ?? (spec.prediction === 'score' ? 'none' : 'vp')
        cIn = scaling === 'vp' ? vpInputScale(sigma) : 1
        map = spec.timestep
      }
    }
    const input = new Float64Array(n)
    for (let i = 0; i < n; i++) input[i] = cIn * xd[i]
    const t = new Float64Array(x.shape[0]).fill(modelTime(map, sigma))
    const out = (await model({ shape: x.shape, data: input }, t)).data
    if (out.length !== n) throw new RangeError(`model returned ${out.length} values, expected ${n}`)
    const d = new Float64Array(n)
    switch (spec.prediction) {
      case 'eps':
        for (let i = 0; i < n; i++) d[i] = xd[i] - sigma * out[i]
        break
      case 'x0':
        d.set(out)
        break
      case 'v': {
        const a = 1 / (sigma * sigma + 1)
        const b = sigma / Math.sqrt(sigma * sigma + 1)
        for (let i = 0; i < n; i++) d[i] = a * xd[i] - b * out[i]
        break
      }
      case 'score': {
        const b = sigma * sigma * cIn
        for (let i = 0; i < n; i++) d[i] = xd[i] + b * out[i]
        break
      }
      case 'edm': {
        const sd2 = (spec.sigmaData ?? 0.5) ** 2
        const cSkip = sd2 / (sigma * sigma + sd2)
        const cOut = (sigma * Math.sqrt(sd2)) / Math.sqrt(sigma * sigma + sd2)
        for (let i = 0; i < n; i++) d[i] = cSkip * xd[i] + cOut * out[i]
        break
      }
      case 'flow': {
        const tf = sigma / (1 + sigma)
        for (let i = 0; i < n; i++) d[i] = input[i] - tf * out[i]
        break
      }
    }
    return { shape: x.shape, data: d }
  }
}
