// Discrete (DDPM-style) model schedules: the training σ table, inference timestep sets with diffusers
// semantics, and the t ↔ σ maps. Timesteps index the precomputed table; the previous timestep is
// never derived by subtraction (diffusers #9261, #12633).

import { alphasCumprod, betasOf, rescaleZeroTerminalSnr, sigmasFromAlphasCumprod } from './betas'
import type { BetaSpec } from './betas'
import { linspace, roundHalfEven } from './numeric'

/** diffusers' finite ZSNR patch: ᾱ_{T−1} = 2^-24, i.e. σ_max ≈ 4096 (PR #6024). */
export const ZSNR_ALPHA_BAR_PATCH = 2 ** -24

export interface DiscreteSchedule {
  /** ᾱ per training timestep, [T]. */
  readonly alphasCumprod: Float64Array
  /** σ per training timestep, [T], ascending in t, all finite. */
  readonly sigmas: Float64Array
  /** ln σ, [T]. */
  readonly logSigmas: Float64Array
}

export interface DiscreteScheduleSpec {
  readonly betas: BetaSpec
  /** Rescale to zero terminal SNR (Lin et al. 2023 Alg. 1), then patch ᾱ_{T−1} to 2^-24. */
  readonly zeroSnr?: boolean
}

export function discreteSchedule(spec: DiscreteScheduleSpec): DiscreteSchedule {
  let abar = alphasCumprod(betasOf(spec.betas))
  if (spec.zeroSnr) {
    abar = rescaleZeroTerminalSnr(abar)
    abar[abar.length - 1] = ZSNR_ALPHA_BAR_PATCH
  }
  const sigmas = sigmasFromAlphasCumprod(abar)
  return { alphasCumprod: abar, sigmas, logSigmas: sigmas.map(Math.log) }
}

/**
 * Inference timesteps, descending, as diffusers' DDIM/Euler `set_timesteps` (T = training steps, n = steps):
 * - linspace: linspace(0, T−1, n) reversed (rounded half-to-even when `round`; Euler keeps fractions)
 * - leading:  k·floor(T/n) for k = n−1 … 0, plus `stepsOffset`
 * - trailing: round(T − k·T/n) − 1 for k = 0 … n−1
 * One step starts at the top, t = T−1, for every spacing (diffusers' one-step linspace/leading answer,
 * t = 0 or the offset, denoises from almost no noise). Golden lists: fixtures/timestep-goldens.json.
 * @throws RangeError when the spacing cannot give n distinct timesteps inside [0, T−1] (n above
 *   `discreteStepLimit`), naming the limit.
 */
export type TimestepSpacing = 'linspace' | 'leading' | 'trailing'

export interface SpacingOptions {
  readonly round?: boolean
  readonly stepsOffset?: number
}

function rawSpacedTimesteps(
  spacing: TimestepSpacing,
  trainSteps: number,
  steps: number,
  options: SpacingOptions
): Float64Array {
  const out = new Float64Array(steps)
  if (steps === 1) {
    out[0] = trainSteps - 1
    return out
  }
  if (spacing === 'linspace') {
    const t = linspace(0, trainSteps - 1, steps)
    for (let i = 0; i < steps; i++) {
      const v = t[steps - 1 - i]
      out[i] = options.round === false ? v : roundHalfEven(v)
    }
  } else if (spacing === 'leading') {
    const ratio = Math.floor(trainSteps / steps)
    for (let i = 0; i < steps; i++) out[i] = (steps - 1 - i) * ratio + (options.stepsOffset ?? 0)
  } else {
    const ratio = trainSteps / steps
    for (let i = 0; i < steps; i++) out[i] = roundHalfEven(trainSteps - i * ratio) - 1
  }
  return out
}

/** True when `ts` is strictly descending inside [0, T−1]. */
function validTimesteps(ts: Float64Array, trainSteps: number): boolean {
  for (let i = 0; i < ts.length; i++) {
    if (!(ts[i] >= 0 && ts[i] <= trainSteps - 1)) return false
    if (i > 0 && !(ts[i] < ts[i - 1])) return false
  }
  return true
}

/**
 * The most steps a spacing can give as distinct timesteps inside [0, T−1]: T, or T − stepsOffset for
 * 'leading' with an offset. Above it σ values would repeat (and multistep solvers divide by a zero step).
 */
export function discreteStepLimit(
  spacing: TimestepSpacing,
  trainSteps: number,
  options: SpacingOptions = {}
): number {
  for (let n = trainSteps; n > 1; n--) {
    if (validTimesteps(rawSpacedTimesteps(spacing, trainSteps, n, options), trainSteps)) return n
  }
  return 1
}

export function spacedTimesteps(
  spacing: TimestepSpacing,
  trainSteps: number,
  steps: number,
  options: SpacingOptions = {}
): Float64Array {
  const out = rawSpacedTimesteps(spacing, trainSteps, steps, options)
  if (steps > trainSteps || !validTimesteps(out, trainSteps)) {
    const limit = discreteStepLimit(spacing, trainSteps, options)
    throw new RangeError(
      `the '${spacing}' spacing gives at most ${limit} distinct steps for a model trained with ` +
        `${trainSteps} timesteps; ${steps} were asked`
    )
  }
  return out
}

/** σ at a (possibly fractional) timestep: table value, interpolated linearly in σ (diffusers) or ln σ. */
export function sigmaAtTimestep(
  s: DiscreteSchedule,
  t: number,
  interpolation: 'linear' | 'log' = 'linear'
): number {
  const last = s.sigmas.length - 1
  const tc = Math.min(Math.max(t, 0), last)
  const lo = Math.min(Math.floor(tc), last - 1)
  const w = tc - lo
  if (w === 0) return s.sigmas[lo]
  if (w === 1) return s.sigmas[lo + 1]
  if (interpolation === 'linear') return (1 - w) * s.sigmas[lo] + w * s.sigmas[lo + 1]
  return Math.exp((1 - w) * s.logSigmas[lo] + w * s.logSigmas[lo + 1])
}

/**
 * Fractional timestep of σ: piecewise-linear interpolation of ln σ over the training table (k-diffusion
 * `DiscreteSchedule.sigma_to_t`, diffusers `_sigma_to_t`), clamped to [0, T−1]. Exact on table values.
 */
export function timestepOfSigma(s: DiscreteSchedule, sigma: number): number {
  const ls = s.logSigmas
  const n = ls.length
  const l = Math.log(Math.max(sigma, 1e-10))
  if (l <= ls[0]) return 0
  if (l >= ls[n - 1]) return n - 1
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (ls[mid] <= l) lo = mid
    else hi = mid
  }
  if (l === ls[lo]) return lo
  return lo + (l - ls[lo]) / (ls[hi] - ls[lo])
}
