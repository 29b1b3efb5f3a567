// σ spacings for models with a continuous noise level. Each returns the n descending σ values of the
// steps; buildSigmas appends the final 0.

import { linspace } from './numeric'

/** Karras et al. 2022 (EDM) eq. 5: σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ. */
export function karrasSigmas(n: number, sigmaMin: number, sigmaMax: number, rho = 7): Float64Array {
  const a = sigmaMax ** (1 / rho)
  const b = sigmaMin ** (1 / rho)
  return linspace(0, 1, n).map((r) => (a + r * (b - a)) ** rho)
}

/** Uniform in ln σ (k-diffusion get_sigmas_exponential). */
export function exponentialSigmas(n: number, sigmaMin: number, sigmaMax: number): Float64Array {
  return linspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp)
}

/** k-diffusion get_sigmas_polyexponential: ln σ = ramp^ρ·(ln σ_max − ln σ_min) + ln σ_min, ramp 1 → 0. */
export function polyexponentialSigmas(
  n: number,
  sigmaMin: number,
  sigmaMax: number,
  rho = 1
): Float64Array {
  const lmin = Math.log(sigmaMin)
  const lmax = Math.log(sigmaMax)
  return linspace(1, 0, n).map((r) => Math.exp(r ** rho * (lmax - lmin) + lmin))
}

/**
 * VP-SDE (Song et al. 2021, eq. 33 with linear β(t) = β_min + t(β_max − β_min)), t uniform from 1 to ε_s:
 * σ(t) = sqrt(exp(β_d t²/2 + β_min t) − 1), β_d = β_max − β_min (k-diffusion get_sigmas_vp).
 */
export function vpSigmas(n: number, betaMin = 0.1, betaMax = 20, epsS = 1e-3): Float64Array {
  const bd = betaMax - betaMin
  return linspace(1, epsS, n).map((t) => Math.sqrt(Math.expm1((bd * t * t) / 2 + betaMin * t)))
}

/** σ of the VP-SDE at continuous time t ∈ [0, 1] (same formula; also the model-time map). */
export function vpSigmaAt(t: number, betaMin = 0.1, betaMax = 20): number {
  return Math.sqrt(Math.expm1(((betaMax - betaMin) * t * t) / 2 + betaMin * t))
}

/**
 * VE-SDE (Song et al. 2021, NCSN++): σ(t) = σ_min (σ_max/σ_min)^t at t uniform from 1 to ε_t
 * (score_sde samples to ε_t = 1e-5). With ε_t = 0 this is exponentialSigmas.
 */
export function veSigmas(n: number, sigmaMin: number, sigmaMax: number, epsT = 1e-5): Float64Array {
  return linspace(1, epsT, n).map((t) => sigmaMin * (sigmaMax / sigmaMin) ** t)
}

/** Rectified-flow time t (x_t = (1−t)x0 + t·n) → σ = t / (1 − t); t = 1 maps to FLOW_SIGMA_MAX. */
export const FLOW_SIGMA_MAX = 2 ** 24
export function flowTimeToSigma(t: number): number {
  return t >= 1 ? FLOW_SIGMA_MAX : t / (1 - t)
}
export function flowSigmaToTime(sigma: number): number {
  return sigma >= FLOW_SIGMA_MAX ? 1 : sigma / (1 + sigma)
}

/**
 * Flow matching (SD3 / Flux style, diffusers FlowMatchEulerDiscrete without dynamic shift):
 * u uniform from 1 to tMin, t = shift·u / (1 + (shift − 1)·u) (SD3 eq. 23), σ = t/(1 − t).
 */
export function flowSigmas(n: number, shift = 1, tMin = 1e-3): Float64Array {
  return linspace(1, tMin, n).map((u) => flowTimeToSigma((shift * u) / (1 + (shift - 1) * u)))
}
