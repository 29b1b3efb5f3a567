// DPM-Solver++ SDE (k-diffusion `sample_dpmpp_sde`): single-step order 2 with an ancestral split at the
// intermediate point s (fraction r of the log-σ step) and at the end. σ-space, λ = −log σ. Shapes [B, ...].
//   h = log σ − log σ_next, σ_s = σ^{1−r}·σ_next^r, fac = 1/(2r)
//   (σ_d1, σ_u1) = ancestral(σ → σ_s):  x₂ = (σ_d1/σ)·x − expm1(−log(σ/σ_d1))·D + σ_u1·z₁
//   D_d = (1 − fac)·D + fac·D(x₂; σ_s)
//   (σ_d2, σ_u2) = ancestral(σ → σ_next): x = (σ_d2/σ)·x − expm1(−log(σ/σ_d2))·D_d + σ_u2·z₂
// (expm1(−log(σ/σ_d)) = σ_d/σ − 1, so the updates are affine in x and D.)
// Last step (σ_next = 0) is one Euler step: x = D.
//
// Noise, documented deviation: k-diffusion draws z₁, z₂ from a Brownian tree W(σ) as normalised
// increments over [σ_s, σ] and [σ_next, σ]; the two intervals overlap, so z₁ and z₂ are correlated
// with ρ = sqrt((σ − σ_s)/(σ − σ_next)). We draw two independent per-step normals a, b and set
//   z₁ = a,  z₂ = ρ·a + sqrt(1 − ρ²)·b
// which is the same joint law (W has independent Gaussian increments; later steps use disjoint
// intervals). What is lost is only the tree's pathwise consistency between different step counts;
// what is gained is per-batch-element streams (sample b is independent of the batch size).

import type { Sampler, SamplerInfo } from '../../types'
import {
  ancestralStep,
  callDenoiser,
  checkSigmas,
  combine,
  numberParam,
  reportStep
} from './common'

export const sampleDpmppSde: Sampler = async (denoise, x, sigmas, options) => {
  const n = checkSigmas(sigmas)
  const eta = numberParam(options.extra, 'eta', 1, 0)
  const sNoise = numberParam(options.extra, 's_noise', 1, 0)
  const r = numberParam(options.extra, 'r', 0.5, 0.01, 1)
  let cur = x
  for (let i = 0; i < n; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
    if (sigmaNext === 0) {
      cur = combine(cur, 0, denoised, 1)
    } else {
      const sigmaS = Math.exp((1 - r) * Math.log(sigma) + r * Math.log(sigmaNext))
      const fac = 1 / (2 * r)
      const first = ancestralStep(sigma, sigmaS, eta)
      const second = ancestralStep(sigma, sigmaNext, eta)
      const stochastic = first.sigmaUp > 0 || second.sigmaUp > 0
      const a = stochastic ? options.noise.randn(cur.shape).data : undefined
      const b = stochastic ? options.noise.randn(cur.shape).data : undefined
      const rho = Math.sqrt((sigma - sigmaS) / (sigma - sigmaNext))
      const rhoC = Math.sqrt(1 - rho * rho)
      // Step 1 to σ_s.
      const q1 = first.sigmaDown / sigma
      const x2 = combine(cur, q1, denoised, 1 - q1)
      if (a !== undefined) {
        const c = sNoise * first.sigmaUp
        const xs = x2.data
        for (let k = 0; k < xs.length; k++) xs[k] += c * a[k]
      }
      const denoised2 = await callDenoiser(denoise, x2, sigmaS, options.signal)
      // Step 2 to σ_next with D_d.
      const q2 = second.sigmaDown / sigma
      const xs = cur.data
      const ds = denoised.data
      const d2s = denoised2.data
      const out = new Float64Array(xs.length)
      const c2 = sNoise * second.sigmaUp
      for (let k = 0; k < xs.length; k++) {
        const dd = (1 - fac) * ds[k] + fac * d2s[k]
        out[k] = q2 * xs[k] + (1 - q2) * dd
        if (a !== undefined && b !== undefined) out[k] += c2 * (rho * a[k] + rhoC * b[k])
      }
      cur = { shape: [...cur.shape], data: out }
    }
    reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
  }
  return cur
}

export const dpmppSde: SamplerInfo = {
  name: 'dpmpp-sde',
  label: 'DPM++ SDE',
  description:
    'Single-step order-2 SDE solver (k-diffusion); per-step noise with the tree’s correlation.',
  order: 2,
  callsPerStep: 2,
  stochastic: true,
  reference: 'k-diffusion sample_dpmpp_sde; Lu et al. 2022b (DPM-Solver++) single-step order 2',
  params: [
    { name: 'eta', description: 'ancestral noise fraction η', default: 1, min: 0 },
    { name: 's_noise', description: 'multiplier on the added noise', default: 1, min: 0 },
    {
      name: 'r',
      description: 'intermediate point as a fraction of the log-σ step',
      default: 0.5,
      min: 0,
      max: 1
    }
  ],
  sample: sampleDpmppSde
}
