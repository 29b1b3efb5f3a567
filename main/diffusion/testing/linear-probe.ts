// Exact output law of a sampler on 1-D Gaussian data x0 ~ N(μ, s²), without Monte Carlo.
// With D(x; σ) = μ + k(σ)(x − μ), k = s²/(s² + σ²) (exact, per element), every sampler that is
// elementwise and affine in x, D and its noise draws returns
//   x_out = m + a·x_init + Σ_j c_j·z_j,   z_j the j-th noise draw (independent N(0, 1)),
// so x_out ~ N(m + a·E x_init, a²·Var x_init + Σ_j c_j²). We read m, a and the c_j by running the
// sampler on a probe batch: row 0 carries x_init = 1 with no noise, row j + 1 gets z_j = 1 and x_init = 0
// (a NoiseSource returning one-hot rows), and one more row with μ and x_init = 0, zero noise, gives m.
// Samplers whose step depends on norms of the state (pc with the `langevin` rule) are not affine.

import type { NoiseSource, Sampler, SamplerExtra, Tensor } from '../types'

export interface GaussianOutputLaw {
  readonly mean: number
  readonly variance: number
  /** Noise draws the sampler made. */
  readonly draws: number
}

/** Law of x_init; default N(0, σ₀²), the generation start. */
export interface InitialLaw {
  readonly mean: number
  readonly variance: number
}

/** Output mean and variance for x_init ~ N(init.mean, init.variance). */
export async function exactGaussianOutput(
  sampler: Sampler,
  mu: number,
  s: number,
  sigmas: Float64Array,
  extra?: SamplerExtra,
  init: InitialLaw = { mean: 0, variance: sigmas[0] * sigmas[0] },
  maxDraws = 3 * sigmas.length
): Promise<GaussianOutputLaw> {
  // Centred problem (μ = 0) for a and c_j: rows 0 .. maxDraws.
  const rows = maxDraws + 1
  let draw = 0
  const probe: NoiseSource = {
    randn(shape: readonly number[]): Tensor {
      if (shape[0] !== rows) throw new RangeError('probe noise drawn with an unexpected batch')
      if (draw + 1 >= rows) throw new RangeError('sampler drew more noise than maxDraws')
      const per = shape.slice(1).reduce((p, d) => p * d, 1)
      const data = new Float64Array(rows * per)
      data.fill(1, (draw + 1) * per, (draw + 2) * per)
      draw++
      return { shape: [...shape], data }
    }
  }
  const linear = async (x: Tensor, sigma: number): Promise<Tensor> => {
    const k = (s * s) / (s * s + sigma * sigma)
    return { shape: [...x.shape], data: x.data.map((v) => k * v) }
  }
  const x = new Float64Array(rows)
  x[0] = 1
  const out = await sampler(linear, { shape: [rows, 1], data: x }, sigmas, { noise: probe, extra })
  const a = out.data[0]
  let noiseVar = 0
  for (let j = 1; j < rows; j++) noiseVar += out.data[j] * out.data[j]
  // Offset m: x_init = 0 and zero noise with the μ-shifted denoiser.
  const zero: NoiseSource = {
    randn: (shape) => ({
      shape: [...shape],
      data: new Float64Array(shape.reduce((p, d) => p * d, 1))
    })
  }
  const affine = async (y: Tensor, sigma: number): Promise<Tensor> => {
    const k = (s * s) / (s * s + sigma * sigma)
    return { shape: [...y.shape], data: y.data.map((v) => mu + k * (v - mu)) }
  }
  const m = await sampler(affine, { shape: [1, 1], data: new Float64Array(1) }, sigmas, {
    noise: zero,
    extra
  })
  return {
    mean: m.data[0] + a * init.mean,
    variance: a * a * init.variance + noiseVar,
    draws: draw
  }
}
