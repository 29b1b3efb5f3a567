// Classifier guidance (Dhariwal & Nichol 2021, Alg. 1/2 and §4.1) as a Denoiser wrapper, σ-space.
//
// Contract of the gradient model (`ClassifierGradient`):
//   inputs  x_t  [B, ...] in σ-space (x = x0 + σ·n), the noise level σ (one per batch), labels y
//   output  ∇_x log p(y | x_t) with x's shape [B, ...]
// ORT gives no autograd, so this is an exported graph that computes the gradient itself (e.g. a
// module returning torch.autograd.grad(log_softmax(f(x, t))[y].sum(), x), exported to ONNX).
// A classifier trained on VP inputs x_vp = x/sqrt(1 + σ²) at timestep t(σ) is adapted by the chain rule:
// ∇_x = ∇_{x_vp}/sqrt(1 + σ²); the σ → t map is the model adapter's job (denoisers/).
//
// Update: with score ∇log p_σ(x) = (D − x)/σ², guidance adds s·∇log p(y | x) to the score, so
//   D'(x; σ) = D(x; σ) + s·σ²·∇_x log p(y | x)
// the σ-space form of ε̂' = ε̂ − sqrt(1 − ᾱ)·s·∇_{x_vp} log p(y | x_vp) (σ = sqrt(1 − ᾱ)/sqrt(ᾱ)).
// Since σ²·∇log p(y | x) = D_c − D_u (Bayes), scale s on an unconditional D is CFG with w = s (s = 1
// gives the class posterior mean exactly), and on a conditional D it is CFG with w = 1 + s.

import type { Denoiser, Tensor } from '../types'

/** ∇_x log p(y | x_t) for σ-space x_t [B, ...]; returns [B, ...]. */
export type ClassifierGradient<L> = (x: Tensor, sigma: number, labels: L) => Promise<Tensor>

export function classifierGuidance<L>(
  denoise: Denoiser,
  gradient: ClassifierGradient<L>,
  labels: L,
  scale: number
): Denoiser {
  return async (x, sigma) => {
    const d = await denoise(x, sigma)
    if (scale === 0) return d
    const g = await gradient(x, sigma, labels)
    if (g.data.length !== d.data.length) {
      throw new RangeError(
        `classifier gradient has ${g.data.length} values, expected ${d.data.length}`
      )
    }
    const c = scale * sigma * sigma
    return { shape: [...d.shape], data: d.data.map((v, k) => v + c * g.data[k]) }
  }
}
