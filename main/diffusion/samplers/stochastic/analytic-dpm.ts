// Analytic-DPM (Bao et al. 2022, "Analytic-DPM", Thm. 1 and eq. 7, clipping of Thm. 2 / §4),
// in σ-space. Shapes: x, D, z [B, ...]; Γ tables [levels].
//
// Reverse family (DDIM family, eq. 3 of the paper, divided by sqrt(ᾱ_{n−1})), σ_t → σ_s < σ_t:
//   x_s = x0 + sqrt(σ_s² − λ²)·(x_t − x0)/σ_t + λ·z,   λ² = σ_s²(σ_t² − σ_s²)/σ_t² (DDPM) or 0 (DDIM)
// With x0 → D(x_t; σ_t) the optimal (moment-matched) variance is
//   v* = λ² + (1 − sqrt(σ_s² − λ²)/σ_t)² · E‖x0 − D‖²/d,
//   E‖x0 − D‖²/d = σ_t²·(1 − σ_t²·Γ_t),   Γ_t = E_{x_t}‖∇log p_σt(x_t)‖²/d = E‖(D − x)/σ_t²‖²/d
// (Tweedie; in VP notation 1 − β̄_n·E‖s_n‖²/d = 1 − E‖ε̂‖²/d, as in the reference code's `ms_eps`).
// σ_t²Γ is clipped to [0, 1] (v* between λ² and the Γ = 0 bound), and optionally the x0 error to a
// data-range bound `max_x0_var` ((b − a)²/4, 1 for data in [−1, 1]; reference code clamps to 1).
// Γ needs a pass over data: `estimateGamma` below does it by Monte Carlo; the sampler reads the table
// from extra.gamma (comma-separated, Γ at sigmas[0..]) or takes it bound by `createAnalyticSampler`.
// Without a table it estimates Γ_t online from the batch being sampled, Γ̂_t = mean ((D − x_t)/σ_t²)²
// over all elements: consistent while x_t follows the marginal, and the average over d dimensions keeps
// it steady even at batch 1 (an approximation of the paper's data pass, named as such in the UI).
// Last step (σ_s = 0) returns D without noise, as the reference code (`x = x_mean` at s = 0).

import type {
  Denoiser,
  NoiseSource,
  Sampler,
  SamplerInfo,
  SamplerOptions,
  Tensor
} from '../../types'
import {
  callDenoiser,
  checkCancelled,
  checkSigmas,
  choiceParam,
  numberParam,
  reportStep
} from './common'

export type AnalyticVariant = 'ddpm' | 'ddim'

/** λ² of the reverse family for σ_t → σ_s. */
export function familyVariance(sigmaT: number, sigmaS: number, variant: AnalyticVariant): number {
  if (variant === 'ddim' || sigmaS === 0) return 0
  return (sigmaS * sigmaS * (sigmaT * sigmaT - sigmaS * sigmaS)) / (sigmaT * sigmaT)
}

/** Per-dimension E‖x0 − D(x_t)‖²/d from Γ_t, clipped (see header); maxX0Var ≤ 0 means no bound. */
export function x0ErrorFromGamma(sigmaT: number, gamma: number, maxX0Var = 0): number {
  const t2 = sigmaT * sigmaT
  const err = t2 * (1 - Math.min(1, Math.max(0, t2 * gamma)))
  return maxX0Var > 0 ? Math.min(err, maxX0Var) : err
}

/** Analytic-DPM optimal reverse variance v* for σ_t → σ_s (Bao et al. 2022, Thm. 1 in σ-space). */
export function analyticVariance(
  sigmaT: number,
  sigmaS: number,
  gamma: number,
  variant: AnalyticVariant,
  maxX0Var = 0
): number {
  if (sigmaS === 0) return 0
  const lambda2 = familyVariance(sigmaT, sigmaS, variant)
  const c = 1 - Math.sqrt(sigmaS * sigmaS - lambda2) / sigmaT
  return lambda2 + c * c * x0ErrorFromGamma(sigmaT, gamma, maxX0Var)
}

export interface GammaEstimate {
  /** Γ at each σ: mean over samples of ‖(D − x)/σ²‖²/d. */
  readonly gamma: Float64Array
  /** Monte Carlo standard error of each Γ. */
  readonly stderr: Float64Array
}

/**
 * Monte Carlo Γ_t = E‖∇log p_σ(x)‖²/d over x = x0 + σ·n, x0 from `data` ([M, ...]), `repeats` noise
 * draws per sample, for each σ of `sigmas` (all > 0). Costs sigmas.length·repeats denoiser calls on
 * batches of M.
 */
export async function estimateGamma(
  denoise: Denoiser,
  data: Tensor,
  sigmas: Float64Array,
  noise: NoiseSource,
  repeats = 1,
  signal?: AbortSignal
): Promise<GammaEstimate> {
  const m = data.shape[0]
  const per = data.data.length / m
  const gamma = new Float64Array(sigmas.length)
  const stderr = new Float64Array(sigmas.length)
  for (let j = 0; j < sigmas.length; j++) {
    const sigma = sigmas[j]
    if (!(sigma > 0)) throw new RangeError('estimateGamma needs σ > 0')
    let sum = 0
    let sumSq = 0
    for (let r = 0; r < repeats; r++) {
      checkCancelled(signal)
      const z = noise.randn(data.shape).data
      const xd = new Float64Array(data.data.length)
      for (let k = 0; k < xd.length; k++) xd[k] = data.data[k] + sigma * z[k]
      const x = { shape: [...data.shape], data: xd }
      const d = await callDenoiser(denoise, x, sigma, signal)
      const inv = 1 / (sigma * sigma)
      for (let b = 0; b < m; b++) {
        let acc = 0
        for (let k = b * per; k < (b + 1) * per; k++) {
          const g = (d.data[k] - xd[k]) * inv
          acc += g * g
        }
        acc /= per
        sum += acc
        sumSq += acc * acc
      }
    }
    const count = m * repeats
    const mean = sum / count
    gamma[j] = mean
    stderr[j] = count > 1 ? Math.sqrt(Math.max(0, sumSq / count - mean * mean) / (count - 1)) : 0
  }
  return { gamma, stderr }
}

/** Γ table on `targetSigmas` from one on `tableSigmas`: linear in log σ of σ²Γ (∈ [0, 1], smooth). */
export function interpolateGamma(
  tableSigmas: Float64Array,
  tableGamma: Float64Array,
  targetSigmas: Float64Array
): Float64Array {
  const order = Array.from(tableSigmas.keys()).sort((a, b) => tableSigmas[a] - tableSigmas[b])
  const ls = order.map((k) => Math.log(tableSigmas[k]))
  const vs = order.map((k) => tableSigmas[k] * tableSigmas[k] * tableGamma[k])
  const out = new Float64Array(targetSigmas.length)
  for (let j = 0; j < targetSigmas.length; j++) {
    const s = targetSigmas[j]
    if (!(s > 0)) continue
    const l = Math.log(s)
    let v: number
    if (l <= ls[0]) v = vs[0]
    else if (l >= ls[ls.length - 1]) v = vs[vs.length - 1]
    else {
      let hi = 1
      while (ls[hi] < l) hi++
      const w = (l - ls[hi - 1]) / (ls[hi] - ls[hi - 1])
      v = vs[hi - 1] + w * (vs[hi] - vs[hi - 1])
    }
    out[j] = v / (s * s)
  }
  return out
}

/** extra.gamma string ⇄ table (comma-separated, full precision). */
export const encodeGamma = (table: ArrayLike<number>): string => Array.from(table, String).join(',')

export function decodeGamma(text: string): Float64Array {
  const values = text.split(',').map((s) => Number(s.trim()))
  if (values.some((v) => !Number.isFinite(v) || v < 0))
    throw new RangeError('bad Γ table in extra.gamma')
  return Float64Array.from(values)
}

async function runAnalytic(
  denoise: Denoiser,
  x: Tensor,
  sigmas: Float64Array,
  options: SamplerOptions,
  gamma: Float64Array | undefined
): Promise<Tensor> {
  const n = checkSigmas(sigmas)
  const variant = choiceParam(options.extra, 'variant', 'ddpm', ['ddpm', 'ddim'] as const)
  const maxX0Var = numberParam(options.extra, 'max_x0_var', 0, 0)
  const needed = sigmas[n] === 0 ? n - 1 : n
  if (gamma && gamma.length < needed) {
    throw new RangeError(`analytic-ddpm needs Γ at ${needed} σ levels, got ${gamma.length}`)
  }
  let cur = x
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    const lambda2 = familyVariance(sigma, sigmaNext, variant)
    const q = Math.sqrt(sigmaNext * sigmaNext - lambda2) / sigma
    const xs = cur.data
    const ds = denoised.data
    const out = new Float64Array(xs.length)
    for (let k = 0; k < xs.length; k++) out[k] = ds[k] + q * (xs[k] - ds[k])
    if (sigmaNext > 0) {
      const g = gamma ? gamma[i] : onlineGamma(cur.data, ds, sigma)
      const std = Math.sqrt(analyticVariance(sigma, sigmaNext, g, variant, maxX0Var))
      const z = options.noise.randn(cur.shape).data
      for (let k = 0; k < xs.length; k++) out[k] += std * z[k]
    }
    cur = { shape: [...cur.shape], data: out }
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

/** Γ̂_t = mean over every element of the squared score (D − x)/σ²: the online estimate. */
export function onlineGamma(x: Float64Array, denoised: Float64Array, sigma: number): number {
  let sum = 0
  for (let k = 0; k < x.length; k++) {
    const score = (denoised[k] - x[k]) / (sigma * sigma)
    sum += score * score
  }
  return sum / x.length
}

/** The sampler with a Γ table bound (Γ at sigmas[0..n−1] of the σ list it will be called with). */
export function createAnalyticSampler(gamma: Float64Array): Sampler {
  return (denoise, x, sigmas, options) => runAnalytic(denoise, x, sigmas, options, gamma)
}

export const sampleAnalyticDdpm: Sampler = async (denoise, x, sigmas, options) => {
  const text = options.extra?.gamma
  const table = typeof text === 'string' && text !== '' ? decodeGamma(text) : undefined
  return runAnalytic(denoise, x, sigmas, options, table)
}

export const analyticDdpm: SamplerInfo = {
  name: 'analytic-ddpm',
  label: 'Analytic-DPM',
  description:
    'DDPM/DDIM step with the optimal reverse variance: Γ from a precomputed table, else estimated online.',
  order: 1,
  callsPerStep: 1,
  stochastic: true,
  reference: 'Bao et al. 2022 (Analytic-DPM) Thm. 1, Thm. 2 clipping',
  params: [
    {
      name: 'gamma',
      description:
        'Γ_t = E‖∇log p‖²/d at each σ of the list, comma-separated (estimateGamma); empty = online estimate',
      default: ''
    },
    {
      name: 'variant',
      description: 'reverse family: ddpm (λ² = β̃) or ddim (λ = 0)',
      default: 'ddpm',
      choices: ['ddpm', 'ddim']
    },
    {
      name: 'max_x0_var',
      description: 'data-range bound on the x0 error variance (0 = none)',
      default: 0,
      min: 0
    }
  ],
  sample: sampleAnalyticDdpm
}
