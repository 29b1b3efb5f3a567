// Convergence harness: run a sampler on the Gaussian problem at several step counts and measure the
// error against the closed-form PF-ODE solution at the last σ of the list.

import { createNoise } from '../rng/noise'
import { karrasSigmas } from '../schedules/continuous'
import type { Sampler, SamplerExtra, Tensor } from '../types'
import { gaussianDenoiser, gaussianOdeSolution } from './gaussian'
import type { GaussianData } from './gaussian'
import { fitOrder } from './order'

/** Anisotropic test data: 6 dimensions with different means and widths (several time scales). */
export const TEST_GAUSSIAN: GaussianData = {
  mu: Float64Array.from([0.5, -1, 0.2, 2, 0, -0.3]),
  s: Float64Array.from([0.3, 1, 0.05, 2, 0.5, 0.1])
}

/** x_T = μ + σ_max·z with seeded z, shape [2, 6]. */
export function gaussianStart(g: GaussianData, sigmaMax: number, seed = 1): Tensor {
  const z = createNoise(seed).randn([2, 6])
  const mu = g.mu as Float64Array
  return { shape: z.shape, data: z.data.map((v, i) => mu[i % 6] + sigmaMax * v) }
}

export interface ConvergenceOptions {
  readonly steps: readonly number[]
  readonly sigmaMin?: number
  readonly sigmaMax?: number
  readonly rho?: number
  readonly extra?: SamplerExtra
  /** Build the σ list (default Karras, ending at σ_min, no final 0). */
  readonly sigmas?: (n: number) => Float64Array
}

/** Max-abs errors at σ_min for each step count, and the fitted order. */
export async function measureConvergence(
  sampler: Sampler,
  opts: ConvergenceOptions,
  g: GaussianData = TEST_GAUSSIAN
): Promise<{ errors: number[]; order: number }> {
  const sigmaMin = opts.sigmaMin ?? 0.002
  const sigmaMax = opts.sigmaMax ?? 80
  const build =
    opts.sigmas ?? ((n: number) => karrasSigmas(n + 1, sigmaMin, sigmaMax, opts.rho ?? 7))
  const errors: number[] = []
  for (const n of opts.steps) {
    const sigmas = build(n)
    const xT = gaussianStart(g, sigmas[0])
    const want = gaussianOdeSolution(g, xT, sigmas[0], sigmas[sigmas.length - 1])
    const got = await sampler(gaussianDenoiser(g), xT, sigmas, {
      noise: createNoise(0),
      extra: opts.extra
    })
    let e = 0
    for (let i = 0; i < want.data.length; i++) e = Math.max(e, Math.abs(got.data[i] - want.data[i]))
    errors.push(e)
  }
  return { errors, order: fitOrder(opts.steps, errors) }
}
