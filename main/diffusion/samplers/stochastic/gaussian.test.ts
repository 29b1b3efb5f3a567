// Marginals on Gaussian data x0 ~ N(μ, s²): exact output laws (linear probe, no Monte Carlo) converge
// to N(μ, s²) at each sampler's weak order, and seeded Monte Carlo runs agree with the exact laws.

import { describe, expect, it } from 'vitest'
import { gaussianDenoiser } from '../../testing/gaussian'
import { exactGaussianOutput } from '../../testing/linear-probe'
import { edmSigmas, sampleSeeded } from '../../testing/run-sampler'
import type { SamplerExtra, SamplerInfo } from '../../types'
import { stochasticSamplers } from './index'

const mu = 0.5
const s = 0.7
const byName = new Map(stochasticSamplers.map((i) => [i.name, i]))
// pc-*: the `ald` step rule keeps the sampler affine (the default `langevin` rule is tested in
// predictor-corrector.test.ts).
const extraOf = (info: SamplerInfo): SamplerExtra | undefined =>
  info.name.startsWith('pc-') ? { corrector: 'ald' } : undefined

// Relative variance error |Var/s² − 1| allowed at 160 Karras steps, and the largest allowed ratio
// err(160)/err(80) (first order ≈ 0.5, second order ≈ 0.25). Measured (160 steps): ddpm 6.9e-2,
// euler-a 6.9e-2, pc-ve 3.3e-2, pc-vp 2.6e-2; dpm2-a 2.7e-3, 2s-a 2.6e-3, 2m-sde 2.8e-3,
// 3m-sde 1.3e-3, dpmpp-sde 8.5e-4.
const weak: Record<string, { tol: number; ratio: number; meanTol?: number }> = {
  ddpm: { tol: 0.08, ratio: 0.6 },
  'euler-ancestral': { tol: 0.08, ratio: 0.6 },
  'pc-ve': { tol: 0.04, ratio: 0.45 },
  'pc-vp': { tol: 0.035, ratio: 0.45, meanTol: 1e-2 },
  'dpm2-ancestral': { tol: 0.004, ratio: 0.3 },
  'dpmpp-2s-ancestral': { tol: 0.004, ratio: 0.3 },
  'dpmpp-2m-sde': { tol: 0.004, ratio: 0.3 },
  'dpmpp-3m-sde': { tol: 0.002, ratio: 0.3 },
  'dpmpp-sde': { tol: 0.0015, ratio: 0.3 }
}

describe.each(Object.entries(weak))('%s on N(μ, s²)', (name, { tol, ratio, meanTol = 5e-3 }) => {
  const info = byName.get(name)!
  it(`has variance error < ${tol} at 160 steps, shrinking at its weak order`, async () => {
    const err = async (steps: number) => {
      const law = await exactGaussianOutput(info.sample, mu, s, edmSigmas(steps), extraOf(info))
      expect(Math.abs(law.mean - mu)).toBeLessThan(meanTol)
      return Math.abs(law.variance / (s * s) - 1)
    }
    const e80 = await err(80)
    const e160 = await err(160)
    expect(e160).toBeLessThan(tol)
    expect(e160 / e80).toBeLessThan(ratio)
  })

  it('Monte Carlo samples follow the exact law (20 steps, 8000 values, 5 standard errors)', async () => {
    const sigmas = edmSigmas(20)
    const law = await exactGaussianOutput(info.sample, mu, s, sigmas, extraOf(info))
    const out = await sampleSeeded(
      info.sample,
      gaussianDenoiser({ mu, s }),
      [400, 20],
      sigmas,
      7,
      extraOf(info)
    )
    const n = out.data.length
    const mean = out.data.reduce((a, v) => a + v, 0) / n
    const variance = out.data.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)
    expect(Math.abs(mean - law.mean)).toBeLessThan(5 * Math.sqrt(law.variance / n))
    expect(Math.abs(variance / law.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n))
  })
})

describe('identities', () => {
  it('ddpm fixed-small equals euler-ancestral with η = 1 (σ-space posterior)', async () => {
    const sigmas = edmSigmas(12)
    const D = gaussianDenoiser({ mu, s })
    const a = await sampleSeeded(byName.get('ddpm')!.sample, D, [3, 5], sigmas, 3)
    const b = await sampleSeeded(byName.get('euler-ancestral')!.sample, D, [3, 5], sigmas, 3)
    a.data.forEach((v, k) => expect(v).toBeCloseTo(b.data[k], 12))
  })

  it('ddpm fixed-large has more variance than fixed-small (β ≥ β̃)', async () => {
    const sigmas = edmSigmas(20)
    const info = byName.get('ddpm')!
    const small = await exactGaussianOutput(info.sample, mu, s, sigmas)
    const large = await exactGaussianOutput(info.sample, mu, s, sigmas, { variance: 'fixed-large' })
    expect(large.variance).toBeGreaterThan(small.variance)
  })

  it('η = 0 makes the SDE samplers deterministic (no noise drawn)', async () => {
    for (const name of [
      'euler-ancestral',
      'dpmpp-2m-sde',
      'dpmpp-3m-sde',
      'dpmpp-sde',
      'dpm2-ancestral'
    ]) {
      const law = await exactGaussianOutput(byName.get(name)!.sample, mu, s, edmSigmas(10), {
        eta: 0
      })
      expect(law.draws).toBe(0)
    }
  })

  it('dpmpp-sde correlates its two draws per step like the Brownian tree: ρ = sqrt((σ − σ_s)/(σ − σ_next))', async () => {
    // Point data at 0 (D = 0): x₂ = q₁x + c₁z₁, x' = q₂x + c₂z₂ with z₂ = ρa + sqrt(1 − ρ²)b, z₁ = a.
    // Probe rows: row 1 carries a = 1, row 2 carries b = 1 (x = 0 there), so x' rows give c₂ρ, c₂ρ'.
    let draw = 0
    const probe = {
      randn: (shape: readonly number[]) => {
        const data = new Float64Array(3)
        data[1 + draw++] = 1
        return { shape: [...shape], data }
      }
    }
    const zero = async (x: { shape: readonly number[] }) => ({
      shape: [...x.shape],
      data: new Float64Array(3)
    })
    const sigmas = Float64Array.from([4, 1])
    const out = await byName
      .get('dpmpp-sde')!
      .sample(zero, { shape: [3, 1], data: Float64Array.from([1, 0, 0]) }, sigmas, { noise: probe })
    const rho = out.data[1] / Math.hypot(out.data[1], out.data[2])
    expect(rho).toBeCloseTo(Math.sqrt((4 - 2) / (4 - 1)), 12)
  })
})
