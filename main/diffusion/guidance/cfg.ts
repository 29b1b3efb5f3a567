// Classifier-free guidance (Ho & Salimans 2022, eq. 6) as a Denoiser wrapper, in σ-space:
//   D_cfg(x; σ) = D_u + w·(D_c − D_u),   D_c = D(x; σ, cond), D_u = D(x; σ, negative)
// CFG is affine in the model output, so mixing D equals mixing ε or v at the same σ (samplers.md §0).
// w = 1 is the conditional model, w = 0 the unconditional (or negative) one; "negative conditioning"
// is simply the negative prompt in the unconditional branch.
// Guidance rescale (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed",
// §3.4, eq. 15-17), per batch element with std over all non-batch entries:
//   R = R_cfg·std(R_c)/std(R_cfg),   R_final = φ·R + (1 − φ)·R_cfg
// where R is the prediction being rescaled: x0 = D (the paper's x0 form, default) or ε = (x − D)/σ
// (diffusers `rescale_noise_cfg`); the two differ because std is not affine-invariant.
// Shapes: x, D_c, D_u [B, ...]; the batched wrapper calls the model once on [2B, ...].

import type { Denoiser, Tensor } from '../types'

/** A model with a condition: D(x; σ, c) with x = x0 + σ·n, x [B, ...] → [B, ...]. */
export type ConditionalDenoiser<C> = (x: Tensor, sigma: number, cond: C) => Promise<Tensor>

export interface GuidanceOptions {
  /** Guidance weight w (1 = no guidance). */
  readonly scale: number
  /** Guidance rescale φ ∈ [0, 1] (0 = off). */
  readonly rescale?: number
  /** Prediction the rescale acts on: 'x0' (Lin et al.) or 'eps' (diffusers). Default 'x0'. */
  readonly rescaleSpace?: 'x0' | 'eps'
}

function std(data: Float64Array, from: number, to: number): number {
  const n = to - from
  let mean = 0
  for (let k = from; k < to; k++) mean += data[k]
  mean /= n
  let ss = 0
  for (let k = from; k < to; k++) ss += (data[k] - mean) ** 2
  return Math.sqrt(ss / n)
}

/** D_u + w(D_c − D_u), then the optional rescale; all [B, ...]. */
export function combineGuidance(
  x: Tensor,
  sigma: number,
  uncond: Tensor,
  cond: Tensor,
  options: GuidanceOptions
): Tensor {
  const w = options.scale
  const phi = options.rescale ?? 0
  const u = uncond.data
  const c = cond.data
  const out = new Float64Array(u.length)
  for (let k = 0; k < out.length; k++) out[k] = u[k] + w * (c[k] - u[k])
  if (phi === 0) return { shape: [...x.shape], data: out }
  if (!(phi >= 0 && phi <= 1)) throw new RangeError(`rescale φ must be in [0, 1], got ${phi}`)
  const eps = options.rescaleSpace === 'eps'
  if (eps && !(sigma > 0)) throw new RangeError('eps-space rescale needs σ > 0')
  // Work on R = D or ε = (x − D)/σ.
  const toR = (d: Float64Array) => (eps ? d.map((v, k) => (x.data[k] - v) / sigma) : d)
  const rc = toR(c)
  const rg = toR(out)
  const batch = x.shape[0]
  const per = batch === 0 ? 0 : out.length / batch
  for (let b = 0; b < batch; b++) {
    const sc = std(rc, b * per, (b + 1) * per)
    const sg = std(rg, b * per, (b + 1) * per)
    const factor = sg > 0 ? phi * (sc / sg) + (1 - phi) : 1
    for (let k = b * per; k < (b + 1) * per; k++) rg[k] *= factor
  }
  const data = eps ? rg.map((v, k) => x.data[k] - sigma * v) : rg
  return { shape: [...x.shape], data }
}

/**
 * CFG with two model calls per evaluation (cond, then negative). w = 1 skips the negative branch,
 * w = 0 the conditional one.
 */
export function classifierFreeGuidance<C>(
  model: ConditionalDenoiser<C>,
  cond: C,
  negative: C,
  options: GuidanceOptions
): Denoiser {
  return async (x, sigma) => {
    if (options.scale === 1 && !options.rescale) return model(x, sigma, cond)
    if (options.scale === 0 && !options.rescale) return model(x, sigma, negative)
    const c = await model(x, sigma, cond)
    const u = await model(x, sigma, negative)
    return combineGuidance(x, sigma, u, c, options)
  }
}

/** [a; b] along the batch axis. */
export function concatBatch(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== b.shape.length || a.shape.some((d, k) => k > 0 && d !== b.shape[k])) {
    throw new RangeError(`cannot concatenate [${a.shape}] and [${b.shape}]`)
  }
  const data = new Float64Array(a.data.length + b.data.length)
  data.set(a.data)
  data.set(b.data, a.data.length)
  return { shape: [a.shape[0] + b.shape[0], ...a.shape.slice(1)], data }
}

/**
 * CFG in one model call on a batch of 2B: x is duplicated to [x; x] and the model gets `pair`, the
 * conditions of that doubled batch in the order [negative (B); cond (B)] (diffusers order). For tensor
 * conditions build it with concatBatch(negative, cond).
 */
export function batchedClassifierFreeGuidance<C>(
  model: ConditionalDenoiser<C>,
  pair: C,
  options: GuidanceOptions
): Denoiser {
  return async (x, sigma) => {
    const both = await model(concatBatch(x, x), sigma, pair)
    const half = x.data.length
    if (both.data.length !== 2 * half) {
      throw new RangeError(`model returned ${both.data.length} values for a batch of 2×${half}`)
    }
    const u = { shape: [...x.shape], data: both.data.subarray(0, half) }
    const c = { shape: [...x.shape], data: both.data.subarray(half) }
    return combineGuidance(x, sigma, u, c, options)
  }
}
