import { describe, expect, it } from 'vitest'
import { alphasCumprod, betasOf, rescaleZeroTerminalSnr } from './betas'
import { buildSigmas, discreteTimesteps, truncatedSigmas } from './build'
import type { ScheduleSpec } from './build'
import { FLOW_SIGMA_MAX, flowSigmas, vpSigmaAt } from './continuous'
import {
  discreteSchedule,
  sigmaAtTimestep,
  spacedTimesteps,
  timestepOfSigma,
  ZSNR_ALPHA_BAR_PATCH
} from './discrete'
import { linspace, roundHalfEven } from './numeric'

const SD = { kind: 'scaled-linear', betaStart: 0.00085, betaEnd: 0.012, steps: 1000 } as const
const DDPM = { kind: 'linear', betaStart: 0.0001, betaEnd: 0.02, steps: 1000 } as const

describe('numpy-compatible helpers', () => {
  it('linspace hits both ends and rounds half to even like np.round', () => {
    expect(Array.from(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 499.5, 2.4].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, 500, 2
    ])
  })
})

describe('β schedules and σ tables', () => {
  it('SD scaled-linear spans σ ≈ 0.0292 … 14.6146 (k-diffusion PR #23)', () => {
    const s = discreteSchedule({ betas: SD })
    expect(s.sigmas[999]).toBeCloseTo(14.614641229333639, 9)
    expect(s.sigmas[0]).toBeCloseTo(0.029167158151720367, 12)
  })

  it('linear betas: ᾱ_0 = 1 − β_0 and σ_0 = sqrt(β_0/(1 − β_0))', () => {
    const s = discreteSchedule({ betas: DDPM })
    expect(s.alphasCumprod[0]).toBe(1 - 0.0001)
    expect(s.sigmas[0]).toBeCloseTo(Math.sqrt(0.0001 / 0.9999), 14)
    expect(s.sigmas[999]).toBeCloseTo(157.40728081040757, 8)
  })

  it('cosine (Nichol & Dhariwal eq. 17): cumprod reproduces ᾱ(t)/ᾱ(0) below the β cap', () => {
    const T = 1000
    const abar = alphasCumprod(betasOf({ kind: 'cosine', steps: T }))
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2
    for (const t of [0, 10, 500, 900]) expect(abar[t]).toBeCloseTo(f((t + 1) / T) / f(0), 12)
    expect(Math.max(...betasOf({ kind: 'cosine', steps: T }))).toBe(0.999)
  })

  it('VP-SDE is the continuous limit of DDPM linear betas (Song et al. 2021 App. B)', () => {
    const s = discreteSchedule({ betas: DDPM })
    expect(vpSigmaAt(0.5)).toBeCloseTo(Math.sqrt(Math.expm1((19.9 * 0.25) / 2 + 0.05)), 14)
    expect(Math.abs(vpSigmaAt(0.5) / s.sigmas[499] - 1)).toBeLessThan(0.005)
  })

  it('zero terminal SNR (Lin et al. 2023 Alg. 1): ᾱ_T = 0, ᾱ_0 kept, sqrt ᾱ affine in the old one', () => {
    const abar = alphasCumprod(betasOf(SD))
    const z = rescaleZeroTerminalSnr(abar)
    expect(z[999]).toBe(0)
    expect(z[0]).toBeCloseTo(abar[0], 15)
    const k =
      (Math.sqrt(z[500]) - Math.sqrt(z[100])) / (Math.sqrt(abar[500]) - Math.sqrt(abar[100]))
    const k2 =
      (Math.sqrt(z[900]) - Math.sqrt(z[100])) / (Math.sqrt(abar[900]) - Math.sqrt(abar[100]))
    expect(k2).toBeCloseTo(k, 12)
    const patched = discreteSchedule({ betas: SD, zeroSnr: true })
    expect(patched.alphasCumprod[999]).toBe(ZSNR_ALPHA_BAR_PATCH)
    expect(patched.sigmas[999]).toBeCloseTo(Math.sqrt((1 - 2 ** -24) * 2 ** 24), 9)
    expect(
      Number.isFinite(
        buildSigmas({ kind: 'discrete', betas: SD, zeroSnr: true, spacing: 'trailing' }, 4)[0]
      )
    ).toBe(true)
  })
})

describe('timestep spacing (diffusers docs, 1000 train steps, 10 inference steps)', () => {
  it('linspace / leading / trailing index sets', () => {
    expect(Array.from(spacedTimesteps('linspace', 1000, 10))).toEqual([
      999, 888, 777, 666, 555, 444, 333, 222, 111, 0
    ])
    expect(Array.from(spacedTimesteps('leading', 1000, 10))).toEqual([
      900, 800, 700, 600, 500, 400, 300, 200, 100, 0
    ])
    expect(Array.from(spacedTimesteps('leading', 1000, 10, { stepsOffset: 1 }))).toEqual([
      901, 801, 701, 601, 501, 401, 301, 201, 101, 1
    ])
    expect(Array.from(spacedTimesteps('trailing', 1000, 10))).toEqual([
      999, 899, 799, 699, 599, 499, 399, 299, 199, 99
    ])
    // test_scheduler_ddim.py::test_steps_offset
    expect(Array.from(spacedTimesteps('leading', 1000, 5, { stepsOffset: 1 }))).toEqual([
      801, 601, 401, 201, 1
    ])
  })

  it("Euler's linspace keeps fractional timesteps", () => {
    const t = spacedTimesteps('linspace', 1100, 10, { round: false })
    expect(t[0]).toBe(1099)
    expect(t[1]).toBeCloseTo((1099 * 8) / 9, 12)
    expect(t[9]).toBe(0)
  })

  it('discrete σ lists index the table and end at 0 or σ_min', () => {
    const table = discreteSchedule({ betas: SD })
    const spec = { kind: 'discrete', betas: SD, spacing: 'trailing' } as const
    const s = buildSigmas(spec, 10)
    expect(s.length).toBe(11)
    expect(s[0]).toBe(table.sigmas[999])
    expect(s[9]).toBe(table.sigmas[99])
    expect(s[10]).toBe(0)
    expect(buildSigmas({ ...spec, final: 'sigma-min' }, 10)[10]).toBe(table.sigmas[0])
    expect(Array.from(discreteTimesteps({ ...spec, spacing: [999, 500, 3] }, 3))).toEqual([
      999, 500, 3
    ])
  })
})

describe('t ↔ σ maps', () => {
  const table = discreteSchedule({ betas: SD })
  it('σ → t inverts the table and interpolates ln σ in between', () => {
    expect(timestepOfSigma(table, table.sigmas[0])).toBe(0)
    expect(timestepOfSigma(table, table.sigmas[417])).toBe(417)
    expect(timestepOfSigma(table, table.sigmas[999])).toBe(999)
    const mid = Math.sqrt(table.sigmas[10] * table.sigmas[11])
    expect(timestepOfSigma(table, mid)).toBeCloseTo(10.5, 12)
    expect(timestepOfSigma(table, 1e-6)).toBe(0)
    expect(timestepOfSigma(table, 1e6)).toBe(999)
  })
  it('t → σ interpolates linearly (diffusers) or in ln σ (round trip of the above)', () => {
    expect(sigmaAtTimestep(table, 10.5)).toBeCloseTo((table.sigmas[10] + table.sigmas[11]) / 2, 15)
    const t = 123.25
    expect(timestepOfSigma(table, sigmaAtTimestep(table, t, 'log'))).toBeCloseTo(t, 10)
  })
})

describe('continuous σ spacings', () => {
  it('Karras golden: ρ = 2, 100 → 1, 3 steps ⇒ [100, 30.25, 1, 0] (EDM eq. 5)', () => {
    expect(
      Array.from(buildSigmas({ kind: 'karras', sigmaMin: 1, sigmaMax: 100, rho: 2 }, 3))
    ).toEqual([100, 30.25, 1, 0])
  })

  it('exponential, polyexponential(ρ = 1) and VE(ε_t = 0) are the same geometric sequence', () => {
    const e = buildSigmas({ kind: 'exponential', sigmaMin: 0.01, sigmaMax: 100 }, 5)
    expect(Array.from(e).map((v) => +v.toPrecision(12))).toEqual([100, 10, 1, 0.1, 0.01, 0])
    const p = buildSigmas({ kind: 'polyexponential', sigmaMin: 0.01, sigmaMax: 100 }, 5)
    const v = buildSigmas({ kind: 've', sigmaMin: 0.01, sigmaMax: 100, epsT: 0 }, 5)
    for (let i = 0; i < 6; i++) {
      expect(p[i]).toBeCloseTo(e[i], 12)
      expect(v[i]).toBeCloseTo(e[i], 12)
    }
    const p2 = buildSigmas({ kind: 'polyexponential', sigmaMin: 0.01, sigmaMax: 100, rho: 2 }, 3)
    expect(p2[1]).toBeCloseTo(Math.exp(0.25 * Math.log(1e4) + Math.log(0.01)), 12)
  })

  it('VP spacing runs t from 1 to ε_s', () => {
    const s = buildSigmas({ kind: 'vp' }, 4)
    expect(s[0]).toBeCloseTo(152.1669702839464, 9)
    expect(s[3]).toBeCloseTo(vpSigmaAt(1e-3), 15)
  })

  it('flow: σ = t/(1 − t), t = 1 patched to a finite σ, shift = 3 maps u = 0.5 to t = 0.75 (σ = 3)', () => {
    expect(flowSigmas(3, 1, 0)[0]).toBe(FLOW_SIGMA_MAX)
    expect(flowSigmas(3, 1, 0)[1]).toBe(1)
    expect(flowSigmas(3, 3, 0)[1]).toBeCloseTo(3, 12)
  })

  it('every spec gives steps + 1 strictly decreasing values ending at 0', () => {
    const specs: ScheduleSpec[] = [
      { kind: 'discrete', betas: SD },
      { kind: 'discrete', betas: SD, spacing: 'leading', stepsOffset: 1 },
      { kind: 'discrete', betas: { kind: 'cosine', steps: 1000 }, spacing: 'trailing' },
      { kind: 'karras', sigmaMin: 0.002, sigmaMax: 80 },
      { kind: 'exponential', sigmaMin: 0.002, sigmaMax: 80 },
      { kind: 'polyexponential', sigmaMin: 0.002, sigmaMax: 80, rho: 2 },
      { kind: 'vp' },
      { kind: 've', sigmaMin: 0.01, sigmaMax: 50 },
      { kind: 'flow', shift: 3 }
    ]
    for (const spec of specs) {
      const s = buildSigmas(spec, 7)
      expect(s.length).toBe(8)
      expect(s[7]).toBe(0)
      for (let i = 0; i < 7; i++) expect(s[i]).toBeGreaterThan(s[i + 1])
    }
    expect(() => buildSigmas({ kind: 'vp' }, 0)).toThrow(RangeError)
  })
})

describe('truncatedSigmas (ES-DDPM: one call at σ_start, then the low-noise tail)', () => {
  const karras = { kind: 'karras', sigmaMin: 0.002, sigmaMax: 80, rho: 7 } as const
  it('is σ_start, then the schedule from σ_tail with one step fewer, then 0', () => {
    const chain = { sigmaStart: 10, sigmaTail: 0.05 }
    const out = truncatedSigmas(karras, 4, chain)
    const tail = buildSigmas({ ...karras, sigmaMax: 0.05 }, 3)
    expect(Array.from(out)).toEqual([10, ...Array.from(tail)])
    expect(out[1]).toBeCloseTo(0.05, 12)
    expect(out[3]).toBeCloseTo(0.002, 12)
    expect(out[4]).toBe(0)
    expect(Array.from(truncatedSigmas(karras, 1, chain))).toEqual([10, 0])
    // Two steps: the regression call, then one step from σ_tail (Karras with n = 1 is σ_max alone).
    const two = truncatedSigmas(karras, 2, chain)
    expect(two.length).toBe(3)
    expect([two[0], two[2]]).toEqual([10, 0])
    expect(two[1]).toBeCloseTo(0.05, 12)
    const exp = truncatedSigmas({ kind: 'exponential', sigmaMin: 0.002, sigmaMax: 80 }, 3, chain)
    expect(exp[1]).toBeCloseTo(0.05, 12)
    expect(exp[2]).toBeCloseTo(0.002, 12)
  })
  it('refuses a tail at or above the start or at σ_min, and schedules without σ_max', () => {
    expect(() => truncatedSigmas(karras, 4, { sigmaStart: 1, sigmaTail: 1 })).toThrow(RangeError)
    expect(() => truncatedSigmas(karras, 4, { sigmaStart: 1, sigmaTail: 0.002 })).toThrow(/σ_min/)
    expect(() => truncatedSigmas({ kind: 'vp' }, 4, { sigmaStart: 1, sigmaTail: 0.1 })).toThrow(
      /vp/
    )
    expect(() => truncatedSigmas(karras, 0, { sigmaStart: 1, sigmaTail: 0.1 })).toThrow(/steps/)
  })
})
