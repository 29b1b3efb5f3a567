import { describe, expect, it } from 'vitest'
import { createNoise } from '../../rng'
import { countingDenoiser, gaussianDenoiser } from '../../testing/gaussian'
import { edmSigmas, sampleSeeded } from '../../testing/run-sampler'
import type { NoiseSource, Tensor } from '../../types'
import { langevinCorrect, pcVe, pcVp } from './predictor-corrector'
import { sampleDdpm } from './ddpm'

const g = { mu: 0.2, s: 0.9 }
const D = gaussianDenoiser(g)

/** A noise source that always returns the same tensor z. */
const fixed = (z: Float64Array): NoiseSource => ({
  randn: (shape) => ({ shape: [...shape], data: z.slice() })
})

describe('pc samplers', () => {
  it('run the corrector before the predictor at each level (score_sde pc_sampler, issue #50)', async () => {
    const sigmas = edmSigmas(4)
    const counter = countingDenoiser(D)
    const x = { shape: [1, 3], data: new Float64Array(3).fill(80) }
    await pcVe.sample(counter.denoise, x, sigmas, {
      noise: createNoise(0),
      extra: { n_corrector: 2 }
    })
    const s = Array.from(sigmas.subarray(0, 4))
    expect(counter.calls).toEqual(s.flatMap((v) => [v, v, v]))
  })

  // One predictor step σ → σ' (no corrector, list not ending at 0), checked against the update
  // computed in the SDE's own variables.
  const x = Float64Array.from([1.5, -0.3, 4])
  const z = Float64Array.from([0.7, -1.1, 0.2])
  const sigma = 2.5
  const next = 1.1
  const step = async (info: typeof pcVe, predictor: string) => {
    const out = await info.sample(D, { shape: [1, 3], data: x }, Float64Array.from([sigma, next]), {
      noise: fixed(z),
      extra: { predictor, n_corrector: 0 }
    })
    return Array.from(out.data)
  }
  const score = async (): Promise<Float64Array> => {
    const d = await D({ shape: [1, 3], data: x }, sigma)
    return d.data.map((v, k) => (v - x[k]) / (sigma * sigma))
  }

  it('VE reverse-diffusion and Euler–Maruyama predictors', async () => {
    const s = await score()
    const g2 = sigma ** 2 - next ** 2
    const rd = Array.from(x, (v, k) => v + g2 * s[k] + Math.sqrt(g2) * z[k])
    ;(await step(pcVe, 'reverse-diffusion')).forEach((v, k) => expect(v).toBeCloseTo(rd[k], 13))
    const em2 = 2 * sigma ** 2 * Math.log(sigma / next)
    const em = Array.from(x, (v, k) => v + em2 * s[k] + Math.sqrt(em2) * z[k])
    ;(await step(pcVe, 'euler-maruyama')).forEach((v, k) => expect(v).toBeCloseTo(em[k], 13))
  })

  it('VP predictors equal the VP-space updates mapped through x_vp = x/sqrt(1 + σ²)', async () => {
    const sv = (await score()).map((v) => v * Math.sqrt(1 + sigma ** 2)) // ∇ log p in VP space
    const y = Array.from(x, (v) => v / Math.sqrt(1 + sigma ** 2))
    const abarT = 1 / (1 + sigma ** 2)
    const abarS = 1 / (1 + next ** 2)
    const alpha = abarT / abarS
    const beta = 1 - alpha
    const back = (v: number) => v * Math.sqrt(1 + next ** 2)
    const rd = y.map((v, k) =>
      back((2 - Math.sqrt(1 - beta)) * v + beta * sv[k] + Math.sqrt(beta) * z[k])
    )
    ;(await step(pcVp, 'reverse-diffusion')).forEach((v, k) => expect(v).toBeCloseTo(rd[k], 13))
    // ∫β dt over the step = ln ᾱ_s − ln ᾱ_t
    const delta = Math.log(abarS) - Math.log(abarT)
    const em = y.map((v, k) => back(v + delta * (0.5 * v + sv[k]) + Math.sqrt(delta) * z[k]))
    ;(await step(pcVp, 'euler-maruyama')).forEach((v, k) => expect(v).toBeCloseTo(em[k], 13))
  })

  it('ancestral predictors are DDPM steps (VE: fixed-small, VP: fixed-large)', async () => {
    const sigmas = edmSigmas(8)
    for (const [info, variance] of [
      [pcVe, 'fixed-small'],
      [pcVp, 'fixed-large']
    ] as const) {
      const a = await sampleSeeded(info.sample, D, [2, 3], sigmas, 9, {
        predictor: 'ancestral',
        n_corrector: 0
      })
      const b = await sampleSeeded(sampleDdpm, D, [2, 3], sigmas, 9, { variance })
      expect(Array.from(a.data)).toEqual(Array.from(b.data))
    }
  })
})

describe('Langevin corrector step rules (stationary variance on N(0, v), d = 256, 100 chains)', () => {
  const s = 0.7
  const lin = gaussianDenoiser({ mu: 0, s })
  const stationary = async (
    sigma: number,
    rule: 'langevin' | 'ald',
    snr: number
  ): Promise<number> => {
    const v = s * s + sigma * sigma
    const noise = createNoise(3)
    let x: Tensor = {
      shape: [200, 256],
      data: noise.randn([200, 256]).data.map((u) => u * Math.sqrt(v))
    }
    let acc = 0
    let count = 0
    for (let it = 0; it < 50; it++) {
      x = await langevinCorrect(lin, x, sigma, snr, 1, noise, undefined, rule)
      if (it >= 15) {
        for (const u of x.data) acc += u * u
        count += x.data.length
      }
    }
    return acc / count / v
  }
  it('ald: ε = 2(rσ)² gives v/(1 − r²σ²/v) (AR(1) fixed point; r = 0.3 ⇒ 1.093)', async () => {
    const sigma = 3
    const v = s * s + sigma * sigma
    const got = await stationary(sigma, 'ald', 0.3)
    expect(Math.abs(got - 1 / (1 - (0.3 * sigma) ** 2 / v))).toBeLessThan(0.015)
  })
  it('langevin: per-sample ε = 2(r‖z‖/‖s‖)² inflates by ≈ (1 + r²)(d + 2)/(d − 2)', async () => {
    const got = await stationary(0.5, 'langevin', 0.16)
    expect(Math.abs(got - (1 + 0.16 ** 2) * (258 / 254))).toBeLessThan(0.015)
  })
})
