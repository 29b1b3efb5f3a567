// RePaint (Lugmayr et al. 2022, Alg. 1 with the resampling schedule of §4.2 / `get_schedule_jump`),
// written in σ-space. Shapes: x, known, mask [B, ...] (mask 1 = known; known/mask may be [1, ...]).
//
// Levels: the σ list has N positive levels and a final 0; RePaint's time t = N−1 … 0 is σ index
// N−1−t, and t = −1 is σ = 0. The schedule (jump length j, resampling count r) walks t down one level
// at a time; at t = 0, j, 2j, … below N − j it jumps back up j levels, r − 1 times each.
//   down  t → t−1 (σ_a → σ_b < σ_a), one denoiser call:
//     unknown = DDPM posterior step x_b = D + (σ_b²/σ_a²)(x − D) + sqrt(σ_b²(σ_a² − σ_b²)/σ_a²)·z₁
//     known   = x0_known + σ_b·z₂                           (the reference noised to σ_b; exact at σ_b = 0)
//     x       = m ⊙ known + (1 − m) ⊙ unknown
//   up    t → t+1 (σ_a → σ_b > σ_a), no call: x ← x + sqrt(σ_b² − σ_a²)·z   (q(x_t | x_{t−1}))
// NFE = number of down moves (≈ N·r for j ≪ N; 250 levels, j = r = 10 gives about 2410 calls).

import { SamplingCancelled } from '../types'
import type { Sampler, Tensor } from '../types'

export interface RepaintProblem {
  /** Reference image x0 in the known region, [B, ...] or [1, ...]. */
  readonly known: Tensor
  /** 1 = keep the reference, 0 = generate; [B, ...] or [1, ...] (values in [0, 1] blend). */
  readonly mask: Tensor
  /** Jump length j (paper 10). */
  readonly jumpLength?: number
  /** Resampling count r (paper 10; 1 = no resampling). */
  readonly resampleCount?: number
}

/** RePaint time sequence for N levels: t values from N−1 down to −1 (get_schedule_jump, n_sample 1). */
export function repaintSchedule(
  levels: number,
  jumpLength: number,
  resampleCount: number
): number[] {
  const jumps = new Map<number, number>()
  for (let j = 0; j < levels - jumpLength; j += jumpLength) jumps.set(j, resampleCount - 1)
  const ts: number[] = []
  let t = levels
  while (t >= 1) {
    t -= 1
    ts.push(t)
    const left = jumps.get(t) ?? 0
    if (left > 0) {
      jumps.set(t, left - 1)
      for (let k = 0; k < jumpLength; k++) ts.push(++t)
    }
  }
  ts.push(-1)
  return ts
}

/** Row accessor that broadcasts a [1, ...] tensor over the batch. */
function rowsOf(t: Tensor, batch: number, per: number): (k: number) => number {
  if (t.data.length === per) return (k) => t.data[k % per]
  if (t.data.length === batch * per) return (k) => t.data[k]
  throw new RangeError(`tensor [${t.shape}] does not match [${batch}, ${per}] or [1, ${per}]`)
}

export function createRepaint(problem: RepaintProblem): Sampler {
  return async (denoise, x, sigmas, options) => {
    const j = numberOr(options.extra?.jump_length, problem.jumpLength ?? 10)
    const r = numberOr(options.extra?.resample_count, problem.resampleCount ?? 10)
    const levels = sigmas.length - 1
    if (sigmas[levels] !== 0) throw new RangeError('RePaint needs a σ list ending at 0')
    const batch = x.shape[0]
    const per = x.data.length / batch
    const known = rowsOf(problem.known, batch, per)
    const mask = rowsOf(problem.mask, batch, per)
    const sigmaOf = (t: number): number => sigmas[levels - 1 - t]
    const ts = repaintSchedule(levels, j, r)
    const downs = ts.reduce((a, t, k) => (k > 0 && t < ts[k - 1] ? a + 1 : a), 0)
    let cur = x.data.slice()
    let step = 0
    for (let k = 1; k < ts.length; k++) {
      const a = sigmaOf(ts[k - 1])
      const b = sigmaOf(ts[k])
      if (b > a) {
        const z = options.noise.randn(x.shape).data
        const c = Math.sqrt(b * b - a * a)
        for (let q = 0; q < cur.length; q++) cur[q] += c * z[q]
        continue
      }
      if (options.signal?.aborted) throw new SamplingCancelled()
      const d = await denoise({ shape: [...x.shape], data: cur }, a)
      const ratio = (b * b) / (a * a)
      const std = Math.sqrt((b * b * (a * a - b * b)) / (a * a))
      const z1 = b > 0 ? options.noise.randn(x.shape).data : undefined
      const z2 = b > 0 ? options.noise.randn(x.shape).data : undefined
      const out = new Float64Array(cur.length)
      for (let q = 0; q < cur.length; q++) {
        const unknown = d.data[q] + ratio * (cur[q] - d.data[q]) + (z1 ? std * z1[q] : 0)
        const kn = known(q) + (z2 ? b * z2[q] : 0)
        const m = mask(q)
        out[q] = m === 1 ? kn : m === 0 ? unknown : m * kn + (1 - m) * unknown
      }
      cur = out
      options.onStep?.({
        i: step++,
        n: downs,
        sigma: a,
        sigmaNext: b,
        x: { shape: [...x.shape], data: cur },
        denoised: d
      })
    }
    return { shape: [...x.shape], data: cur }
  }
}

function numberOr(v: number | boolean | string | undefined, fallback: number): number {
  const n = v ?? fallback
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError('jump length and resample count must be integers ≥ 1')
  }
  return n
}
