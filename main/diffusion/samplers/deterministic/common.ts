// Shared plumbing of the σ-space samplers: cancellation, step reports, parameters, the ODE slope.

import { SamplingCancelled } from '../../types'
import type { Denoiser, SamplerExtra, SamplerOptions, SamplerParam, Tensor } from '../../types'

/** Throws SamplingCancelled when the signal has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SamplingCancelled()
}

/** One denoiser call, preceded by the cancellation check every sampler owes. */
export async function denoiseChecked(
  denoise: Denoiser,
  x: Float64Array,
  shape: readonly number[],
  sigma: number,
  signal: AbortSignal | undefined
): Promise<Float64Array> {
  throwIfCancelled(signal)
  const out = await denoise({ shape, data: x }, sigma)
  if (out.data.length !== x.length) {
    throw new RangeError(`denoiser returned ${out.data.length} values, expected ${x.length}`)
  }
  return out.data
}

/** Calls onStep with tensors the sampler will not mutate afterwards. */
export function reportStep(
  options: SamplerOptions,
  shape: readonly number[],
  i: number,
  sigmas: Float64Array,
  x: Float64Array,
  denoised: Float64Array
): void {
  options.onStep?.({
    i,
    n: sigmas.length - 1,
    sigma: sigmas[i],
    sigmaNext: sigmas[i + 1],
    x: { shape, data: x },
    denoised: { shape, data: denoised }
  })
}

/** d = (x − D)/σ, the PF-ODE slope dx/dσ (k-diffusion `to_d`); written to `out`. */
export function slope(
  out: Float64Array,
  x: Float64Array,
  d: Float64Array,
  sigma: number
): Float64Array {
  const inv = 1 / sigma
  for (let i = 0; i < out.length; i++) out[i] = (x[i] - d[i]) * inv
  return out
}

/** The sampler's parameter `name`: from extra, else its declared default; range-checked. */
export function numberParam(
  params: readonly SamplerParam[],
  extra: SamplerExtra | undefined,
  name: string
): number {
  const p = params.find((q) => q.name === name)
  if (!p) throw new Error(`unknown parameter ${name}`)
  const v = extra?.[name] ?? p.default
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${name} must be a number`)
  if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
    throw new RangeError(`${name} = ${v} is outside [${p.min ?? '-∞'}, ${p.max ?? '∞'}]`)
  }
  return v
}

export function booleanParam(
  params: readonly SamplerParam[],
  extra: SamplerExtra | undefined,
  name: string
): boolean {
  const p = params.find((q) => q.name === name)
  if (!p) throw new Error(`unknown parameter ${name}`)
  const v = extra?.[name] ?? p.default
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean`)
  return v
}

export function choiceParam(
  params: readonly SamplerParam[],
  extra: SamplerExtra | undefined,
  name: string
): string {
  const p = params.find((q) => q.name === name)
  if (!p) throw new Error(`unknown parameter ${name}`)
  const v = extra?.[name] ?? p.default
  if (typeof v !== 'string' || (p.choices && !p.choices.includes(v))) {
    throw new RangeError(`${name} must be one of ${p.choices?.join(', ')}`)
  }
  return v
}

/** Validates the σ list and returns the working copy of x. */
export function start(x: Tensor, sigmas: Float64Array): Float64Array {
  for (let i = 0; i < sigmas.length; i++) {
    if (!(sigmas[i] >= 0) || !Number.isFinite(sigmas[i])) {
      throw new RangeError(`sigmas[${i}] = ${sigmas[i]} must be finite and ≥ 0`)
    }
  }
  return x.data.slice()
}
