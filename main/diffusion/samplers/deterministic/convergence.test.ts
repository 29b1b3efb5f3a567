// Measured convergence order against the closed-form Gaussian PF-ODE (testing/gaussian.ts), error at
// σ_min = 0.002 (no final step to 0), Karras ρ = 7 from σ = 80 unless stated. Theory in comments.

import { describe, expect, it } from 'vitest'
import * as s from './index'
import type { SamplerExtra, SamplerInfo } from '../../types'
import { measureConvergence } from '../../testing/convergence'
import { linspace } from '../../schedules/numeric'

const KARRAS = [32, 64, 128, 256]
const uniform = (n: number) => linspace(10, 0.5, n + 1)

type Case = [
  SamplerInfo,
  number,
  number,
  readonly number[],
  ((n: number) => Float64Array)?,
  SamplerExtra?
]

const cases: Case[] = [
  [s.euler, 0.9, 1.1, KARRAS], // 1
  [s.ddim, 0.9, 1.1, KARRAS], // 1
  [s.dpmSolver1, 0.9, 1.1, KARRAS], // 1
  [s.heun, 1.9, 2.15, KARRAS], // 2
  [s.dpm2, 1.9, 2.15, KARRAS], // 2
  [s.dpmSolver2, 1.9, 2.15, KARRAS], // 2
  [s.dpmpp2m, 1.9, 2.15, KARRAS], // 2
  [s.dpmpp2s, 1.85, 2.15, KARRAS], // 2
  // 3M is capped at 2 by its first- and second-order warm-up steps (samplers.md §4.4).
  [s.dpmpp3m, 1.8, 2.3, [128, 256, 512]],
  // 3; on Karras steps the Gaussian problem is super-convergent (≈ 4), uniform σ shows the 3.
  [s.dpmSolver3, 2.9, 3.15, [32, 64, 128, 256], uniform],
  [s.unipcBh2, 2.9, 3.2, KARRAS], // p = 2 predictor + UniC ⇒ 3
  [s.unipcBh1, 2.9, 3.2, KARRAS, undefined, { rho_shortcut: true }],
  [s.deis, 2.8, 3.2, [128, 256, 512]], // tAB3 ⇒ 3
  // Adams–Bashforth 4 (fixed coefficients need equal steps: on Karras steps they give 2).
  [s.lms, 3.6, 4.2, [128, 256, 512], uniform],
  [s.pndm, 3.6, 4.2, [128, 256, 512], uniform],
  [s.pndm, 3.6, 4.2, [128, 256, 512], uniform, { warmup: 'improved-euler' }],
  [s.ipndm, 3.6, 4.2, [128, 256, 512], uniform],
  [s.ipndm, 1.9, 2.2, KARRAS],
  [s.lms, 3.2, 4.2, [64, 128, 256, 512]] // variable-step AB keeps its order on Karras steps
]

describe('convergence order on the Gaussian problem', () => {
  it.each(cases.map((c) => [c[0].name, c[1], c[2], c] as const))(
    '%s: order in [%d, %d]',
    async (_n, lo, hi, [info, , , steps, sigmas, extra]) => {
      const { order, errors } = await measureConvergence(info.sample, { steps, sigmas, extra })
      expect(errors[errors.length - 1]).toBeLessThan(errors[0])
      expect(order).toBeGreaterThanOrEqual(lo)
      expect(order).toBeLessThanOrEqual(hi)
    }
  )
})
