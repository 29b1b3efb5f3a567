// One entry point for pipelines and the UI: a named schedule spec → the σ list a sampler walks.
// Every list is descending and ends with its final σ (0 unless a discrete spec asks for 'sigma-min').

import type { BetaSpec } from './betas'
import {
  exponentialSigmas,
  flowSigmas,
  karrasSigmas,
  polyexponentialSigmas,
  veSigmas,
  vpSigmas
} from './continuous'
import { discreteSchedule, sigmaAtTimestep, spacedTimesteps } from './discrete'
import type { DiscreteSchedule, TimestepSpacing } from './discrete'
import { append } from './numeric'

/** The model's own training σ table at spaced timesteps (diffusers DDIM/Euler/DPM-Solver style). */
export interface DiscreteSigmasSpec {
  readonly kind: 'discrete'
  readonly betas: BetaSpec
  /** A spacing rule, or explicit descending timesteps (diffusers `timesteps=`). Default 'linspace'. */
  readonly spacing?: TimestepSpacing | readonly number[]
  /** Round linspace timesteps to integers (DDIM, PNDM, DPM-Solver); false keeps Euler's fractions. */
  readonly round?: boolean
  /** Added to 'leading' timesteps (SD configs use 1). */
  readonly stepsOffset?: number
  /** Fractional timesteps interpolate σ linearly (diffusers Euler, default) or in ln σ (k-diffusion). */
  readonly interpolation?: 'linear' | 'log'
  readonly zeroSnr?: boolean
  /** 'zero' (default) ends at σ = 0; 'sigma-min' ends at σ of timestep 0 (diffusers final_sigmas_type). */
  readonly final?: 'zero' | 'sigma-min'
}

export type ScheduleSpec =
  | DiscreteSigmasSpec
  | {
      readonly kind: 'karras'
      readonly sigmaMin: number
      readonly sigmaMax: number
      readonly rho?: number
    }
  | { readonly kind: 'exponential'; readonly sigmaMin: number; readonly sigmaMax: number }
  | {
      readonly kind: 'polyexponential'
      readonly sigmaMin: number
      readonly sigmaMax: number
      readonly rho?: number
    }
  | {
      readonly kind: 'vp'
      readonly betaMin?: number
      readonly betaMax?: number
      readonly epsS?: number
    }
  | {
      readonly kind: 've'
      readonly sigmaMin: number
      readonly sigmaMax: number
      readonly epsT?: number
    }
  | { readonly kind: 'flow'; readonly shift?: number; readonly tMin?: number }

export type ScheduleKind = ScheduleSpec['kind']

/** Timesteps (descending) a discrete spec samples at. */
export function discreteTimesteps(spec: DiscreteSigmasSpec, steps: number): Float64Array {
  const trainSteps = trainStepsOf(spec.betas)
  const spacing = spec.spacing ?? 'linspace'
  if (typeof spacing !== 'string') return Float64Array.from(spacing)
  return spacedTimesteps(spacing, trainSteps, steps, {
    round: spec.round ?? true,
    stepsOffset: spec.stepsOffset
  })
}

function trainStepsOf(betas: BetaSpec): number {
  return betas.kind === 'trained' ? betas.betas.length : betas.steps
}

/** σ list for a discrete spec, given its (cached) schedule table. */
export function discreteSigmas(
  spec: DiscreteSigmasSpec,
  steps: number,
  table: DiscreteSchedule = discreteSchedule(spec)
): Float64Array {
  const ts = discreteTimesteps(spec, steps)
  const sig = ts.map((t) => sigmaAtTimestep(table, t, spec.interpolation ?? 'linear'))
  return append(sig, spec.final === 'sigma-min' ? table.sigmas[0] : 0)
}

/**
 * The σ list of `steps` steps for a schedule spec: steps + 1 values, strictly descending, final value
 * last (0 unless a discrete spec asks for 'sigma-min').
 * @throws RangeError for steps < 1, or when the schedule cannot give `steps` distinct σ values (a
 *   discrete spacing above its step limit; the message names the limit).
 */
export function buildSigmas(spec: ScheduleSpec, steps: number): Float64Array {
  const sigmas = sigmaList(spec, steps)
  for (let i = 1; i < sigmas.length; i++) {
    if (!(sigmas[i] < sigmas[i - 1])) {
      throw new RangeError(`the ${spec.kind} schedule repeats σ = ${sigmas[i]} at ${steps} steps`)
    }
  }
  return sigmas
}

function sigmaList(spec: ScheduleSpec, steps: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be ≥ 1, got ${steps}`)
  switch (spec.kind) {
    case 'discrete':
      return discreteSigmas(spec, steps)
    case 'karras':
      return append(karrasSigmas(steps, spec.sigmaMin, spec.sigmaMax, spec.rho ?? 7), 0)
    case 'exponential':
      return append(exponentialSigmas(steps, spec.sigmaMin, spec.sigmaMax), 0)
    case 'polyexponential':
      return append(polyexponentialSigmas(steps, spec.sigmaMin, spec.sigmaMax, spec.rho ?? 1), 0)
    case 'vp':
      return append(vpSigmas(steps, spec.betaMin, spec.betaMax, spec.epsS), 0)
    case 've':
      return append(veSigmas(steps, spec.sigmaMin, spec.sigmaMax, spec.epsT), 0)
    case 'flow':
      return append(flowSigmas(steps, spec.shift, spec.tMin), 0)
  }
}

/**
 * The σ list of a truncated chain (ES-DDPM, Lyu et al. 2022): σ_start, where one model call regresses x0
 * from a cheap estimate, then `steps − 1` steps of `spec` with its σ_max lowered to σ_tail, then 0:
 * steps + 1 values. One step is the regression alone ([σ_start, 0]).
 * @throws RangeError for steps < 1, σ_tail ≥ σ_start or ≤ the schedule's σ_min, or a schedule without a
 *   σ_max to lower (discrete, vp, flow).
 */
export function truncatedSigmas(
  spec: ScheduleSpec,
  steps: number,
  chain: { readonly sigmaStart: number; readonly sigmaTail: number }
): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be ≥ 1, got ${steps}`)
  if (!(chain.sigmaTail < chain.sigmaStart)) {
    throw new RangeError(`σ_tail ${chain.sigmaTail} must be below σ_start ${chain.sigmaStart}`)
  }
  if (
    spec.kind !== 'karras' &&
    spec.kind !== 'exponential' &&
    spec.kind !== 'polyexponential' &&
    spec.kind !== 've'
  ) {
    throw new RangeError(
      `a truncated chain needs a schedule with σ_min and σ_max, not ${spec.kind}`
    )
  }
  if (!(chain.sigmaTail > spec.sigmaMin)) {
    throw new RangeError(`σ_tail ${chain.sigmaTail} must be above σ_min ${spec.sigmaMin}`)
  }
  if (steps === 1) return Float64Array.of(chain.sigmaStart, 0)
  const tail = buildSigmas({ ...spec, sigmaMax: chain.sigmaTail }, steps - 1)
  const out = new Float64Array(steps + 1)
  out[0] = chain.sigmaStart
  out.set(tail, 1)
  return out
}
