// Contract of every stochastic sampler: metadata, call counts, onStep, cancellation, final step,
// bit-reproducibility and batch-size independence.

import { describe, expect, it } from 'vitest'
import { createNoise, fillNormals, seedKey } from '../../rng'
import { countingDenoiser, gaussianDenoiser } from '../../testing/gaussian'
import { createMixture, mixtureDenoiser } from '../../testing/mixture'
import { edmSigmas, sampleFromNoise, sampleSeeded } from '../../testing/run-sampler'
import { SamplingCancelled } from '../../types'
import type { NoiseSource, SamplerExtra, SamplerInfo, StepInfo, Tensor } from '../../types'
import { encodeGamma } from './analytic-dpm'
import { stochasticSamplers } from './index'

const gauss = { mu: 0.3, s: 0.8 }
const D = gaussianDenoiser(gauss)

/** Defaults, plus a Γ table for analytic-ddpm (exact for the Gaussian). */
function extraFor(info: SamplerInfo, sigmas: Float64Array): SamplerExtra | undefined {
  if (info.name !== 'analytic-ddpm') return undefined
  const g = Array.from(sigmas.subarray(0, sigmas.length - 1), (s) => 1 / (gauss.s ** 2 + s * s))
  return { gamma: encodeGamma(g) }
}

/** Calls of the last step (to σ = 0) when it differs from callsPerStep. */
const lastStepCalls: Record<string, number> = {
  'dpm2-ancestral': 1,
  'dpmpp-2s-ancestral': 1,
  'dpmpp-sde': 1,
  langevin: 2
}

/** A batch-1 noise source that plays stream `b` of `seed` (what batch element b sees in createNoise). */
function streamOf(seed: number, b: number): NoiseSource {
  const key = seedKey(seed)
  let draw = 0
  return {
    randn(shape) {
      if (shape[0] !== 1) throw new RangeError('streamOf is for batch 1')
      const n = shape.reduce((p, d) => p * d, 1)
      const data = new Float64Array(n)
      fillNormals(key, b, draw++, data, 0, n)
      return { shape: [...shape], data }
    }
  }
}

describe.each(stochasticSamplers.map((info) => [info.name, info] as const))('%s', (_, info) => {
  const steps = 6
  const sigmas = edmSigmas(steps)
  const extra = extraFor(info, sigmas)

  it('declares consistent metadata', () => {
    expect(info.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(info.stochastic).toBe(true)
    expect(info.reference.length).toBeGreaterThan(10)
    for (const p of info.params) {
      if (typeof p.default === 'number') {
        expect(p.default).toBeGreaterThanOrEqual(p.min ?? -Infinity)
        expect(p.default).toBeLessThanOrEqual(p.max ?? Infinity)
      }
      if (p.choices) expect(p.choices).toContain(p.default)
    }
  })

  it('makes callsPerStep calls per step, reports every step and ends on the last D', async () => {
    const counter = countingDenoiser(D)
    const reports: StepInfo[] = []
    const x = { shape: [2, 3], data: new Float64Array(6).fill(sigmas[0]) }
    const xCopy = x.data.slice()
    const out = await info.sample(counter.denoise, x, sigmas, {
      noise: createNoise(1),
      extra,
      onStep: (s) => reports.push(s)
    })
    const last = lastStepCalls[info.name] ?? info.callsPerStep
    expect(counter.calls.length).toBe(info.callsPerStep * (steps - 1) + last)
    expect(counter.calls[0]).toBe(sigmas[0])
    expect(reports.map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5])
    expect(reports.map((r) => r.sigmaNext)).toEqual(Array.from(sigmas.subarray(1)))
    expect(reports[steps - 1].x.data).toEqual(out.data)
    // Every sampler's last step is the first-order jump to σ = 0: x = D, finite, no noise.
    expect(out.data).toEqual(reports[steps - 1].denoised.data)
    expect(out.data.every(Number.isFinite)).toBe(true)
    expect(x.data).toEqual(xCopy)
  })

  it('throws SamplingCancelled before the next denoiser call', async () => {
    const controller = new AbortController()
    let calls = 0
    const aborting = async (y: Tensor, sigma: number) => {
      if (++calls === 3) controller.abort()
      return D(y, sigma)
    }
    const x = { shape: [1, 2], data: new Float64Array(2).fill(80) }
    const run = info.sample(aborting, x, sigmas, {
      noise: createNoise(1),
      extra,
      signal: controller.signal
    })
    await expect(run).rejects.toBeInstanceOf(SamplingCancelled)
    expect(calls).toBe(3)
    const pre = new AbortController()
    pre.abort()
    await expect(
      info.sample(aborting, x, sigmas, { noise: createNoise(1), extra, signal: pre.signal })
    ).rejects.toBeInstanceOf(SamplingCancelled)
    expect(calls).toBe(3)
  })

  it('is bit-reproducible and independent of the batch size', async () => {
    const mix = createMixture(
      [
        [1, 0],
        [-1, 0.5]
      ],
      0.3
    )
    const M = mixtureDenoiser(mix)
    const sig = edmSigmas(8)
    const ex =
      info.name === 'analytic-ddpm'
        ? { gamma: encodeGamma(new Float64Array(8).fill(0.5)) }
        : undefined
    const a = await sampleSeeded(info.sample, M, [4, 2], sig, 42, ex)
    const b = await sampleSeeded(info.sample, M, [4, 2], sig, 42, ex)
    expect(Array.from(a.data)).toStrictEqual(Array.from(b.data))
    for (let k = 0; k < 4; k++) {
      const alone = await sampleFromNoise(info.sample, M, [1, 2], sig, streamOf(42, k), ex)
      expect(Array.from(alone.data)).toStrictEqual(Array.from(a.data.subarray(2 * k, 2 * k + 2)))
    }
    const other = await sampleSeeded(info.sample, M, [4, 2], sig, 43, ex)
    expect(other.data).not.toEqual(a.data)
  })
})

describe('parameters', () => {
  const sigmas = edmSigmas(3)
  const x = { shape: [1, 1], data: Float64Array.from([80]) }
  const byName = new Map(stochasticSamplers.map((i) => [i.name, i]))
  it('rejects out-of-range and unknown choices', async () => {
    const ea = byName.get('euler-ancestral')!
    await expect(
      ea.sample(D, x, sigmas, { noise: createNoise(0), extra: { eta: -1 } })
    ).rejects.toThrow(RangeError)
    const sde = byName.get('dpmpp-2m-sde')!
    await expect(
      sde.sample(D, x, sigmas, { noise: createNoise(0), extra: { solver_type: 'rk4' } })
    ).rejects.toThrow(RangeError)
    await expect(
      byName
        .get('analytic-ddpm')!
        .sample(D, x, sigmas, { noise: createNoise(0), extra: { gamma: 'not,numbers' } })
    ).rejects.toThrow(/extra.gamma/)
  })
  it('rejects σ lists that are not strictly decreasing', async () => {
    const bad = Float64Array.from([1, 1, 0])
    await expect(byName.get('ddpm')!.sample(D, x, bad, { noise: createNoise(0) })).rejects.toThrow(
      RangeError
    )
  })
  it('has unique names', () => {
    expect(new Set(stochasticSamplers.map((i) => i.name)).size).toBe(stochasticSamplers.length)
  })
})
