// Small Float64Array helpers for samplers. Plain loops, no broadcasting; `out` may alias an input.

import type { Tensor } from './types'

export function numel(shape: readonly number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

export function tensor(shape: readonly number[], data?: Float64Array): Tensor {
  const n = numel(shape)
  if (data && data.length !== n)
    throw new RangeError(`data has ${data.length} values, shape needs ${n}`)
  return { shape: [...shape], data: data ?? new Float64Array(n) }
}

export const zeros = (shape: readonly number[]): Tensor => tensor(shape)
export const zerosLike = (t: Tensor): Tensor => tensor(t.shape)
/** A tensor of t's shape holding `data` (not copied). */
export const like = (t: Tensor, data: Float64Array): Tensor => tensor(t.shape, data)
export const clone = (t: Tensor): Tensor => ({ shape: [...t.shape], data: t.data.slice() })

/** Values per batch element. */
export function sampleSize(t: Tensor): number {
  return t.shape[0] === 0 ? 0 : t.data.length / t.shape[0]
}

/** Sample b as a view (no copy). */
export function sampleView(t: Tensor, b: number): Float64Array {
  const n = sampleSize(t)
  return t.data.subarray(b * n, (b + 1) * n)
}

/** out = a·x */
export function scale(out: Float64Array, a: number, x: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a * x[i]
  return out
}

/** out = a·x + b·y */
export function lin2(
  out: Float64Array,
  a: number,
  x: Float64Array,
  b: number,
  y: Float64Array
): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i]
  return out
}

/** out = a·x + b·y + c·z */
export function lin3(
  out: Float64Array,
  a: number,
  x: Float64Array,
  b: number,
  y: Float64Array,
  c: number,
  z: Float64Array
): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i] + c * z[i]
  return out
}

/** out = a·x + b·y + c·z + d·w */
export function lin4(
  out: Float64Array,
  a: number,
  x: Float64Array,
  b: number,
  y: Float64Array,
  c: number,
  z: Float64Array,
  d: number,
  w: Float64Array
): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i] + c * z[i] + d * w[i]
  return out
}

/** out = Σ_k coeffs[k]·xs[k] (any number of terms; out may alias xs[0]). */
export function linComb(
  out: Float64Array,
  coeffs: readonly number[],
  xs: readonly Float64Array[]
): Float64Array {
  const k = coeffs.length
  if (k === 0) return out.fill(0)
  if (k === 1) return scale(out, coeffs[0], xs[0])
  lin2(out, coeffs[0], xs[0], coeffs[1], xs[1])
  for (let j = 2; j < k; j++) {
    const c = coeffs[j]
    const x = xs[j]
    for (let i = 0; i < out.length; i++) out[i] += c * x[i]
  }
  return out
}

/** out[b, …] = factors[b] · x[b, …] for factors of shape [B]. */
export function scalePerSample(out: Tensor, factors: ArrayLike<number>, x: Tensor): Tensor {
  const n = sampleSize(x)
  for (let b = 0; b < x.shape[0]; b++) {
    const f = factors[b]
    for (let i = b * n; i < (b + 1) * n; i++) out.data[i] = f * x.data[i]
  }
  return out
}

/** max_i |x_i − y_i| */
export function maxAbsDiff(x: Float64Array, y: Float64Array): number {
  let m = 0
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]))
  return m
}

/** Σ_i |x_i| */
export function sumAbs(x: Float64Array): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i])
  return s
}
