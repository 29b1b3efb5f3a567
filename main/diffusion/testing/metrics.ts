// Sample-set distances for sampler tests and the benchmark. Samples are [N, ...] tensors, one row per
// sample (trailing dims flatten to d).

import { createStream } from '../rng'
import type { Tensor } from '../types'

function rows(t: Tensor): { n: number; d: number } {
  const n = t.shape[0]
  return { n, d: n === 0 ? 0 : t.data.length / n }
}

/** Sample mean [d] and unbiased covariance [d, d] (divisor N − 1). */
export function sampleMoments(t: Tensor): { mean: Float64Array; cov: Float64Array } {
  const { n, d } = rows(t)
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += t.data[i * d + j] / n
  const cov = new Float64Array(d * d)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = t.data[i * d + a] - mean[a]
      for (let b = a; b < d; b++) cov[a * d + b] += (da * (t.data[i * d + b] - mean[b])) / (n - 1)
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a]
  return { mean, cov }
}

/**
 * Unbiased MMD² (Gretton et al. 2012, eq. 3) with the RBF kernel k(x, y) = exp(−‖x − y‖²/(2h²)),
 * bandwidth h. Can be slightly negative when the two sets come from the same law.
 */
export function mmdRbf(a: Tensor, b: Tensor, bandwidth: number): number {
  const ra = rows(a)
  const rb = rows(b)
  if (ra.d !== rb.d) throw new RangeError('MMD needs equal dimensions')
  const d = ra.d
  const g = 1 / (2 * bandwidth * bandwidth)
  const kernelSum = (x: Float64Array, nx: number, y: Float64Array, ny: number, same: boolean) => {
    let s = 0
    for (let i = 0; i < nx; i++) {
      for (let j = same ? i + 1 : 0; j < ny; j++) {
        let sq = 0
        for (let k = 0; k < d; k++) {
          const diff = x[i * d + k] - y[j * d + k]
          sq += diff * diff
        }
        s += Math.exp(-g * sq)
      }
    }
    return same ? 2 * s : s
  }
  const kaa = kernelSum(a.data, ra.n, a.data, ra.n, true) / (ra.n * (ra.n - 1))
  const kbb = kernelSum(b.data, rb.n, b.data, rb.n, true) / (rb.n * (rb.n - 1))
  const kab = kernelSum(a.data, ra.n, b.data, rb.n, false) / (ra.n * rb.n)
  return kaa + kbb - 2 * kab
}

/** Exact W_p^p between two 1-D empirical distributions (sorted inputs, any sizes). */
export function wassersteinSorted1d(x: Float64Array, y: Float64Array, p = 2): number {
  const nx = x.length
  const ny = y.length
  // Walk the merged quantile breakpoints k/nx and l/ny.
  let i = 0
  let j = 0
  let t = 0
  let acc = 0
  while (i < nx && j < ny) {
    const tx = (i + 1) / nx
    const ty = (j + 1) / ny
    const next = Math.min(tx, ty)
    acc += (next - t) * Math.abs(x[i] - y[j]) ** p
    t = next
    if (tx <= next) i++
    if (ty <= next) j++
  }
  return acc
}

/**
 * Sliced Wasserstein-p distance (Rabin et al. 2011; Bonneel et al. 2015):
 * (mean over L random unit directions θ of W_p^p(θ·A, θ·B))^{1/p}. Directions come from a seeded
 * Philox stream, so two calls with the same seed use the same directions.
 */
export function slicedWasserstein(
  a: Tensor,
  b: Tensor,
  projections = 128,
  seed = 0,
  p = 2
): number {
  const ra = rows(a)
  const rb = rows(b)
  if (ra.d !== rb.d) throw new RangeError('sliced Wasserstein needs equal dimensions')
  const d = ra.d
  const stream = createStream(seed, 7)
  const theta = new Float64Array(d)
  const pa = new Float64Array(ra.n)
  const pb = new Float64Array(rb.n)
  let total = 0
  for (let l = 0; l < projections; l++) {
    let norm = 0
    for (let k = 0; k < d; k++) {
      theta[k] = stream.nextNormal()
      norm += theta[k] * theta[k]
    }
    norm = Math.sqrt(norm)
    for (let k = 0; k < d; k++) theta[k] /= norm
    const project = (t: Tensor, n: number, out: Float64Array) => {
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let k = 0; k < d; k++) s += theta[k] * t.data[i * d + k]
        out[i] = s
      }
      out.sort()
    }
    project(a, ra.n, pa)
    project(b, rb.n, pb)
    total += wassersteinSorted1d(pa, pb, p)
  }
  return (total / projections) ** (1 / p)
}
