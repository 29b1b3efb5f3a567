// Helpers to run a sampler from seeded noise in tests and the benchmark.

import { createNoise } from '../rng'
import { buildSigmas } from '../schedules'
import type { Denoiser, NoiseSource, Sampler, SamplerExtra, Tensor } from '../types'

/** EDM test schedule: Karras ρ = 7, σ 80 → 0.002, then 0 (steps + 1 values). */
export const edmSigmas = (steps: number): Float64Array =>
  buildSigmas({ kind: 'karras', sigmaMin: 0.002, sigmaMax: 80, rho: 7 }, steps)

/** x = σ₀·z from the noise source's first draw, then the sampler with the same source. */
export async function sampleFromNoise(
  sampler: Sampler,
  denoise: Denoiser,
  shape: readonly number[],
  sigmas: Float64Array,
  noise: NoiseSource,
  extra?: SamplerExtra
): Promise<Tensor> {
  const z = noise.randn(shape)
  const x0 = sigmas[0]
  const x = { shape: [...shape], data: z.data.map((v) => v * x0) }
  return sampler(denoise, x, sigmas, { noise, extra })
}

/** sampleFromNoise with `createNoise(seed)`. */
export function sampleSeeded(
  sampler: Sampler,
  denoise: Denoiser,
  shape: readonly number[],
  sigmas: Float64Array,
  seed: number,
  extra?: SamplerExtra
): Promise<Tensor> {
  return sampleFromNoise(sampler, denoise, shape, sigmas, createNoise(seed), extra)
}
