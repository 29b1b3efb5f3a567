import { describe, expect, it } from 'vitest'
import type { Tensor } from '../types'
import { planWindows, windowedDenoiser } from './windows'

const ramp = (shape: number[]): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  return { shape, data: Float64Array.from({ length: n }, (_, i) => i) }
}

describe('windowed denoiser (MultiDiffusion)', () => {
  it('plans windows that cover the axis: one when it fits, the last ending at the end', () => {
    expect(planWindows(64, 64, 16, false).offsets).toEqual([0])
    const p = planWindows(200, 64, 16, false)
    expect(p.offsets[0]).toBe(0)
    expect(p.offsets.at(-1)).toBe(136)
    for (let k = 1; k < p.offsets.length; k++)
      expect(p.offsets[k] - p.offsets[k - 1]).toBeLessThanOrEqual(48)
    expect(() => planWindows(40, 64, 16, false)).toThrow(RangeError)
    // Circular: equal spacing over the whole axis, also for a clip shorter than a window.
    expect(planWindows(96, 64, 16, true).offsets).toEqual([0, 48])
    expect(planWindows(40, 64, 16, true).offsets).toEqual([0])
  })

  it('a window-wise linear denoiser gives the same linear map over the long axis (weights sum to 1)', async () => {
    for (const circular of [false, true]) {
      const plan = planWindows(150, 64, 16, circular)
      const d = windowedDenoiser(
        async (x) => ({ shape: x.shape, data: x.data.map((v) => 0.5 * v + 1) }),
        plan,
        3
      )
      const x = ramp([2, 1, 3, 150])
      const out = await d(x, 1)
      expect(out.shape).toEqual([2, 1, 3, 150])
      out.data.forEach((v, i) => expect(v).toBeCloseTo(0.5 * x.data[i] + 1, 10))
    }
  })

  it('works on an inner axis too ([B, C, F, H, W] frames) and batches every window of every sample', async () => {
    const plan = planWindows(20, 16, 4, false)
    let rows = 0
    const d = windowedDenoiser(
      async (x) => {
        rows = x.shape[0]
        expect(x.shape.slice(1)).toEqual([3, 16, 2, 2])
        return x
      },
      plan,
      2
    )
    const x = ramp([2, 3, 20, 2, 2])
    const out = await d(x, 1)
    expect(rows).toBe(2 * plan.offsets.length)
    out.data.forEach((v, i) => expect(v).toBeCloseTo(x.data[i], 10))
  })

  it('loop: windows wrap around the end and shift at every call', async () => {
    const plan = planWindows(96, 64, 16, true)
    const seen: number[][] = []
    const d = windowedDenoiser(
      async (x) => {
        // The time positions window 1 read (the ramp's value is the position).
        seen.push(Array.from(x.data.subarray(64, 128)))
        return x
      },
      plan,
      3
    )
    await d(ramp([1, 1, 1, 96]), 1)
    await d(ramp([1, 1, 1, 96]), 1)
    // Call 0: window 1 starts at 48 and wraps: 48 … 95, 0 … 15.
    expect(seen[0].slice(46, 50)).toEqual([94, 95, 0, 1])
    // Call 1: shifted by a third of a window (21).
    expect(seen[1][0]).toBe(69)
  })
})
