// Exact denoisers for test targets whose noised marginals are closed form (σ-space, x = x0 + σ·n):
// an isotropic Gaussian mixture and the EDM "ideal denoiser" over a finite data set.
// Samples are [B, ...] tensors whose trailing dims flatten to the mixture dimension d.
//
// Mixture Σ_k π_k N(μ_k, s_k² I). At noise σ, v_k = s_k² + σ²:
//   p_σ(x)   = Σ_k π_k N(x; μ_k, v_k I)
//   r_k(x)   = π_k N(x; μ_k, v_k I)/p_σ(x)         (softmax of log-weights; log-sum-exp)
//   D(x; σ)  = Σ_k r_k(x)·(μ_k + (s_k²/v_k)(x − μ_k))   (posterior mean of x0)
// The ideal denoiser over data {y_i} (Karras et al. 2022, App. B.3 eq. 57) is the case s_k = 0,
// π_k = 1/M: D(x; σ) = Σ_i y_i N(x; y_i, σ²I)/Σ_i N(x; y_i, σ²I).

import { createStream } from '../rng'
import type { Denoiser, Tensor } from '../types'

export interface IsotropicMixture {
  /** Dimension d of one sample. */
  readonly dim: number
  /** Component weights π_k, [K], sum 1. */
  readonly weights: Float64Array
  /** Component means μ_k, [K, d] row-major. */
  readonly means: Float64Array
  /** Component standard deviations s_k ≥ 0, [K]. */
  readonly stds: Float64Array
}

export function createMixture(
  means: readonly (readonly number[])[],
  stds: number | readonly number[],
  weights?: readonly number[]
): IsotropicMixture {
  const count = means.length
  if (count === 0) throw new RangeError('a mixture needs at least one component')
  const dim = means[0].length
  const m = new Float64Array(count * dim)
  means.forEach((row, k) => {
    if (row.length !== dim) throw new RangeError('all means need the same dimension')
    m.set(row, k * dim)
  })
  const s = Float64Array.from({ length: count }, (_, k) =>
    typeof stds === 'number' ? stds : stds[k]
  )
  const w = Float64Array.from({ length: count }, (_, k) => weights?.[k] ?? 1)
  const total = w.reduce((a, b) => a + b, 0)
  for (let k = 0; k < count; k++) {
    if (!(w[k] > 0) || !(s[k] >= 0)) throw new RangeError('weights must be > 0 and stds ≥ 0')
    w[k] /= total
  }
  return { dim, weights: w, means: m, stds: s }
}

/** The finite data set `data` ([M, ...]) as a mixture of equal-weight point masses. */
export function datasetMixture(data: Tensor): IsotropicMixture {
  const count = data.shape[0]
  const dim = data.data.length / count
  return {
    dim,
    weights: new Float64Array(count).fill(1 / count),
    means: data.data.slice(),
    stds: new Float64Array(count)
  }
}

function rowsOf(mix: IsotropicMixture, x: Tensor): number {
  const batch = x.shape[0]
  if (x.data.length !== batch * mix.dim) {
    throw new RangeError(`tensor [${x.shape}] does not flatten to [B, ${mix.dim}]`)
  }
  return batch
}

/** log r_k for one row (unnormalised) into `out`; returns log p_σ(x_row) via log-sum-exp. */
function logResponsibilities(
  mix: IsotropicMixture,
  xs: Float64Array,
  offset: number,
  sigma: number,
  out: Float64Array
): number {
  const d = mix.dim
  let max = -Infinity
  for (let k = 0; k < mix.weights.length; k++) {
    const v = mix.stds[k] * mix.stds[k] + sigma * sigma
    if (!(v > 0)) throw new RangeError('σ = 0 with a point-mass component has no density')
    let sq = 0
    for (let j = 0; j < d; j++) {
      const diff = xs[offset + j] - mix.means[k * d + j]
      sq += diff * diff
    }
    const l = Math.log(mix.weights[k]) - 0.5 * d * Math.log(2 * Math.PI * v) - sq / (2 * v)
    out[k] = l
    if (l > max) max = l
  }
  let sum = 0
  for (let k = 0; k < out.length; k++) sum += Math.exp(out[k] - max)
  return max + Math.log(sum)
}

/** Exact D(x; σ) of the mixture (header). σ > 0 or all s_k > 0. */
export function mixtureDenoiser(mix: IsotropicMixture): Denoiser {
  return async (x, sigma) => mixtureDenoise(mix, x, sigma)
}

/** Synchronous form of `mixtureDenoiser`. */
export function mixtureDenoise(mix: IsotropicMixture, x: Tensor, sigma: number): Tensor {
  const batch = rowsOf(mix, x)
  const d = mix.dim
  const count = mix.weights.length
  const logR = new Float64Array(count)
  const out = new Float64Array(x.data.length)
  for (let b = 0; b < batch; b++) {
    const off = b * d
    const logP = logResponsibilities(mix, x.data, off, sigma, logR)
    for (let k = 0; k < count; k++) {
      const r = Math.exp(logR[k] - logP)
      if (r === 0) continue
      const s2 = mix.stds[k] * mix.stds[k]
      const shrink = s2 / (s2 + sigma * sigma)
      for (let j = 0; j < d; j++) {
        const mu = mix.means[k * d + j]
        out[off + j] += r * (mu + shrink * (x.data[off + j] - mu))
      }
    }
  }
  return { shape: [...x.shape], data: out }
}

/** EDM ideal denoiser over a finite data set ([M, ...]), Karras et al. 2022 eq. 57. */
export function idealDenoiser(data: Tensor): Denoiser {
  return mixtureDenoiser(datasetMixture(data))
}

/** log p_σ(x_b) for each batch row, [B]. */
export function mixtureLogDensity(mix: IsotropicMixture, x: Tensor, sigma: number): Float64Array {
  const batch = rowsOf(mix, x)
  const logR = new Float64Array(mix.weights.length)
  const out = new Float64Array(batch)
  for (let b = 0; b < batch; b++)
    out[b] = logResponsibilities(mix, x.data, b * mix.dim, sigma, logR)
  return out
}

/**
 * `count` samples [count, d] of the mixture at noise σ (default 0). Component counts are stratified
 * (largest remainder of count·π_k, then shuffled), the Gaussian part comes from a Philox stream.
 */
export function sampleMixture(
  mix: IsotropicMixture,
  count: number,
  seed: number,
  sigma = 0
): Tensor {
  const stream = createStream(seed, 0)
  const k = mix.weights.length
  const exact = Array.from(mix.weights, (w) => w * count)
  const counts = exact.map(Math.floor)
  let left = count - counts.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((e, j) => [e - Math.floor(e), j]).sort((a, b) => b[0] - a[0])
  for (let j = 0; left > 0; j++, left--) counts[byRemainder[j % k][1]]++
  const labels: number[] = []
  counts.forEach((c, j) => {
    for (let i = 0; i < c; i++) labels.push(j)
  })
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(stream.nextUniform() * (i + 1))
    ;[labels[i], labels[j]] = [labels[j], labels[i]]
  }
  const d = mix.dim
  const out = new Float64Array(count * d)
  for (let i = 0; i < count; i++) {
    const c = labels[i]
    const std = Math.sqrt(mix.stds[c] * mix.stds[c] + sigma * sigma)
    for (let j = 0; j < d; j++) out[i * d + j] = mix.means[c * d + j] + std * stream.nextNormal()
  }
  return { shape: [count, d], data: out }
}

/** Exact mean [d] and covariance [d, d] of the mixture at noise σ (default 0). */
export function mixtureMoments(
  mix: IsotropicMixture,
  sigma = 0
): { mean: Float64Array; cov: Float64Array } {
  const d = mix.dim
  const mean = new Float64Array(d)
  const cov = new Float64Array(d * d)
  mix.weights.forEach((w, k) => {
    for (let j = 0; j < d; j++) mean[j] += w * mix.means[k * d + j]
  })
  mix.weights.forEach((w, k) => {
    const v = mix.stds[k] * mix.stds[k] + sigma * sigma
    for (let a = 0; a < d; a++) {
      cov[a * d + a] += w * v
      for (let b = 0; b < d; b++) {
        cov[a * d + b] += w * (mix.means[k * d + a] - mean[a]) * (mix.means[k * d + b] - mean[b])
      }
    }
  })
  return { mean, cov }
}
