// Every deterministic-folder sampler honours the Sampler contract of types.ts.

import { describe, expect, it } from 'vitest'
import { deterministicSamplers } from './index'
import { SamplingCancelled } from '../../types'
import type { Denoiser, SamplerInfo, StepInfo } from '../../types'
import { createNoise } from '../../rng/noise'
import { karrasSigmas } from '../../schedules/continuous'
import { append, reversed } from '../../schedules/numeric'
import { countingDenoiser, gaussianDenoiser } from '../../testing/gaussian'
import { TEST_GAUSSIAN, gaussianStart } from '../../testing/convergence'

const N = 6
const down = append(karrasSigmas(N, 0.002, 80), 0)
const up = reversed(karrasSigmas(N + 1, 0.002, 80))
const listFor = (s: SamplerInfo) => (s.name === 'ddim-inversion' ? up : down)

/** Denoiser calls for N steps ending at σ = 0 (final step to 0 is first order). */
const expectedCalls: Record<string, number> = {
  euler: N,
  heun: 2 * N - 1,
  'heun-churn': 2 * N - 1,
  dpm2: 2 * N - 1,
  lms: N,
  ddim: N,
  'ddim-inversion': N,
  pndm: 3 * 4 + (N - 3),
  ipndm: N,
  'dpm-solver-1': N,
  'dpm-solver-2': 2 * N - 1,
  'dpm-solver-3': 3 * N - 2,
  'dpmpp-2m': N,
  'dpmpp-2s': 2 * N - 1,
  'dpmpp-3m': N,
  'unipc-bh1': N,
  'unipc-bh2': N,
  deis: N,
  lcm: N
}

describe.each(deterministicSamplers.map((s) => [s.name, s] as const))('%s', (_name, info) => {
  const sigmas = listFor(info)

  it('declares a complete SamplerInfo', () => {
    expect(info.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(info.label.length).toBeGreaterThan(0)
    expect(info.description.length).toBeGreaterThan(0)
    expect(info.reference.length).toBeGreaterThan(0)
    expect(info.order).toBeGreaterThan(0)
    expect(info.callsPerStep).toBeGreaterThanOrEqual(1)
    for (const p of info.params) {
      if (typeof p.default === 'number') {
        if (p.min !== undefined) expect(p.default).toBeGreaterThanOrEqual(p.min)
        if (p.max !== undefined) expect(p.default).toBeLessThanOrEqual(p.max)
      }
      if (p.choices) expect(p.choices).toContain(p.default)
    }
  })

  it('reports every step, calls the denoiser as declared and leaves x untouched', async () => {
    const x = gaussianStart(TEST_GAUSSIAN, sigmas[0])
    const before = x.data.slice()
    const { denoise, calls } = countingDenoiser(gaussianDenoiser(TEST_GAUSSIAN))
    const steps: StepInfo[] = []
    const out = await info.sample(denoise, x, sigmas, {
      noise: createNoise(3),
      onStep: (s) => steps.push(s)
    })
    expect(x.data).toEqual(before)
    expect(out.shape).toEqual(x.shape)
    expect(steps.map((s) => s.i)).toEqual([...Array(N).keys()])
    for (const s of steps) {
      expect(s.n).toBe(N)
      expect(s.sigma).toBe(sigmas[s.i])
      expect(s.sigmaNext).toBe(sigmas[s.i + 1])
      expect(s.x.shape).toEqual(x.shape)
      expect(s.denoised.data.every(Number.isFinite)).toBe(true)
    }
    expect(steps[N - 1].x.data).toEqual(out.data)
    expect(out.data.every(Number.isFinite)).toBe(true)
    if (info.name in expectedCalls) expect(calls.length).toBe(expectedCalls[info.name])
    expect(calls.every((s) => s > 0)).toBe(true) // never evaluates D at σ = 0
  })

  it('throws SamplingCancelled and never calls the denoiser after an abort', async () => {
    for (const abortAfter of [0, 1, 3]) {
      const controller = new AbortController()
      if (abortAfter === 0) controller.abort()
      let calls = 0
      let callsAfterAbort = 0
      const inner = gaussianDenoiser(TEST_GAUSSIAN)
      const denoise: Denoiser = (x, sigma) => {
        if (controller.signal.aborted) callsAfterAbort++
        calls++
        if (calls === abortAfter) controller.abort()
        return inner(x, sigma)
      }
      const run = info.sample(denoise, gaussianStart(TEST_GAUSSIAN, sigmas[0]), sigmas, {
        noise: createNoise(1),
        signal: controller.signal
      })
      await expect(run).rejects.toBeInstanceOf(SamplingCancelled)
      expect(calls).toBe(abortAfter)
      expect(callsAfterAbort).toBe(0)
    }
  })

  it('is reproducible: same inputs and seed give the same output', async () => {
    const x = gaussianStart(TEST_GAUSSIAN, sigmas[0])
    const run = () =>
      info.sample(gaussianDenoiser(TEST_GAUSSIAN), x, sigmas, { noise: createNoise(11) })
    expect((await run()).data).toEqual((await run()).data)
  })

  it('rejects out-of-range parameters', async () => {
    const p = info.params.find((q) => q.max !== undefined || q.choices)
    if (!p) return
    const bad = p.choices ? 'no-such-choice' : (p.max as number) + 1
    const run = info.sample(
      gaussianDenoiser(TEST_GAUSSIAN),
      gaussianStart(TEST_GAUSSIAN, 80),
      sigmas,
      {
        noise: createNoise(1),
        extra: { [p.name]: bad }
      }
    )
    await expect(run).rejects.toBeInstanceOf(RangeError)
  })
})

it('lists every sampler once', () => {
  const names = deterministicSamplers.map((s) => s.name)
  expect(new Set(names).size).toBe(names.length)
})
