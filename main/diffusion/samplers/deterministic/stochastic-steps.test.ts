// Exact single-step checks of the samplers here that draw noise (Heun churn, LCM).

import { describe, expect, it } from 'vitest'
import { heun, heunChurn } from './heun'
import { lcm } from './lcm'
import { createNoise, normalsAt } from '../../rng/noise'
import { gaussianDenoiser } from '../../testing/gaussian'
import { TEST_GAUSSIAN, gaussianStart } from '../../testing/convergence'
import type { Tensor } from '../../types'

const D = gaussianDenoiser(TEST_GAUSSIAN)
const x = gaussianStart(TEST_GAUSSIAN, 10)

describe('Heun + churn (EDM Alg. 2)', () => {
  it('adds S_noise·sqrt(σ̂² − σ²)·z with σ̂ = (1 + γ)σ, γ = S_churn/N, then takes a Heun step from σ̂', async () => {
    const sigmas = Float64Array.from([10, 4, 1]) // N = 2, S_churn = 0.4 ⇒ γ = 0.2
    const extra = { s_churn: 0.4, s_tmin: 5, s_tmax: 50, s_noise: 1.5 } // only σ = 10 is churned
    const out = await heunChurn.sample(D, x, sigmas, { noise: createNoise(4), extra })
    const z = [0, 1].flatMap((b) => Array.from(normalsAt(4, b, 0, 6)))
    const k = 1.5 * Math.sqrt(12 ** 2 - 10 ** 2)
    const xh: Tensor = { shape: x.shape, data: x.data.map((v, i) => v + k * z[i]) }
    const want = await heun.sample(D, xh, Float64Array.from([12, 4, 1]), { noise: createNoise(0) })
    expect(Array.from(out.data)).toEqual(Array.from(want.data))
  })

  it('caps γ at √2 − 1', async () => {
    const out = await heunChurn.sample(D, x, Float64Array.from([10, 4]), {
      noise: createNoise(4),
      extra: { s_churn: 100, s_noise: 1 }
    })
    const sh = 10 * Math.SQRT2
    const z = [0, 1].flatMap((b) => Array.from(normalsAt(4, b, 0, 6)))
    const xh: Tensor = {
      shape: x.shape,
      data: x.data.map((v, i) => v + Math.sqrt(sh * sh - 100) * z[i])
    }
    const want = await heun.sample(D, xh, Float64Array.from([sh, 4]), { noise: createNoise(0) })
    expect(Array.from(out.data)).toEqual(Array.from(want.data))
  })
})

describe('LCM / consistency multistep', () => {
  it('denoises, re-noises to σ_next with the next draw, and returns D on the last step', async () => {
    const sigmas = Float64Array.from([10, 1.3, 0])
    const out = await lcm.sample(D, x, sigmas, { noise: createNoise(8) })
    const d0 = await D(x, 10)
    const z = [0, 1].flatMap((b) => Array.from(normalsAt(8, b, 0, 6)))
    const x1: Tensor = { shape: x.shape, data: d0.data.map((v, i) => v + 1.3 * z[i]) }
    expect(Array.from(out.data)).toEqual(Array.from((await D(x1, 1.3)).data))
  })

  it('re-noises with sqrt(σ_next² − σ_min²) (CM Alg. 1)', async () => {
    const sigmas = Float64Array.from([10, 1.3])
    const out = await lcm.sample(D, x, sigmas, { noise: createNoise(8), extra: { sigma_min: 0.5 } })
    const d0 = await D(x, 10)
    const z = [0, 1].flatMap((b) => Array.from(normalsAt(8, b, 0, 6)))
    const k = Math.sqrt(1.3 ** 2 - 0.25)
    out.data.forEach((v, i) => expect(v).toBe(d0.data[i] + k * z[i]))
  })
})
