// Shared plumbing of the stochastic samplers: parameter parsing, σ-list checks, cancellation,
// step reporting and k-diffusion's ancestral split. All tensors are [B, ...] Float64Array.

import { like, lin2 } from '../../tensor'
import { SamplingCancelled } from '../../types'
import type { SamplerExtra, SamplerOptions, Tensor } from '../../types'

/** Throws SamplingCancelled when the signal has fired; call before every denoiser call. */
export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SamplingCancelled()
}

/** σ list must have ≥ 2 entries, be strictly decreasing, finite and end at σ ≥ 0. */
export function checkSigmas(sigmas: Float64Array): number {
  const n = sigmas.length - 1
  if (n < 1) throw new RangeError('sigmas needs at least two entries')
  for (let i = 0; i <= n; i++) {
    const s = sigmas[i]
    if (!Number.isFinite(s) || s < 0)
      throw new RangeError(`sigma[${i}] = ${s} is not finite and ≥ 0`)
    if (i > 0 && !(s < sigmas[i - 1])) throw new RangeError('sigmas must be strictly decreasing')
  }
  return n
}

export function numberParam(
  extra: SamplerExtra | undefined,
  name: string,
  fallback: number,
  min = -Infinity,
  max = Infinity
): number {
  const v = extra?.[name]
  if (v === undefined) return fallback
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max) {
    throw new RangeError(`extra.${name} must be a number in [${min}, ${max}], got ${String(v)}`)
  }
  return v
}

export function intParam(
  extra: SamplerExtra | undefined,
  name: string,
  fallback: number,
  min: number
): number {
  const v = numberParam(extra, name, fallback, min)
  if (!Number.isInteger(v)) throw new RangeError(`extra.${name} must be an integer, got ${v}`)
  return v
}

export function choiceParam<T extends string>(
  extra: SamplerExtra | undefined,
  name: string,
  fallback: T,
  choices: readonly T[]
): T {
  const v = extra?.[name]
  if (v === undefined) return fallback
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new RangeError(`extra.${name} must be one of ${choices.join(', ')}, got ${String(v)}`)
  }
  return v as T
}

export function booleanParam(
  extra: SamplerExtra | undefined,
  name: string,
  fallback: boolean
): boolean {
  const v = extra?.[name]
  if (v === undefined) return fallback
  if (typeof v !== 'boolean') throw new RangeError(`extra.${name} must be a boolean`)
  return v
}

/** The model output must have the input's shape. */
export function checkSameShape(a: Tensor, b: Tensor): void {
  const ok = a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k])
  if (!ok || a.data.length !== b.data.length) {
    throw new RangeError(`denoiser returned shape [${b.shape}] for input [${a.shape}]`)
  }
}

/** Calls D(x; σ) after the cancellation check and checks the output shape. */
export async function callDenoiser(
  denoise: (x: Tensor, sigma: number) => Promise<Tensor>,
  x: Tensor,
  sigma: number,
  signal: AbortSignal | undefined
): Promise<Tensor> {
  checkCancelled(signal)
  const out = await denoise(x, sigma)
  checkSameShape(x, out)
  return out
}

export function reportStep(
  options: SamplerOptions,
  i: number,
  n: number,
  sigma: number,
  sigmaNext: number,
  x: Tensor,
  denoised: Tensor
): void {
  options.onStep?.({ i, n, sigma, sigmaNext, x, denoised })
}

/**
 * k-diffusion `get_ancestral_step`: split σ_from → σ_to into a deterministic move to σ_down and fresh
 * noise σ_up with σ_down² + σ_up² = σ_to². η = 1 gives the DDPM posterior variance
 * σ_up² = σ_to²(σ_from² − σ_to²)/σ_from² (see ddpm.ts); η = 0 is deterministic.
 */
export function ancestralStep(
  sigmaFrom: number,
  sigmaTo: number,
  eta: number
): { sigmaDown: number; sigmaUp: number } {
  if (eta === 0 || sigmaTo === 0) return { sigmaDown: sigmaTo, sigmaUp: 0 }
  const up = Math.min(
    sigmaTo,
    eta *
      Math.sqrt(
        (sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)) / (sigmaFrom * sigmaFrom)
      )
  )
  return { sigmaDown: Math.sqrt(sigmaTo * sigmaTo - up * up), sigmaUp: up }
}

/** a·x + b·d as a new tensor of x's shape. */
export function combine(x: Tensor, a: number, d: Tensor, b: number): Tensor {
  return like(x, lin2(new Float64Array(x.data.length), a, x.data, b, d.data))
}

/** Adds c·noise in place (noise drawn by the caller from the NoiseSource). */
export function addScaledInPlace(x: Tensor, z: Tensor, c: number): void {
  const xs = x.data
  const zs = z.data
  for (let k = 0; k < xs.length; k++) xs[k] += c * zs[k]
}
