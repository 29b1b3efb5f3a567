// Exact test problem: data x0 ~ N(μ, s²) independently per dimension (samplers.md §4.1).
// In σ-space (x = x0 + σ·n) the ideal denoiser is the posterior mean
//   D(x; σ) = μ + s²/(s² + σ²)·(x − μ),
// the probability-flow ODE dx/dσ = (x − D)/σ = σ(x − μ)/(s² + σ²) has the closed-form solution
//   x(σ) = μ + (x_T − μ)·sqrt((s² + σ²)/(s² + σ_T²)),
// and the marginal at σ is N(μ, s² + σ²). μ and s are scalars or per-dimension arrays of one sample's size.

import type { Denoiser, Tensor } from '../types'

export { fitOrder, localOrders } from './order'

export interface GaussianData {
  readonly mu: number | Float64Array
  readonly s: number | Float64Array
}

const at = (v: number | Float64Array, i: number): number => (typeof v === 'number' ? v : v[i])

/** The exact denoiser for x0 ~ N(μ, s²). */
export function gaussianDenoiser(g: GaussianData): Denoiser {
  return async (x: Tensor, sigma: number): Promise<Tensor> => {
    const per = x.data.length / x.shape[0]
    const out = new Float64Array(x.data.length)
    for (let i = 0; i < out.length; i++) {
      const k = i % per
      const mu = at(g.mu, k)
      const s2 = at(g.s, k) ** 2
      out[i] = mu + (s2 / (s2 + sigma * sigma)) * (x.data[i] - mu)
    }
    return { shape: x.shape, data: out }
  }
}

/** Closed-form PF-ODE solution: the point at σ of the trajectory through xT at σ_T. */
export function gaussianOdeSolution(
  g: GaussianData,
  xT: Tensor,
  sigmaT: number,
  sigma: number
): Tensor {
  const per = xT.data.length / xT.shape[0]
  const out = new Float64Array(xT.data.length)
  for (let i = 0; i < out.length; i++) {
    const k = i % per
    const mu = at(g.mu, k)
    const s2 = at(g.s, k) ** 2
    out[i] = mu + (xT.data[i] - mu) * Math.sqrt((s2 + sigma * sigma) / (s2 + sigmaT * sigmaT))
  }
  return { shape: xT.shape, data: out }
}

/** Wraps a denoiser and counts its calls (and the σ of each call). */
export function countingDenoiser(d: Denoiser): { denoise: Denoiser; calls: number[] } {
  const calls: number[] = []
  return {
    calls,
    denoise: (x, sigma) => {
      calls.push(sigma)
      return d(x, sigma)
    }
  }
}
