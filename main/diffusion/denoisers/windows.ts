// A denoiser over a long axis (time of a mel image, frames of a clip) from one whose window is fixed:
// MultiDiffusion (Bar-Tal et al. 2023, eq. 5): every call cuts x into overlapping windows, denoises them
// as one batch, and averages their x0 estimates with cross-fade weights. Circular ('loop'): windows wrap
// around the axis and are shifted at every call, so the end meets the start with no seam.
import type { Denoiser, Tensor } from '../types'

export interface WindowPlan {
  /** Length of the long axis. */
  readonly length: number
  /** The inner denoiser's window along it. */
  readonly window: number
  /** Start of each window (positions taken modulo `length` when circular). */
  readonly offsets: readonly number[]
  readonly circular: boolean
  /** Cross-fade ramp at each window edge, in positions. */
  readonly ramp: number
}

/**
 * Windows covering an axis of `length` with windows of `window` overlapping by at least `overlap`:
 * one window when it fits (not circular); else evenly spread starts, first at 0 and last at
 * length − window; circular: ⌈length / (window − overlap)⌉ windows at equal spacing (a clip shorter
 * than a window is read repeatedly).
 * @throws RangeError when length < window and not circular (sample a whole window and crop instead).
 */
export function planWindows(
  length: number,
  window: number,
  overlap: number,
  circular: boolean
): WindowPlan {
  const ramp = Math.max(0, Math.min(overlap, Math.floor(window / 2)))
  if (!circular) {
    if (length < window) throw new RangeError(`length ${length} is below the window ${window}`)
    if (length === window) return { length, window, offsets: [0], circular, ramp }
    const stride = Math.max(1, window - overlap)
    const n = Math.ceil((length - window) / stride) + 1
    const offsets = Array.from({ length: n }, (_, k) =>
      Math.round((k * (length - window)) / (n - 1))
    )
    return { length, window, offsets, circular, ramp }
  }
  const stride = Math.max(1, window - overlap)
  const n = Math.max(1, Math.ceil(length / stride))
  const offsets = Array.from({ length: n }, (_, k) => Math.round((k * length) / n))
  return { length, window, offsets, circular, ramp }
}

/** Cross-fade weight of position t of window k: a linear ramp inside each edge, 1 at the axis ends. */
function weight(plan: WindowPlan, k: number, t: number): number {
  const r = plan.ramp
  if (r === 0) return 1
  const first = !plan.circular && k === 0
  const last = !plan.circular && k === plan.offsets.length - 1
  const left = first ? 1 : (t + 1) / (r + 1)
  const right = last ? 1 : (plan.window - t) / (r + 1)
  return Math.min(1, left, right)
}

/**
 * D(x; σ) for x [B, …, L (axis), …] from `inner`, a denoiser of [B·n, …, window, …] (n = windows; row
 * b·n + k is window k of sample b). Circular plans shift every window by `shift(call)` positions at
 * call `call` (default: a third of a window each call), so no window edge stays in one place.
 */
export function windowedDenoiser(
  inner: Denoiser,
  plan: WindowPlan,
  axis: number,
  shift: (call: number) => number = (call) => (call * Math.floor(plan.window / 3)) % plan.length
): Denoiser {
  let calls = 0
  return async (x: Tensor, sigma: number): Promise<Tensor> => {
    const { shape } = x
    const B = shape[0]
    const L = shape[axis]
    if (L !== plan.length)
      throw new RangeError(`axis ${axis} is ${L} long, the plan ${plan.length}`)
    const before = shape.slice(1, axis).reduce((a, b) => a * b, 1)
    const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1)
    const W = plan.window
    const n = plan.offsets.length
    const s = plan.circular ? shift(calls) : 0
    calls++
    const starts = plan.offsets.map((o) => o + s)
    const at = (pos: number) => (((pos % L) + L) % L) as number
    // Gather: [B·n, before, W, after].
    const windows = new Float64Array(B * n * before * W * after)
    for (let b = 0; b < B; b++)
      for (let k = 0; k < n; k++)
        for (let p = 0; p < before; p++)
          for (let t = 0; t < W; t++) {
            const src = ((b * before + p) * L + at(starts[k] + t)) * after
            const dst = ((((b * n + k) * before + p) * W + t) * after) as number
            windows.set(x.data.subarray(src, src + after), dst)
          }
    const innerShape = [B * n, ...shape.slice(1, axis), W, ...shape.slice(axis + 1)]
    const d = await inner({ shape: innerShape, data: windows }, sigma)
    // Scatter with weights, then divide by their sum at each position.
    const out = new Float64Array(x.data.length)
    const norm = new Float64Array(B * L)
    for (let b = 0; b < B; b++)
      for (let k = 0; k < n; k++)
        for (let t = 0; t < W; t++) {
          const w = weight(plan, k, t)
          const pos = at(starts[k] + t)
          norm[b * L + pos] += w
          for (let p = 0; p < before; p++) {
            const dst = ((b * before + p) * L + pos) * after
            const src = (((b * n + k) * before + p) * W + t) * after
            for (let q = 0; q < after; q++) out[dst + q] += w * d.data[src + q]
          }
        }
    for (let b = 0; b < B; b++)
      for (let p = 0; p < before; p++)
        for (let pos = 0; pos < L; pos++) {
          const z = norm[b * L + pos]
          const base = ((b * before + p) * L + pos) * after
          for (let q = 0; q < after; q++) out[base + q] /= z
        }
    return { shape: [...shape], data: out }
  }
}
