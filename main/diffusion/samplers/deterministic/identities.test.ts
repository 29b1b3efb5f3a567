// Algebraic identities between samplers (each written from its own paper's formula).

import { describe, expect, it } from 'vitest'
import * as s from './index'
import type { SamplerExtra, SamplerInfo, Tensor } from '../../types'
import { createNoise } from '../../rng/noise'
import { karrasSigmas } from '../../schedules/continuous'
import { append } from '../../schedules/numeric'
import { gaussianDenoiser } from '../../testing/gaussian'
import { TEST_GAUSSIAN, gaussianStart } from '../../testing/convergence'
import { maxAbsDiff } from '../../tensor'

const sigmas = append(karrasSigmas(12, 0.002, 80), 0)
const open = karrasSigmas(12, 0.002, 80) // ends at σ_min: exercises the higher-order last step
const run = (info: SamplerInfo, list = sigmas, extra?: SamplerExtra): Promise<Tensor> =>
  info.sample(gaussianDenoiser(TEST_GAUSSIAN), gaussianStart(TEST_GAUSSIAN, list[0]), list, {
    noise: createNoise(0),
    extra
  })
const same = async (a: Promise<Tensor>, b: Promise<Tensor>, tol = 1e-11) =>
  expect(maxAbsDiff((await a).data, (await b).data)).toBeLessThan(tol)
const differ = async (a: Promise<Tensor>, b: Promise<Tensor>) =>
  expect(maxAbsDiff((await a).data, (await b).data)).toBeGreaterThan(1e-6)

describe('sampler identities', () => {
  it('DDIM(η = 0) ≡ Euler ≡ DPM-Solver-1 (DPM-Solver README)', async () => {
    for (const list of [sigmas, open]) {
      await same(run(s.ddim, list), run(s.euler, list))
      await same(run(s.dpmSolver1, list), run(s.euler, list))
    }
  })

  it('k-diffusion DPM2 ≡ DPM-Solver-2 (r1 = 1/2) in σ-space', async () => {
    await same(run(s.dpm2, open), run(s.dpmSolver2, open))
  })

  it('order-1 multistep methods reduce to Euler', async () => {
    for (const info of [s.lms, s.ipndm, s.deis]) {
      await same(run(info, open, { order: 1 }), run(s.euler, open))
    }
    await same(run(s.unipcBh2, open, { order: 1, corrector: false }), run(s.euler, open))
  })

  it('DPM-Solver++ 2M and 3M start with the first-order (DDIM) step', async () => {
    const one = open.subarray(0, 2)
    await same(run(s.dpmpp2m, one), run(s.euler, one))
    await same(run(s.dpmpp3m, one), run(s.euler, one))
    // from the second step on they differ (2M: (1 − e^{−h})/2·ΔD, 3M: φ2(h)·ΔD and a 3rd-order term)
    await differ(run(s.dpmpp3m, open.subarray(0, 3)), run(s.dpmpp2m, open.subarray(0, 3)))
  })

  it('PNDM with the improved-Euler warm-up starts with one Heun step', async () => {
    const one = open.subarray(0, 2)
    await same(run(s.pndm, one, { warmup: 'improved-euler' }), run(s.heun, one))
    await differ(run(s.pndm, open), run(s.pndm, open, { warmup: 'improved-euler' }))
  })

  it('UniPC: B(h) cancels when every system is solved; the ρ = 0.5 short-cut separates bh1/bh2', async () => {
    await same(run(s.unipcBh1, open), run(s.unipcBh2, open), 1e-9)
    await differ(
      run(s.unipcBh1, open, { rho_shortcut: true }),
      run(s.unipcBh2, open, { rho_shortcut: true })
    )
    await differ(run(s.unipcBh2, open), run(s.unipcBh2, open, { corrector: false }))
  })

  it('Heun + churn with S_churn = 0 is Heun', async () => {
    expect((await run(s.heunChurn, sigmas, { s_churn: 0 })).data).toEqual(
      (await run(s.heun, sigmas)).data
    )
  })
})
