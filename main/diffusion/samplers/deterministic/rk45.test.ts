import { describe, expect, it } from 'vitest'
import { sampleRk45WithStats } from './rk45'
import { createNoise } from '../../rng/noise'
import { karrasSigmas } from '../../schedules/continuous'
import { countingDenoiser, gaussianDenoiser, gaussianOdeSolution } from '../../testing/gaussian'
import { TEST_GAUSSIAN, gaussianStart } from '../../testing/convergence'
import { maxAbsDiff } from '../../tensor'

const g = TEST_GAUSSIAN
const xT = gaussianStart(g, 80)

describe('RK45 (Dormand–Prince) on the PF-ODE', () => {
  it('hits the closed form to ~1e-6 and tightens with the tolerance', async () => {
    const sigmas = Float64Array.from([80, 0.002])
    const want = gaussianOdeSolution(g, xT, 80, 0.002)
    const loose = await sampleRk45WithStats(gaussianDenoiser(g), xT, sigmas, {
      noise: createNoise(0),
      extra: { rtol: 1e-7, atol: 1e-7 }
    })
    expect(maxAbsDiff(loose.x.data, want.data)).toBeLessThan(1e-6)
    const tight = await sampleRk45WithStats(gaussianDenoiser(g), xT, sigmas, {
      noise: createNoise(0),
      extra: { rtol: 1e-10, atol: 1e-10 }
    })
    expect(maxAbsDiff(tight.x.data, want.data)).toBeLessThan(1e-9)
    expect(tight.nfe).toBeGreaterThan(loose.nfe)
  })

  it('counts its calls: 2 to start, 6 per attempted step (FSAL), 1 for the final σ = 0', async () => {
    const { denoise, calls } = countingDenoiser(gaussianDenoiser(g))
    const sigmas = Float64Array.from([...karrasSigmas(4, 0.002, 80), 0])
    const seen: number[] = []
    const r = await sampleRk45WithStats(denoise, xT, sigmas, {
      noise: createNoise(0),
      onStep: (s) => seen.push(s.i)
    })
    expect(r.nfe).toBe(calls.length)
    expect(r.nfe).toBe(2 + 6 * (r.accepted + r.rejected) + 1)
    expect(seen).toEqual([0, 1, 2, 3])
    // at each output point the reported x is on the exact trajectory
    const want = gaussianOdeSolution(g, xT, 80, 0.002)
    expect(maxAbsDiff((await gaussianDenoiser(g)(want, 0.002)).data, r.x.data)).toBeLessThan(1e-3)
  })
})
