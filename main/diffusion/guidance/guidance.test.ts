// Gaussian class-conditional toy: y ∈ {0, 1} with prior π, x0 | y ~ N(μ_y, s²I) in d = 3.
// At noise σ (v = s² + σ²): D_y = μ_y + (s²/v)(x − μ_y); the unconditional D is the 2-component
// mixture denoiser; p(y | x) ∝ π_y N(x; μ_y, vI), so ∇_x log p(y | x) = (μ_y − Σ_k r_k μ_k)/v.

import { describe, expect, it } from 'vitest'
import { createMixture, mixtureDenoise } from '../testing/mixture'
import type { Tensor } from '../types'
import {
  batchedClassifierFreeGuidance,
  classifierFreeGuidance,
  combineGuidance,
  concatBatch
} from './cfg'
import { classifierGuidance } from './classifier'

const s = 0.5
const mus = [
  [1, -1, 0.5],
  [-2, 0.3, 1]
]
const prior = [0.3, 0.7]
const uncond = createMixture(mus, s, prior)
const classOnly = mus.map((m) => createMixture([m], s))
const x: Tensor = { shape: [2, 3], data: Float64Array.from([0.2, 0.1, -0.4, 3, -2, 0.7]) }
const sigma = 1.7

/** Model with labels as conditions: label −1 is the unconditional (null) condition. */
const model = async (y: Tensor, sg: number, label: number) =>
  label < 0 ? mixtureDenoise(uncond, y, sg) : mixtureDenoise(classOnly[label], y, sg)

/** Exact ∇_x log p(label | x) per row. */
const gradient = async (y: Tensor, sg: number, label: number): Promise<Tensor> => {
  const v = s * s + sg * sg
  const out = new Float64Array(y.data.length)
  for (let b = 0; b < y.shape[0]; b++) {
    const row = y.data.subarray(3 * b, 3 * b + 3)
    const logw = mus.map(
      (m, k) => Math.log(prior[k]) - m.reduce((a, mj, j) => a + (row[j] - mj) ** 2, 0) / (2 * v)
    )
    const mx = Math.max(...logw)
    const w = logw.map((l) => Math.exp(l - mx))
    const z = w[0] + w[1]
    for (let j = 0; j < 3; j++) {
      const mean = (w[0] * mus[0][j] + w[1] * mus[1][j]) / z
      out[3 * b + j] = (mus[label][j] - mean) / v
    }
  }
  return { shape: [...y.shape], data: out }
}

const close = (a: Tensor, b: Tensor, digits = 12) =>
  a.data.forEach((v, k) => expect(v).toBeCloseTo(b.data[k], digits))

describe('classifier guidance (Dhariwal & Nichol 2021)', () => {
  it('scale 1 turns the unconditional denoiser into the class posterior mean D_y (Bayes)', async () => {
    for (const label of [0, 1]) {
      const guided = classifierGuidance((y, sg) => model(y, sg, -1), gradient, label, 1)
      close(await guided(x, sigma), await model(x, sigma, label))
    }
  })
  it('scale s on D_u equals CFG with w = s, on D_c with w = 1 + s (∇log p(y|x) = (D_c − D_u)/σ²)', async () => {
    const onU = classifierGuidance((y, sg) => model(y, sg, -1), gradient, 1, 2.5)
    close(await onU(x, sigma), await classifierFreeGuidance(model, 1, -1, { scale: 2.5 })(x, sigma))
    const onC = classifierGuidance((y, sg) => model(y, sg, 1), gradient, 1, 2.5)
    close(await onC(x, sigma), await classifierFreeGuidance(model, 1, -1, { scale: 3.5 })(x, sigma))
  })
})

describe('classifier-free guidance (Ho & Salimans 2022)', () => {
  it('is the denoiser of p_u^{1−w}·p_c^w: D_u + w(D_c − D_u) = x + σ²((1 − w)∇log p_u + w∇log p_c)', async () => {
    const w = 4
    const got = await classifierFreeGuidance(model, 0, -1, { scale: w })(x, sigma)
    const du = await model(x, sigma, -1)
    const dc = await model(x, sigma, 0)
    // scores (D − x)/σ²
    const expected = x.data.map((xv, k) => {
      const su = (du.data[k] - xv) / sigma ** 2
      const sc = (dc.data[k] - xv) / sigma ** 2
      return xv + sigma ** 2 * ((1 - w) * su + w * sc)
    })
    close(got, { shape: x.shape, data: expected })
  })

  it('uses the negative condition in the unconditional branch and skips it at w = 1', async () => {
    const seen: number[] = []
    const spy = async (y: Tensor, sg: number, label: number) => {
      seen.push(label)
      return model(y, sg, label)
    }
    await classifierFreeGuidance(spy, 1, 0, { scale: 7 })(x, sigma)
    expect(seen).toEqual([1, 0])
    seen.length = 0
    close(await classifierFreeGuidance(spy, 1, 0, { scale: 1 })(x, sigma), await model(x, sigma, 1))
    expect(seen).toEqual([1])
  })

  it('batched: one call on [2B, ...] with conditions [negative; cond] gives the same result', async () => {
    const calls: number[][] = []
    // A per-row label model: labels is a list over the doubled batch.
    const rowModel = async (y: Tensor, sg: number, labels: readonly number[]) => {
      calls.push([...y.shape])
      const out = new Float64Array(y.data.length)
      for (let b = 0; b < y.shape[0]; b++) {
        const row = { shape: [1, 3], data: y.data.slice(3 * b, 3 * b + 3) }
        out.set((await model(row, sg, labels[b])).data, 3 * b)
      }
      return { shape: [...y.shape], data: out }
    }
    const opts = { scale: 6, rescale: 0.7 }
    const batched = await batchedClassifierFreeGuidance(rowModel, [-1, -1, 0, 0], opts)(x, sigma)
    const plain = await classifierFreeGuidance(model, 0, -1, opts)(x, sigma)
    expect(calls).toEqual([[4, 3]])
    close(batched, plain, 14)
  })
})

describe('guidance rescale (Lin et al. 2023, §3.4)', () => {
  const u: Tensor = { shape: [2, 3], data: Float64Array.from([0, 1, 2, -1, 0, 1]) }
  const c: Tensor = { shape: [2, 3], data: Float64Array.from([1, 1, 4, 0, 3, 0]) }
  const stdRow = (d: Float64Array, b: number) => {
    const r = Array.from(d.subarray(3 * b, 3 * b + 3))
    const m = r.reduce((a, v) => a + v, 0) / 3
    return Math.sqrt(r.reduce((a, v) => a + (v - m) ** 2, 0) / 3)
  }
  it('φ = 1 matches std(D_c) per sample; φ = 0 is plain CFG; φ mixes linearly', () => {
    const plain = combineGuidance(x, sigma, u, c, { scale: 5 })
    const full = combineGuidance(x, sigma, u, c, { scale: 5, rescale: 1 })
    const half = combineGuidance(x, sigma, u, c, { scale: 5, rescale: 0.5 })
    for (const b of [0, 1]) expect(stdRow(full.data, b)).toBeCloseTo(stdRow(c.data, b), 14)
    plain.data.forEach((v, k) => expect(v).toBe(u.data[k] + 5 * (c.data[k] - u.data[k])))
    half.data.forEach((v, k) => expect(v).toBeCloseTo((plain.data[k] + full.data[k]) / 2, 14))
  })
  it("'eps' space rescales ε = (x − D)/σ instead (diffusers rescale_noise_cfg)", () => {
    const full = combineGuidance(x, sigma, u, c, { scale: 5, rescale: 1, rescaleSpace: 'eps' })
    const eps = (d: Float64Array) => d.map((v, k) => (x.data[k] - v) / sigma)
    for (const b of [0, 1])
      expect(stdRow(eps(full.data), b)).toBeCloseTo(stdRow(eps(c.data), b), 13)
  })
  it('concatBatch stacks along the batch axis', () => {
    const t = concatBatch(u, c)
    expect(t.shape).toEqual([4, 3])
    expect(Array.from(t.data.subarray(6))).toEqual(Array.from(c.data))
  })
})
