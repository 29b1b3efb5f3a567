// DDRM, Denoising Diffusion Restoration Models (Kawar et al. 2022, eq. 7-8, x_T init of §3.3), for a
// linear degradation with known SVD (degradation.ts). DDRM is itself written in σ-space
// (x_t = x0 + σ_t·n), so it runs on D(x; σ) directly. Shapes: x [B, ...] with n values per sample,
// y [B, m]; spectral vectors x̄ = Vᵀx, ȳ_i = (Uᵀy)_i/s_i for i < k. One denoiser call per step.
//
// Step σ_t → σ' (x̂0 = D(x_t; σ_t), x̄0 = Vᵀx̂0, z ~ N(0, I) fresh, per spectral coordinate i):
//   s_i = 0:            x̄'_i = x̄0_i + sqrt(1 − η²)·σ'·(x̄_t,i − x̄0_i)/σ_t + η·σ'·z_i
//   σ' < σ_y/s_i:       x̄'_i = x̄0_i + sqrt(1 − η²)·σ'·(ȳ_i − x̄0_i)/(σ_y/s_i) + η·σ'·z_i
//   σ' ≥ σ_y/s_i:       x̄'_i = (1 − η_b)·x̄0_i + η_b·ȳ_i + sqrt(σ'² − η_b²σ_y²/s_i²)·z_i
// x' = V x̄'. At σ' = 0 no noise is left; with σ_y = 0 and η_b = 1 the observed coordinates are ȳ
// exactly, so H x̂ = y to rounding.
// Initialisation (replaces the sampler's x = σ₀·z by its own start, using z = Vᵀx/σ₀):
//   x̄_i = ȳ_i + sqrt(σ₀² − σ_y²/s_i²)·z_i where σ₀ ≥ σ_y/s_i, else σ₀·z_i.

import { SamplingCancelled } from '../types'
import type { Sampler, Tensor } from '../types'
import type { LinearDegradation } from './degradation'

export interface DdrmProblem {
  readonly degradation: LinearDegradation
  /** Observations y, [B, m] (or [1, m], shared by the batch). */
  readonly y: Tensor
  /** Observation noise std σ_y (0 = noiseless). */
  readonly sigmaY?: number
  /** η (paper default 0.85): noise fraction for unobserved and noisy coordinates. */
  readonly eta?: number
  /** η_b (default 1): weight of the observation in the σ' ≥ σ_y/s_i case. */
  readonly etaB?: number
}

export function createDdrm(problem: DdrmProblem): Sampler {
  const h = problem.degradation
  const n = h.inSize
  const m = h.outSize
  const k = h.singulars.length
  const sigmaY = problem.sigmaY ?? 0
  return async (denoise, x, sigmas, options) => {
    const eta = numberOr(options.extra?.eta, problem.eta ?? 0.85)
    const etaB = numberOr(options.extra?.eta_b, problem.etaB ?? 1)
    const batch = x.shape[0]
    if (x.data.length !== batch * n) throw new RangeError(`x must have ${n} values per sample`)
    const yRows = problem.y.shape[0]
    if (problem.y.data.length !== yRows * m || (yRows !== 1 && yRows !== batch)) {
      throw new RangeError(`y must be [${batch} or 1, ${m}]`)
    }
    // ȳ per sample (first k spectral coordinates) and the thresholds σ_y/s_i.
    const ybar = new Float64Array(batch * k)
    for (let b = 0; b < batch; b++) {
      const row = problem.y.data.subarray(
        (yRows === 1 ? 0 : b) * m,
        ((yRows === 1 ? 0 : b) + 1) * m
      )
      const uy = h.Ut(row)
      for (let i = 0; i < k; i++) ybar[b * k + i] = uy[i] / h.singulars[i]
    }
    const thr = Float64Array.from(h.singulars, (s) => sigmaY / s)
    const n0 = sigmas.length - 1
    // Start.
    const s0 = sigmas[0]
    let cur = new Float64Array(batch * n)
    for (let b = 0; b < batch; b++) {
      const z = h.Vt(x.data.subarray(b * n, (b + 1) * n))
      for (let i = 0; i < n; i++) {
        const zi = z[i] / s0
        z[i] =
          i < k && s0 >= thr[i]
            ? ybar[b * k + i] + Math.sqrt(s0 * s0 - thr[i] * thr[i]) * zi
            : s0 * zi
      }
      cur.set(h.V(z), b * n)
    }
    for (let step = 0; step < n0; step++) {
      const sigma = sigmas[step]
      const next = sigmas[step + 1]
      if (options.signal?.aborted) throw new SamplingCancelled()
      const xt = { shape: [...x.shape], data: cur }
      const d = await denoise(xt, sigma)
      const z = options.noise.randn([batch, n]).data
      const out = new Float64Array(batch * n)
      const c1 = Math.sqrt(1 - eta * eta)
      for (let b = 0; b < batch; b++) {
        const xb = h.Vt(cur.subarray(b * n, (b + 1) * n))
        const x0 = h.Vt(d.data.subarray(b * n, (b + 1) * n))
        const nb = new Float64Array(n)
        for (let i = 0; i < n; i++) {
          const zi = z[b * n + i]
          if (i >= k) {
            nb[i] = x0[i] + (c1 * next * (xb[i] - x0[i])) / sigma + eta * next * zi
          } else if (next < thr[i]) {
            nb[i] = x0[i] + (c1 * next * (ybar[b * k + i] - x0[i])) / thr[i] + eta * next * zi
          } else {
            const v = next * next - etaB * etaB * thr[i] * thr[i]
            nb[i] = (1 - etaB) * x0[i] + etaB * ybar[b * k + i] + Math.sqrt(Math.max(0, v)) * zi
          }
        }
        out.set(h.V(nb), b * n)
      }
      cur = out
      options.onStep?.({
        i: step,
        n: n0,
        sigma,
        sigmaNext: next,
        x: { shape: [...x.shape], data: cur },
        denoised: d
      })
    }
    return { shape: [...x.shape], data: cur }
  }
}

function numberOr(v: number | boolean | string | undefined, fallback: number): number {
  if (v === undefined) return fallback
  if (typeof v !== 'number' || !(v >= 0 && v <= 1))
    throw new RangeError('η and η_b must be in [0, 1]')
  return v
}
