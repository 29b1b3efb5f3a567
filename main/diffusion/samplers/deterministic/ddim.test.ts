import { describe, expect, it } from 'vitest'
import { ddim, ddimInversion } from './ddim'
import { createNoise } from '../../rng/noise'
import { karrasSigmas } from '../../schedules/continuous'
import { append, reversed } from '../../schedules/numeric'
import { countingDenoiser, gaussianDenoiser, gaussianOdeSolution } from '../../testing/gaussian'
import { TEST_GAUSSIAN, gaussianStart } from '../../testing/convergence'
import { fitOrder } from '../../testing/order'
import { maxAbsDiff } from '../../tensor'
import type { Tensor } from '../../types'

const g = TEST_GAUSSIAN
const D = gaussianDenoiser(g)
const noise = createNoise(0)

describe('DDIM with η > 0', () => {
  it('η = 1 follows the exact variance recursion of the ancestral step (20000 samples)', async () => {
    // For x ~ N(μ, v) at σ: x' − μ = c·(x − μ) + σ_up·z with c = a + (σ_down/σ)(1 − a), a = s²/(s² + σ²),
    // so v' = c²·v + σ_up². A wrong σ_up/σ_down split changes v' by far more than the sampling error.
    const B = 20000
    const z = createNoise(5).randn([B, 6]).data
    const mu = g.mu as Float64Array
    const s = g.s as Float64Array
    const sigmas = append(karrasSigmas(20, 0.002, 80), 0)
    const xT: Tensor = { shape: [B, 6], data: z.map((v, i) => mu[i % 6] + 80 * v) }
    const out = await ddim.sample(D, xT, sigmas, { noise: createNoise(9), extra: { eta: 1 } })
    for (let k = 0; k < 6; k++) {
      let v = 80 * 80
      for (let i = 0; i + 1 < sigmas.length; i++) {
        const [sg, sn] = [sigmas[i], sigmas[i + 1]]
        const up = Math.min(sn, Math.sqrt((sn * sn * (sg * sg - sn * sn)) / (sg * sg)))
        const down = Math.sqrt(sn * sn - up * up)
        const a = s[k] ** 2 / (s[k] ** 2 + sg * sg)
        const c = a + (down / sg) * (1 - a)
        v = c * c * v + up * up
      }
      let m = 0
      let vm = 0
      for (let b = 0; b < B; b++) m += out.data[b * 6 + k] / B
      for (let b = 0; b < B; b++) vm += (out.data[b * 6 + k] - m) ** 2 / (B - 1)
      expect(Math.abs(m - mu[k])).toBeLessThan(5 * Math.sqrt(v / B))
      expect(Math.abs(vm / v - 1)).toBeLessThan(5 * Math.sqrt(2 / B))
      expect(v / s[k] ** 2).toBeLessThan(0.8) // 20 ancestral steps lose variance (weak order 1)
    }
  })

  it('η = 0 ignores the seed, η > 0 depends on it', async () => {
    const sigmas = append(karrasSigmas(8, 0.002, 80), 0)
    const x = gaussianStart(g, 80)
    const a = await ddim.sample(D, x, sigmas, { noise: createNoise(1), extra: { eta: 0.5 } })
    const b = await ddim.sample(D, x, sigmas, { noise: createNoise(2), extra: { eta: 0.5 } })
    expect(maxAbsDiff(a.data, b.data)).toBeGreaterThan(1e-3)
    const c = await ddim.sample(D, x, sigmas, { noise: createNoise(1) })
    const d = await ddim.sample(D, x, sigmas, { noise: createNoise(2) })
    expect(c.data).toEqual(d.data)
  })
})

describe('DDIM inversion', () => {
  /** The point at σ_min of the exact trajectory through x_T at σ = 80. */
  const xT = gaussianStart(g, 80)
  const clean = gaussianOdeSolution(g, xT, 80, 0.002)

  it('walks the PF-ODE backwards to the exact x_T with first-order error', async () => {
    const steps = [25, 50, 100, 200]
    const errors: number[] = []
    for (const n of steps) {
      const up = reversed(karrasSigmas(n + 1, 0.002, 80))
      const inv = await ddimInversion.sample(D, clean, up, {
        noise,
        extra: { evaluate: 'current' }
      })
      errors.push(maxAbsDiff(inv.data, xT.data) / 80)
    }
    expect(errors[3]).toBeLessThan(0.05)
    expect(fitOrder(steps, errors)).toBeGreaterThan(0.9)
    expect(fitOrder(steps, errors)).toBeLessThan(1.1)
  })

  it('round trip: invert then sample with DDIM recovers the image, error → 0 with steps', async () => {
    const errs: number[] = []
    for (const n of [20, 320]) {
      const up = reversed(karrasSigmas(n + 1, 0.002, 80))
      const inv = await ddimInversion.sample(D, clean, up, { noise })
      const back = await ddim.sample(D, inv, reversed(up), { noise })
      errs.push(maxAbsDiff(back.data, clean.data))
    }
    expect(errs[1]).toBeLessThan(errs[0] / 8)
    expect(errs[1]).toBeLessThan(0.06)
  })

  it('starts from σ = 0 by evaluating at the next σ', async () => {
    const { denoise, calls } = countingDenoiser(D)
    const up = Float64Array.from([0, 0.5, 2])
    const x0 = gaussianOdeSolution(g, xT, 80, 0)
    const out = await ddimInversion.sample(denoise, x0, up, { noise })
    expect(calls).toEqual([0.5, 0.5])
    await ddimInversion.sample(denoise, x0, up, { noise, extra: { evaluate: 'next' } })
    expect(calls.slice(2)).toEqual([0.5, 2])
    expect(out.data.every(Number.isFinite)).toBe(true)
    await expect(
      ddimInversion.sample(D, x0, Float64Array.from([1, 0.5]), { noise })
    ).rejects.toThrow(RangeError)
  })
})
