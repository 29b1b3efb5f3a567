// DDIM (Song, Meng & Ermon 2021, eq. 12) in σ-space: with ε̂ = (x − D)/σ,
//   x_next = D + σ_down·ε̂ + σ_up·z,   σ_up = min(σ_next, η·sqrt(σ_next²(σ² − σ_next²)/σ²)),
//   σ_down = sqrt(σ_next² − σ_up²).
// This σ_up is DDIM's σ_t(η) (eq. 16) divided by sqrt(ᾱ_prev): η = 0 is the deterministic DDIM
// (≡ Euler ≡ DPM-Solver-1), η = 1 the DDPM posterior (≡ Euler ancestral). z from options.noise.
// DDIM inversion walks an ascending σ list with x_next = x + (σ_next − σ)·ε̂. x, D: [B, ...].

import type { Sampler, SamplerInfo, SamplerParam } from '../../types'
import { choiceParam, denoiseChecked, numberParam, reportStep, start } from './common'

const ddimParams: readonly SamplerParam[] = [
  {
    name: 'eta',
    description: 'η: 0 deterministic DDIM, 1 DDPM-like ancestral',
    default: 0,
    min: 0,
    max: 1
  }
]

export const sampleDdim: Sampler = async (denoise, x0, sigmas, options) => {
  const eta = numberParam(ddimParams, options.extra, 'eta')
  const shape = x0.shape
  let x = start(x0, sigmas)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    const sigmaUp =
      eta === 0 || sigmaNext >= sigma
        ? 0
        : Math.min(
            sigmaNext,
            eta * Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2)
          )
    const sigmaDown = Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp)
    const next = new Float64Array(x.length)
    const k = sigmaDown / sigma
    for (let j = 0; j < next.length; j++) next[j] = den[j] + k * (x[j] - den[j])
    if (sigmaUp > 0) {
      const z = options.noise.randn(shape).data
      for (let j = 0; j < next.length; j++) next[j] += sigmaUp * z[j]
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const ddim: SamplerInfo = {
  name: 'ddim',
  label: 'DDIM',
  description: 'DDIM; deterministic at the default η = 0, η > 0 adds fresh noise each step.',
  order: 1,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Song, Meng & Ermon 2021 (DDIM), eqs. 12 and 16',
  params: ddimParams,
  sample: sampleDdim
}

const inversionParams: readonly SamplerParam[] = [
  {
    name: 'evaluate',
    description:
      "Where ε̂ is evaluated: 'current' D(x; σ) (explicit Euler, more accurate), 'next' D(x; σ_next) as diffusers DDIMInverseScheduler",
    default: 'current',
    choices: ['next', 'current']
  }
]

export const sampleDdimInversion: Sampler = async (denoise, x0, sigmas, options) => {
  const evaluate = choiceParam(inversionParams, options.extra, 'evaluate')
  const shape = x0.shape
  let x = start(x0, sigmas)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    if (!(sigmaNext > sigma)) throw new RangeError('DDIM inversion needs strictly ascending sigmas')
    // ε̂ cannot be formed at σ = 0, so a start at 0 always evaluates at σ_next.
    const sEval = evaluate === 'next' || sigma === 0 ? sigmaNext : sigma
    const den = await denoiseChecked(denoise, x, shape, sEval, options.signal)
    const k = (sigmaNext - sigma) / sEval
    const next = new Float64Array(x.length)
    for (let j = 0; j < next.length; j++) next[j] = x[j] + k * (x[j] - den[j])
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const ddimInversion: SamplerInfo = {
  name: 'ddim-inversion',
  purpose: 'invert',
  label: 'DDIM inversion',
  description: 'Runs deterministic DDIM backwards (σ ascending) to map an image to its noise.',
  order: 1,
  callsPerStep: 1,
  stochastic: false,
  reference: 'Song, Meng & Ermon 2021 (DDIM), §4.3 / eq. 13; diffusers DDIMInverseScheduler',
  params: inversionParams,
  sample: sampleDdimInversion
}
