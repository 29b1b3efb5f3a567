// The sampling loop's previews: every `previewEvery` steps, no more often than a window shows them
// (stepIntervalMs, by the context's clock), and always at the last step.
import { describe, expect, it } from 'vitest'
import { SettingsSchema, stepIntervalMs, type EngineJobUpdate } from '../../../contract'
import type { Sampler, Tensor } from '../../../diffusion/types'
import type { ResolvedSampling } from '../../../tasks'
import type { PipelineContext } from '../context'
import { runSampling } from './sampling'

/** A sampler that walks the σ list, reporting x as the x0 estimate; `tick` runs before each step. */
const walker =
  (tick: () => void): Sampler =>
  async (_denoise, x, sigmas, { onStep }) => {
    for (let i = 0; i < sigmas.length - 1; i++) {
      tick()
      onStep?.({
        i,
        n: sigmas.length - 1,
        sigma: sigmas[i]!,
        sigmaNext: sigmas[i + 1]!,
        x,
        denoised: x
      })
    }
    return x
  }

/** Runs `steps` steps where each takes `msPerStep` of the fake clock; returns the steps that carried a preview. */
async function previewedSteps(steps: number, msPerStep: number, previewEvery: number) {
  let clock = 1000
  const updates: EngineJobUpdate[] = []
  const context = {
    settings: SettingsSchema.parse({ previewEvery }),
    signal: new AbortController().signal,
    emit: (u: EngineJobUpdate) => updates.push(u),
    now: () => clock
  } as unknown as PipelineContext
  const x: Tensor = { shape: [1, 1], data: new Float64Array([0.5]) }
  const sampler = walker(() => (clock += msPerStep))
  let made = 0
  await runSampling(context, {
    sampling: {
      sigmas: new Float64Array(steps + 1).map((_, i) => steps - i)
    } as unknown as ResolvedSampling,
    sampler: { name: 'walker', sample: sampler },
    denoise: async (t) => t,
    x,
    noise: { next: () => 0 } as never,
    extra: {},
    preview: () => {
      made++
      return { kind: 'image', width: 1, height: 1, rgba: new Uint8Array(4) }
    }
  })
  const withPreview = updates.flatMap((u) => (u.type === 'step' && u.preview ? [u.i] : []))
  expect(made).toBe(withPreview.length)
  return withPreview
}

describe('previews in the sampling loop', () => {
  it('slow steps: every step previews (each is longer than the interval)', async () => {
    expect(await previewedSteps(5, stepIntervalMs, 1)).toEqual([1, 2, 3, 4, 5])
  })

  it('fast steps: at most one preview per interval, the first and the last always', async () => {
    // 10 ms a step, a 50 ms interval: steps 1, 6, 11, 16 and the last (20).
    expect(stepIntervalMs).toBe(50)
    expect(await previewedSteps(20, 10, 1)).toEqual([1, 6, 11, 16, 20])
  })

  it('previewEvery still picks the steps; 0 makes none', async () => {
    expect(await previewedSteps(10, 100, 3)).toEqual([1, 4, 7, 10])
    expect(await previewedSteps(10, 100, 0)).toEqual([])
  })
})
