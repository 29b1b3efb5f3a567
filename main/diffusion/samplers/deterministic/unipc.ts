// UniPC (Zhao et al. 2023, "UniPC: a unified predictor-corrector framework"), data prediction,
// variants B(h) = h (bh1) and B(h) = e^h − 1 (bh2); Alg. 2 (UniP-p) + Alg. 1 (UniC-p), following the
// diffusers UniPCMultistepScheduler update with the coefficient systems always solved (no 0.5
// short-cut, diffusers PR #11612; `rho_shortcut` restores it). In σ-space: λ = −ln σ, h = λ_t − λ_s, hh = −h,
//   x_t = (σ_t/σ_s)·x_s − (e^{hh} − 1)·m_0 − B(hh)·Σ_k ρ_k·D_k,   D_k = (m_k − m_0)/r_k,
// r_k = (λ_{s_k} − λ_s)/h for the past points (r = 1 for the new point in the corrector), and ρ solves
// R ρ = b with R_{ik} = r_k^{i−1}, b_i = i!·φ_{i+1}(hh)/B(hh), φ_{k+1} = (φ_k − 1/k!)/hh, φ_1 = (e^{hh} − 1)/hh.
// With every system solved, ρ ∝ 1/B and the update ∝ B, so B cancels and bh1 ≡ bh2; the variants
// differ only under the reference code's ρ = 0.5 short-cut (rho_shortcut: true).
// The corrector re-uses the model output at the predicted point (no extra call); the step into σ = 0
// is x = D. x, m: [B, ...].

import type { Denoiser, SamplerInfo, SamplerOptions, SamplerParam, Tensor } from '../../types'
import { lin2 } from '../../tensor'
import { booleanParam, denoiseChecked, numberParam, reportStep, start } from './common'

/** Solves the small dense system A·y = b (Gaussian elimination, partial pivoting). */
export function solveSmall(a: number[][], b: number[]): number[] {
  const n = b.length
  const m = a.map((row, i) => [...row.slice(0, n), b[i]])
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r
    ;[m[c], m[p]] = [m[p], m[c]]
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c]
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k]
    }
  }
  const y = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n]
    for (let k = r + 1; k < n; k++) s -= m[r][k] * y[k]
    y[r] = s / m[r][r]
  }
  return y
}

/** ρ of the UniPC system for nodes rks (last entry is the corrector's r = 1 when present). */
export function unipcRhos(
  rks: readonly number[],
  hh: number,
  bh: number,
  shortcut = false
): number[] {
  const n = rks.length
  // Reference UniPC / diffusers: a 1×1 system is not solved but set to ρ = 0.5.
  if (shortcut && n === 1) return [0.5]
  const R: number[][] = []
  const b: number[] = []
  let hPhiK = Math.expm1(hh) / hh - 1
  let factorial = 1
  for (let i = 1; i <= n; i++) {
    R.push(rks.map((r) => r ** (i - 1)))
    b.push((hPhiK * factorial) / bh)
    factorial *= i + 1
    hPhiK = hPhiK / hh - 1 / factorial
  }
  return solveSmall(R, b)
}

/**
 * One UniPC update from (x_s, σ_s) to σ_t: m0 = D at σ_s, past = [(σ_k, m_k)] older points newest
 * first; `mt` (corrector only) is the model output at σ_t.
 */
function unipcUpdate(
  variant: 'bh1' | 'bh2',
  x: Float64Array,
  sigmaS: number,
  sigmaT: number,
  m0: Float64Array,
  past: readonly { sigma: number; m: Float64Array }[],
  mt: Float64Array | undefined,
  shortcut: boolean
): Float64Array {
  const len = x.length
  const h = Math.log(sigmaS / sigmaT)
  const hh = -h
  const bh = variant === 'bh1' ? hh : Math.expm1(hh)
  const ratio = sigmaT / sigmaS
  const out = lin2(new Float64Array(len), ratio, x, -Math.expm1(hh), m0)
  const rks = past.map((p) => Math.log(sigmaS / p.sigma) / h) // (λ_k − λ_s)/h, negative
  if (mt) rks.push(1)
  if (rks.length === 0) return out
  const rho = unipcRhos(rks, hh, bh, shortcut)
  for (let k = 0; k < past.length; k++) {
    const c = (-bh * rho[k]) / rks[k]
    const mk = past[k].m
    for (let j = 0; j < len; j++) out[j] += c * (mk[j] - m0[j])
  }
  if (mt) {
    const c = -bh * rho[rks.length - 1]
    for (let j = 0; j < len; j++) out[j] += c * (mt[j] - m0[j])
  }
  return out
}

const params: readonly SamplerParam[] = [
  {
    name: 'order',
    description: 'Predictor order p (UniC raises it to p + 1)',
    default: 2,
    min: 1,
    max: 3
  },
  { name: 'corrector', description: 'Apply the UniC corrector', default: true },
  {
    name: 'lower_order_final',
    description:
      'Order ≤ remaining steps near the end (diffusers lower_order_final, for short lists)',
    default: false
  },
  {
    name: 'rho_shortcut',
    description:
      'Set ρ = 0.5 for 1×1 systems like the UniPC/diffusers code (else solve; then bh1 ≡ bh2)',
    default: false
  }
]

async function unipcLoop(
  variant: 'bh1' | 'bh2',
  denoise: Denoiser,
  x0: Tensor,
  sigmas: Float64Array,
  options: SamplerOptions
): Promise<Tensor> {
  const order = Math.round(numberParam(params, options.extra, 'order'))
  const useCorrector = booleanParam(params, options.extra, 'corrector')
  const shortcut = booleanParam(params, options.extra, 'rho_shortcut')
  const lowerOrderFinal = booleanParam(params, options.extra, 'lower_order_final')
  const n = sigmas.length - 1
  const shape = x0.shape
  let x = start(x0, sigmas)
  const hist: { sigma: number; m: Float64Array }[] = [] // newest first
  let last: { x: Float64Array; order: number } | undefined
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const sigma = sigmas[i]
    const sigmaNext = sigmas[i + 1]
    const den = await denoiseChecked(denoise, x, shape, sigma, options.signal)
    if (last && useCorrector) {
      // UniC: correct x_i with the output just computed at it, then predict from the corrected x_i.
      const [prev, ...older] = hist
      x = unipcUpdate(
        variant,
        last.x,
        prev.sigma,
        sigma,
        prev.m,
        older.slice(0, last.order - 1),
        den,
        shortcut
      )
    }
    hist.unshift({ sigma, m: den })
    if (hist.length > order) hist.pop()
    const thisOrder =
      sigmaNext === 0 ? 1 : Math.min(order, hist.length, lowerOrderFinal ? n - i : order)
    const next =
      sigmaNext === 0
        ? den.slice()
        : unipcUpdate(
            variant,
            x,
            sigma,
            sigmaNext,
            den,
            hist.slice(1, thisOrder),
            undefined,
            shortcut
          )
    last = { x, order: thisOrder }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

const info = (variant: 'bh1' | 'bh2'): SamplerInfo => ({
  name: `unipc-${variant}`,
  label: `UniPC (${variant === 'bh1' ? 'B(h) = h' : 'B(h) = eʰ − 1'})`,
  description: `Multistep predictor UniP with the free corrector UniC, ${variant} variant.`,
  order: 3,
  callsPerStep: 1,
  stochastic: false,
  reference: `Zhao et al. 2023 (UniPC), Algs. 1–2, ${variant === 'bh1' ? 'B_1(h) = h' : 'B_2(h) = e^h − 1'}`,
  params,
  sample: (denoise, x, sigmas, options) => unipcLoop(variant, denoise, x, sigmas, options)
})

export const unipcBh1 = info('bh1')
export const unipcBh2 = info('bh2')
