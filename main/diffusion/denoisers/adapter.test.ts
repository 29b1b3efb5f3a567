import { describe, expect, it } from 'vitest'
import { createDenoiser, vpInputScale } from './adapter'
import type { DenoiserSpec, ModelFn } from './adapter'
import { modelTime, sigmaOfTimestep, vpTimeOfSigma } from './timestep'
import { discreteSchedule } from '../schedules/discrete'
import { vpSigmaAt } from '../schedules/continuous'
import { gaussianDenoiser } from '../testing/gaussian'
import { maxAbsDiff } from '../tensor'
import type { Tensor } from '../types'

// x0 ~ N(μ, s²): each fake network below returns its own parameterisation of the exact D, recovering σ
// from the time value it is given, so the adapter's input scaling, time map and output conversion are
// all checked against the one exact answer.
const g = { mu: 0.3, s: 0.8 }
const exact = gaussianDenoiser(g)
const table = discreteSchedule({
  betas: { kind: 'scaled-linear', betaStart: 0.00085, betaEnd: 0.012, steps: 1000 }
})
const x: Tensor = { shape: [2, 3], data: Float64Array.from([1.5, -2, 0.25, 4, 0.1, -0.7]) }

/** Wraps "given input u = c_in·x and σ, return this output" into a raw network call. */
function fake(
  sigmaOf: (t: number) => number,
  unscale: (u: number, sigma: number) => number,
  output: (x: number, d: number, sigma: number) => number
): ModelFn {
  return async (input, t) => {
    const sigma = sigmaOf(t[0])
    const xs = { shape: input.shape, data: input.data.map((u) => unscale(u, sigma)) }
    const d = (await exact(xs, sigma)).data
    return { shape: input.shape, data: xs.data.map((xi, i) => output(xi, d[i], sigma)) }
  }
}
const vpUnscale = (u: number, s: number) => u / vpInputScale(s)
const discreteSigma = (t: number) => sigmaOfTimestep(table, t)

const cases: [string, DenoiserSpec, ModelFn][] = [
  [
    'ε (discrete VP model)',
    { prediction: 'eps', timestep: { kind: 'discrete', schedule: table } },
    fake(discreteSigma, vpUnscale, (xi, d, s) => (xi - d) / s)
  ],
  [
    'v (discrete VP model)',
    { prediction: 'v', timestep: { kind: 'discrete', schedule: table } },
    fake(discreteSigma, vpUnscale, (xi, d, s) => {
      const a = 1 / Math.sqrt(1 + s * s)
      return (a * (xi - d)) / s - s * a * d // v = α·ε − σ_vp·x0
    })
  ],
  [
    'x0 (continuous VP time)',
    { prediction: 'x0', timestep: { kind: 'vp-continuous', scale: 999 } },
    fake(
      (t) => vpSigmaAt(t / 999),
      vpUnscale,
      (_x, d) => d
    )
  ],
  [
    'score (VE, t = σ)',
    { prediction: 'score', timestep: { kind: 'sigma' } },
    fake(
      (t) => t,
      (u) => u,
      (xi, d, s) => (d - xi) / (s * s)
    )
  ],
  [
    'score of the VP-scaled input',
    { prediction: 'score', timestep: { kind: 'sigma' }, inputScaling: 'vp' },
    fake(
      (t) => t,
      vpUnscale,
      (xi, d, s) => (d - xi) / (s * s) / vpInputScale(s)
    )
  ],
  [
    'EDM preconditioning (σ_data = 0.5)',
    { prediction: 'edm' },
    fake(
      (c) => Math.exp(4 * c),
      (u, s) => u * Math.sqrt(s * s + 0.25),
      (xi, d, s) => (d - (0.25 / (s * s + 0.25)) * xi) / ((s * 0.5) / Math.sqrt(s * s + 0.25))
    )
  ],
  [
    'rectified flow velocity (t·1000)',
    { prediction: 'flow' },
    fake(
      (t) => t / 1000 / (1 - t / 1000),
      (u, s) => u * (1 + s),
      (xi, d, s) => (xi - d) / s - d // v = n − x0
    )
  ]
]

describe('createDenoiser', () => {
  it.each(cases)('%s gives the exact Gaussian D at every σ', async (_name, spec, model) => {
    const denoise = createDenoiser(model, spec)
    for (const sigma of [0.05, 0.7, 3, 14]) {
      const want = await exact(x, sigma)
      const got = await denoise(x, sigma)
      expect(got.shape).toEqual(x.shape)
      expect(maxAbsDiff(got.data, want.data)).toBeLessThan(1e-10 * (1 + sigma))
    }
  })

  it('passes the VP-scaled input and one time value per batch element', async () => {
    let seen: { input: Float64Array; t: Float64Array } | undefined
    const model: ModelFn = async (input, t) => {
      seen = { input: input.data.slice(), t: t.slice() }
      return { shape: input.shape, data: new Float64Array(input.data.length) }
    }
    const d = createDenoiser(model, {
      prediction: 'eps',
      timestep: { kind: 'discrete', schedule: table }
    })
    const out = await d(x, table.sigmas[500])
    expect(Array.from(seen!.t)).toEqual([500, 500])
    expect(seen!.input[0]).toBe(1.5 / Math.sqrt(table.sigmas[500] ** 2 + 1))
    expect(out.data).toEqual(x.data) // ε = 0 ⇒ D = x
  })

  it('rounds to the nearest integer timestep for int64 exports', async () => {
    const ts: number[] = []
    const model: ModelFn = async (input, t) => {
      ts.push(t[0])
      return { shape: input.shape, data: new Float64Array(input.data.length) }
    }
    const spec = { kind: 'discrete', schedule: table } as const
    const d = createDenoiser(model, { prediction: 'eps', timestep: { ...spec, round: true } })
    const between = Math.sqrt(table.sigmas[41] * table.sigmas[42]) // t = 41.5 → ties away? use 41.4
    await d(x, sigmaOfTimestep(table, 41.4))
    await d(x, sigmaOfTimestep(table, 41.6))
    expect(ts).toEqual([41, 42])
    expect(modelTime(spec, between)).toBeCloseTo(41.5, 12)
  })
})

describe('time maps', () => {
  it('VP continuous time inverts σ(t); EDM uses ln σ / 4; flow uses σ/(1+σ)', () => {
    for (const t of [1e-3, 0.2, 0.5, 1]) expect(vpTimeOfSigma(vpSigmaAt(t))).toBeCloseTo(t, 12)
    expect(modelTime({ kind: 'edm' }, Math.exp(2))).toBeCloseTo(0.5, 15)
    expect(modelTime({ kind: 'flow', scale: 1000 }, 3)).toBe(750)
    expect(modelTime({ kind: 'custom', fn: (s) => 2 * s }, 3)).toBe(6)
  })
})
