// Mask blending for latent (or any non-inpainting) models: keep a known latent where mask = 1 by
// showing the model the known latent noised to the current σ and returning it as the x0 estimate
// there. As a Denoiser wrapper it works with every sampler (multistep ones included):
//   x̃  = m ⊙ (x_known + σ·ε) + (1 − m) ⊙ x          (ε fixed, drawn once per sample)
//   D' = m ⊙ x_known + (1 − m) ⊙ D(x̃; σ)
// With D' = x_known on the known region the PF-ODE there is dx/dσ = (x − x_known)/σ, whose solution
// keeps x = x_known + σ·(x_T − x_known)/σ_T; all σ-space solvers integrate it exactly and every sampler's
// last step (x = D') returns x_known there. `blendKnown` is the per-step form (diffusers legacy
// inpainting: latents = m·add_noise(init, ε, σ) + (1 − m)·latents) for loops that step by hand.
// Shapes: x, known, mask, ε [B, ...] (known/mask/ε may be [1, ...]).

import type { Denoiser, Tensor } from '../types'

export interface MaskBlend {
  readonly known: Tensor
  /** 1 = keep the known latent; fractional values blend linearly. */
  readonly mask: Tensor
  /** Fixed noise ε for the known region (e.g. the sampler's initial noise / σ₀). */
  readonly noise: Tensor
}

function at(t: Tensor, n: number): (k: number) => number {
  const per = t.data.length
  if (per === 0 || n % per !== 0)
    throw new RangeError(`[${t.shape}] does not broadcast to ${n} values`)
  return (k) => t.data[k % per]
}

/** m ⊙ (known + σ·ε) + (1 − m) ⊙ x, a new tensor of x's shape. */
export function blendKnown(x: Tensor, blend: MaskBlend, sigma: number): Tensor {
  const n = x.data.length
  const known = at(blend.known, n)
  const mask = at(blend.mask, n)
  const eps = at(blend.noise, n)
  const out = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    const m = mask(k)
    out[k] = m * (known(k) + sigma * eps(k)) + (1 - m) * x.data[k]
  }
  return { shape: [...x.shape], data: out }
}

export function maskBlendDenoiser(denoise: Denoiser, blend: MaskBlend): Denoiser {
  return async (x, sigma) => {
    const d = await denoise(blendKnown(x, blend, sigma), sigma)
    const n = x.data.length
    const known = at(blend.known, n)
    const mask = at(blend.mask, n)
    const out = new Float64Array(n)
    for (let k = 0; k < n; k++) {
      const m = mask(k)
      out[k] = m * known(k) + (1 - m) * d.data[k]
    }
    return { shape: [...x.shape], data: out }
  }
}
