// β schedules of discrete (DDPM-style) models and their ᾱ / σ tables. All arrays are [T], index = timestep.
// σ-space (Karras et al. 2022): x = x_vp / sqrt(ᾱ), σ = sqrt((1 − ᾱ) / ᾱ).

import { linspace } from './numeric'

export type BetaSpec =
  | {
      readonly kind: 'linear'
      readonly betaStart: number
      readonly betaEnd: number
      readonly steps: number
    }
  /** Latent diffusion: linspace in sqrt β, squared (SD 1.x/2.x/XL: 0.00085 → 0.012). */
  | {
      readonly kind: 'scaled-linear'
      readonly betaStart: number
      readonly betaEnd: number
      readonly steps: number
    }
  /** Nichol & Dhariwal 2021 eq. 17 (diffusers "squaredcos_cap_v2"): s = 0.008, β capped at 0.999. */
  | {
      readonly kind: 'cosine'
      readonly steps: number
      readonly s?: number
      readonly maxBeta?: number
    }
  | { readonly kind: 'trained'; readonly betas: readonly number[] | Float64Array }
  /**
   * EDM's polynomial schedule (Hoogeboom et al. 2022, App. B; `polynomial_schedule` in their code): for
   * `steps` = T + 1 levels, ᾱ(x) = (1 − (x/steps)^power)² at x = linspace(0, steps, steps), each step's
   * ratio clipped to [0.001, 1], then ᾱ ← (1 − 2s)·ᾱ + s with s = `precision`.
   */
  | {
      readonly kind: 'polynomial'
      readonly steps: number
      readonly power: number
      readonly precision: number
    }

export function betasOf(spec: BetaSpec): Float64Array {
  switch (spec.kind) {
    case 'linear':
      return linspace(spec.betaStart, spec.betaEnd, spec.steps)
    case 'scaled-linear':
      return linspace(Math.sqrt(spec.betaStart), Math.sqrt(spec.betaEnd), spec.steps).map(
        (b) => b * b
      )
    case 'cosine': {
      const s = spec.s ?? 0.008
      const maxBeta = spec.maxBeta ?? 0.999
      const abar = (t: number) => Math.cos(((t + s) / (1 + s)) * (Math.PI / 2)) ** 2
      const out = new Float64Array(spec.steps)
      for (let i = 0; i < spec.steps; i++) {
        out[i] = Math.min(1 - abar((i + 1) / spec.steps) / abar(i / spec.steps), maxBeta)
      }
      return out
    }
    case 'trained':
      return Float64Array.from(spec.betas)
    case 'polynomial':
      return betasFromAlphasCumprod(polynomialAlphasCumprod(spec.steps, spec.power, spec.precision))
  }
}

/** EDM's polynomial ᾱ table of `steps` levels (see BetaSpec 'polynomial'). */
export function polynomialAlphasCumprod(
  steps: number,
  power: number,
  precision: number
): Float64Array {
  const raw = linspace(0, steps, steps).map((x) => (1 - (x / steps) ** power) ** 2)
  // clip_noise_schedule: the ratio of consecutive levels (from 1) clipped to [0.001, 1], re-accumulated.
  const out = new Float64Array(steps)
  let previous = 1
  let product = 1
  for (let i = 0; i < steps; i++) {
    const ratio = Math.min(1, Math.max(0.001, raw[i] / previous))
    product *= ratio
    previous = raw[i]
    out[i] = (1 - 2 * precision) * product + precision
  }
  return out
}

/** ᾱ_t = Π_{s≤t} (1 − β_s). */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length)
  let p = 1
  for (let i = 0; i < betas.length; i++) out[i] = p *= 1 - betas[i]
  return out
}

/** β_t = 1 − ᾱ_t / ᾱ_{t−1} (ᾱ_{−1} = 1). */
export function betasFromAlphasCumprod(abar: Float64Array): Float64Array {
  const out = new Float64Array(abar.length)
  for (let i = 0; i < abar.length; i++) out[i] = 1 - abar[i] / (i === 0 ? 1 : abar[i - 1])
  return out
}

/**
 * Zero terminal SNR (Lin et al. 2023, arXiv 2305.08891, Alg. 1): shift and scale sqrt(ᾱ) so that
 * sqrt(ᾱ_0) is kept and sqrt(ᾱ_{T−1}) = 0. Returns the new ᾱ table ([T]; last value exactly 0).
 */
export function rescaleZeroTerminalSnr(abar: Float64Array): Float64Array {
  const n = abar.length
  const a0 = Math.sqrt(abar[0])
  const aT = Math.sqrt(abar[n - 1])
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const s = i === n - 1 ? 0 : ((Math.sqrt(abar[i]) - aT) * a0) / (a0 - aT)
    out[i] = s * s
  }
  return out
}

/** σ_t = sqrt((1 − ᾱ_t) / ᾱ_t); ᾱ_t = 0 gives Infinity. */
export function sigmasFromAlphasCumprod(abar: Float64Array): Float64Array {
  return abar.map((a) => Math.sqrt((1 - a) / a))
}
