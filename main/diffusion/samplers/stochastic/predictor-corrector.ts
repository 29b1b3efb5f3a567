// Predictor–corrector samplers for the VE and VP SDEs (Song et al. 2021, "Score-Based Generative
// Modeling through SDEs", Alg. 2 (VE) and Alg. 3 (VP)), written on the denoiser in σ-space with
//   score s(x; σ) = ∇x log p_σ(x) = (D(x; σ) − x)/σ²   (Tweedie; x = x0 + σ·n).
// Shapes: x, D, s, z all [B, ...].
//
// σ-space view of the VP SDE: with x̃ = x_vp/sqrt(ᾱ), dx_vp = −½β x_vp dt + sqrt(β) dw becomes
// dx̃ = sqrt(dσ²/dt) dw with σ² = 1/ᾱ − 1, the VE SDE. So both variants share the σ-space process; they
// differ in the discretisation of the predictor (written in VP space and mapped back through
// x̃ = x_vp/sqrt(ᾱ), ᾱ = 1/(1 + σ²), s_vp = s/sqrt(ᾱ)) and in the corrector's α factor.
//
// Per level σ_i (σ = σ_i, σ' = σ_{i+1}), as in score_sde `pc_sampler` the CORRECTOR RUNS BEFORE THE
// PREDICTOR (score_sde_pytorch issue #50; the paper's Alg. 2/3 list the predictor first):
//   corrector (`n_corrector` times):  x ← x + ε·s + sqrt(2ε)·z, with ε from
//     `langevin` (Alg. 2/3):       ε = 2α·(snr·‖z‖/‖s‖)²
//     `ald` (score_sde's AnnealedLangevinDynamics corrector): ε = 2α·(snr·σ)²  (σ-space marginal std;
//       the VP form 2α(snr·sqrt(1 − ᾱ))² in VP space is the same move in σ-space)
//     α = 1 (VE); α = ᾱ(σ)/ᾱ(σ') = (1 + σ'²)/(1 + σ²) (VP, the per-step α_i of the grid).
//     ‖·‖ is per batch element, as in the paper (score_sde averages the norms over the batch, which
//     would make sample b depend on the batch). Per element, ε depends on the state through 1/‖s‖²,
//     which inflates the stationary variance of a Gaussian by about (1 + snr²)(d + 2)/(d − 2) in d
//     dimensions (E[1/χ²_d] = 1/(d − 2)): negligible for images, large for d ≤ 8 and unbounded for
//     d ≤ 2. Use `ald` for low-dimensional data.
//   predictor, VE:
//     reverse-diffusion:  x ← x + (σ² − σ'²)·s + sqrt(σ² − σ'²)·z
//     euler-maruyama:     g²Δt = 2σ²·ln(σ/σ')  (σ(t) geometric, left point),  x ← x + g²Δt·s + sqrt(g²Δt)·z
//     ancestral:          DDPM/SMLD posterior step, fixed-small variance (ddpm.ts)
//   predictor, VP (α = (1 + σ'²)/(1 + σ²), β = 1 − α), mapped from VP space:
//     reverse-diffusion:  x_vp' = (2 − √α)·x_vp + β·s_vp + √β·z
//       ⇒ x ← (2 − √α)√α·x + β·sqrt((1 + σ²)(1 + σ'²))·s + sqrt(β(1 + σ'²))·z
//     euler-maruyama:     Δ = ∫β dt = ln(1 + σ²) − ln(1 + σ'²) (exact integral, no β(t) table needed)
//       x_vp' = (1 + Δ/2)·x_vp + Δ·s_vp + √Δ·z ⇒ x ← √α(1 + Δ/2)·x + Δ·sqrt((1 + σ²)(1 + σ'²))·s + sqrt(Δ(1 + σ'²))·z
//     ancestral:          DDPM step with fixed-large variance (score_sde's VP ancestral predictor)
//   last level (σ' = 0): the predictor is the denoising step x ← x + σ²·s = D (score_sde's
//   `noise_removal`), no noise and no log(0).
// Calls per step: n_corrector + 1.

import type {
  Denoiser,
  NoiseSource,
  Sampler,
  SamplerInfo,
  SamplerOptions,
  Tensor
} from '../../types'
import { callDenoiser, checkSigmas, choiceParam, intParam, numberParam, reportStep } from './common'
import { ddpmStepVariance, posteriorStep } from './ddpm'

export type SdeKind = 've' | 'vp'
export type Predictor = 'reverse-diffusion' | 'euler-maruyama' | 'ancestral'
const PREDICTORS = ['reverse-diffusion', 'euler-maruyama', 'ancestral'] as const

export type Corrector = 'langevin' | 'ald'
const CORRECTORS = ['langevin', 'ald'] as const

/** One Langevin corrector move at σ with the snr step rule (`langevin` or `ald`); returns the new x. */
export async function langevinCorrect(
  denoise: Denoiser,
  x: Tensor,
  sigma: number,
  snr: number,
  alpha: number,
  noise: NoiseSource,
  signal: AbortSignal | undefined,
  rule: Corrector = 'langevin'
): Promise<Tensor> {
  const denoised = await callDenoiser(denoise, x, sigma, signal)
  const z = noise.randn(x.shape).data
  const xs = x.data
  const ds = denoised.data
  const batch = x.shape[0]
  const per = batch === 0 ? 0 : xs.length / batch
  const inv = 1 / (sigma * sigma)
  const out = new Float64Array(xs.length)
  for (let b = 0; b < batch; b++) {
    let gradSq = 0
    let noiseSq = 0
    for (let k = b * per; k < (b + 1) * per; k++) {
      const g = (ds[k] - xs[k]) * inv
      gradSq += g * g
      noiseSq += z[k] * z[k]
    }
    // langevin: ε = 2α(snr·‖z‖/‖s‖)² (a zero score gets no move); ald: ε = 2α(snr·σ)².
    const eps =
      rule === 'ald'
        ? 2 * alpha * snr * snr * sigma * sigma
        : gradSq > 0
          ? (2 * alpha * snr * snr * noiseSq) / gradSq
          : 0
    const amp = Math.sqrt(2 * eps)
    for (let k = b * per; k < (b + 1) * per; k++) {
      out[k] = xs[k] + eps * (ds[k] - xs[k]) * inv + amp * z[k]
    }
  }
  return { shape: [...x.shape], data: out }
}

/** Predictor move σ → σ' > 0 given D(x; σ); see header for the formulas. */
function predict(
  kind: SdeKind,
  predictor: Predictor,
  x: Tensor,
  denoised: Tensor,
  sigma: number,
  sigmaNext: number,
  noise: NoiseSource
): Tensor {
  if (predictor === 'ancestral') {
    const variance = ddpmStepVariance(
      sigma,
      sigmaNext,
      kind === 've' ? 'fixed-small' : 'fixed-large'
    )
    return posteriorStep(x, denoised, sigma, sigmaNext, variance, noise.randn(x.shape))
  }
  const s2 = sigma * sigma
  const n2 = sigmaNext * sigmaNext
  // x' = a·x + b·s + c·z with s = (D − x)/σ².
  let a: number
  let b: number
  let c: number
  if (kind === 've') {
    const g2dt = predictor === 'reverse-diffusion' ? s2 - n2 : 2 * s2 * Math.log(sigma / sigmaNext)
    a = 1
    b = g2dt
    c = Math.sqrt(g2dt)
  } else {
    const alpha = (1 + n2) / (1 + s2)
    const scale = Math.sqrt((1 + s2) * (1 + n2))
    if (predictor === 'reverse-diffusion') {
      const beta = 1 - alpha
      a = (2 - Math.sqrt(alpha)) * Math.sqrt(alpha)
      b = beta * scale
      c = Math.sqrt(beta * (1 + n2))
    } else {
      const delta = Math.log1p(s2) - Math.log1p(n2)
      a = Math.sqrt(alpha) * (1 + delta / 2)
      b = delta * scale
      c = Math.sqrt(delta * (1 + n2))
    }
  }
  const z = noise.randn(x.shape).data
  const xs = x.data
  const ds = denoised.data
  const out = new Float64Array(xs.length)
  const bs = b / s2
  for (let k = 0; k < xs.length; k++) out[k] = a * xs[k] + bs * (ds[k] - xs[k]) + c * z[k]
  return { shape: [...x.shape], data: out }
}

function pcSampler(kind: SdeKind): Sampler {
  return async (denoise: Denoiser, x: Tensor, sigmas: Float64Array, options: SamplerOptions) => {
    const n = checkSigmas(sigmas)
    const predictor = choiceParam(options.extra, 'predictor', 'reverse-diffusion', PREDICTORS)
    const snr = numberParam(options.extra, 'snr', 0.16, 0)
    const nCorrector = intParam(options.extra, 'n_corrector', 1, 0)
    const rule = choiceParam(options.extra, 'corrector', 'langevin', CORRECTORS)
    let cur = x
    for (let i = 0; i < n; i++) {
      const sigma = sigmas[i]
      const sigmaNext = sigmas[i + 1]
      const alpha = kind === 've' ? 1 : (1 + sigmaNext * sigmaNext) / (1 + sigma * sigma)
      for (let j = 0; j < nCorrector; j++) {
        cur = await langevinCorrect(
          denoise,
          cur,
          sigma,
          snr,
          alpha,
          options.noise,
          options.signal,
          rule
        )
      }
      const denoised = await callDenoiser(denoise, cur, sigma, options.signal)
      cur =
        sigmaNext === 0
          ? { shape: [...cur.shape], data: denoised.data.slice() }
          : predict(kind, predictor, cur, denoised, sigma, sigmaNext, options.noise)
      reportStep(options, i, n, sigma, sigmaNext, cur, denoised)
    }
    return cur
  }
}

export const samplePcVe = pcSampler('ve')
export const samplePcVp = pcSampler('vp')

function pcParams(): SamplerInfo['params'] {
  return [
    {
      name: 'predictor',
      description: 'reverse-diffusion, euler-maruyama or ancestral',
      default: 'reverse-diffusion',
      choices: PREDICTORS
    },
    {
      name: 'snr',
      description: 'Langevin corrector signal-to-noise ratio r',
      default: 0.16,
      min: 0
    },
    {
      name: 'n_corrector',
      description: 'Langevin steps per level (0 = predictor only)',
      default: 1,
      min: 0
    }
  ]
}

export const pcVe: SamplerInfo = {
  name: 'pc-ve',
  label: 'Predictor–corrector (VE SDE)',
  description:
    'Reverse-SDE predictor + Langevin corrector (corrector first, as score_sde); VE form.',
  order: 1,
  callsPerStep: 2,
  stochastic: true,
  reference: 'Song et al. 2021 (Score SDE) Alg. 2; score_sde_pytorch sampling.py pc_sampler',
  params: pcParams(),
  sample: samplePcVe
}

export const pcVp: SamplerInfo = {
  name: 'pc-vp',
  label: 'Predictor–corrector (VP SDE)',
  description:
    'VP-SDE predictor mapped to σ-space + Langevin corrector with α_i (corrector first).',
  order: 1,
  callsPerStep: 2,
  stochastic: true,
  reference: 'Song et al. 2021 (Score SDE) Alg. 3; score_sde_pytorch sampling.py pc_sampler',
  params: pcParams(),
  sample: samplePcVp
}
