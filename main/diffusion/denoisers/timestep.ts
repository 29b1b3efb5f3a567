// σ → the time/noise conditioning value a network was trained with.

import { vpSigmaAt } from '../schedules/continuous'
import { sigmaAtTimestep, timestepOfSigma } from '../schedules/discrete'
import type { DiscreteSchedule } from '../schedules/discrete'

export type TimestepMap =
  /** t = σ (VE / NCSN-style score models). */
  | { readonly kind: 'sigma' }
  /**
   * Discrete DDPM-style model: fractional t by piecewise-linear interpolation of ln σ over the training
   * σ table (k-diffusion DiscreteSchedule.sigma_to_t). `round`: nearest integer t, for exports whose
   * timestep input is int64 (the model then sees σ of that t while the sampler keeps its own σ).
   */
  | {
      readonly kind: 'discrete'
      readonly schedule: DiscreteSchedule
      readonly round?: boolean
      /** The network takes t·scale (EDM feeds t/T). */
      readonly scale?: number
    }
  /** VP-SDE model time t ∈ [0, 1] solving σ(t) = σ (Song et al. 2021), times `scale` (e.g. 999). */
  | {
      readonly kind: 'vp-continuous'
      readonly betaMin?: number
      readonly betaMax?: number
      readonly scale?: number
    }
  /** EDM c_noise = ln(σ)/4 (Karras et al. 2022, Table 1). */
  | { readonly kind: 'edm' }
  /** Rectified flow: t = σ/(1 + σ), times `scale` (SD3 / Flux exports take t·1000). */
  | { readonly kind: 'flow'; readonly scale?: number }
  | { readonly kind: 'custom'; readonly fn: (sigma: number) => number }

export function modelTime(map: TimestepMap, sigma: number): number {
  switch (map.kind) {
    case 'sigma':
      return sigma
    case 'discrete': {
      const t = timestepOfSigma(map.schedule, sigma)
      return (map.round ? Math.round(t) : t) * (map.scale ?? 1)
    }
    case 'vp-continuous':
      return vpTimeOfSigma(sigma, map.betaMin ?? 0.1, map.betaMax ?? 20) * (map.scale ?? 1)
    case 'edm':
      return Math.log(sigma) / 4
    case 'flow':
      return (sigma / (1 + sigma)) * (map.scale ?? 1000)
    case 'custom':
      return map.fn(sigma)
  }
}

/** Inverse of vpSigmaAt: the root t ≥ 0 of β_d t²/2 + β_min t = ln(1 + σ²). */
export function vpTimeOfSigma(sigma: number, betaMin = 0.1, betaMax = 20): number {
  const bd = betaMax - betaMin
  const c = Math.log1p(sigma * sigma)
  if (bd === 0) return c / betaMin
  return (2 * c) / (betaMin + Math.sqrt(betaMin * betaMin + 2 * bd * c))
}

/** t → σ for a discrete schedule (fractional t interpolates ln σ, the inverse of the 'discrete' map). */
export function sigmaOfTimestep(schedule: DiscreteSchedule, t: number): number {
  return sigmaAtTimestep(schedule, t, 'log')
}

export { vpSigmaAt }
