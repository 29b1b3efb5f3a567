// Large batches of point-cloud and molecule jobs run in chunks of rows: the same values as one call, a
// cancel that lands between chunks (within one bounded session.run), and pre-flight warnings that count
// the job's own size.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelManifestSchema, SettingsSchema, type ModelManifest } from '../../../contract'
import { SamplingCancelled } from '../../../diffusion/types'
import { projectRoot } from '../../../platform/paths'
import { writeTiny3dModel } from '../../../onnx/testing/tiny-models'
import { denoiserSpecFor } from '../../../tasks'
import { Runtime, type ComponentSession } from '../../runtime'
import { runWarnings } from '../../preflight/warnings'
import type { PipelineContext } from '../context'
import { positionsPerCall, rowsPerCallFor } from './denoiser'
import { conditionalDenoiser, denoiserSession } from './network'

const work = mkdtempSync(join(tmpdir(), 'chunks-'))
let runtime: Runtime
let model: { dir: string; manifest: ModelManifest }
beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 256 })
  model = {
    dir: join(work, 'tiny-shapes'),
    manifest: writeTiny3dModel(work, 'tiny-shapes', 'shapes')
  }
})
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

const context = () => ({ runtime }) as unknown as PipelineContext
const rows = 7
const points = 64
const x = {
  shape: [rows, points, 3],
  data: Float64Array.from({ length: rows * points * 3 }, (_, k) => Math.sin(k * 0.37))
}
const labels = Array.from({ length: rows }, (_, r) => r % 2)

async function network(rowsPerCall: number, signal?: AbortSignal, onRun?: () => void) {
  const session = await denoiserSession(context(), model, [rowsPerCall, points, 3])
  const counted: ComponentSession = {
    ...session,
    run: (feeds) => {
      onRun?.()
      return session.run(feeds)
    }
  }
  return conditionalDenoiser(counted, model.manifest, denoiserSpecFor(model.manifest), {
    rowsPerCall,
    signal
  })
}

describe('a batch in chunks of rows', () => {
  it('gives the values of one call on every row (the last chunk padded)', async () => {
    const whole = await (await network(rows))(x, 2.5, { labels })
    let runs = 0
    const chunked = await (await network(3, undefined, () => runs++))(x, 2.5, { labels })
    expect(runs).toBe(3) // 3 + 3 + 1 (padded to 3)
    expect(chunked.shape).toEqual(whole.shape)
    expect(Array.from(chunked.data)).toEqual(Array.from(whole.data))
  })

  it('a cancel during a chunk stops before the next: one session.run, then SamplingCancelled', async () => {
    const controller = new AbortController()
    let runs = 0
    const D = await network(2, controller.signal, () => {
      runs++
      controller.abort()
    })
    await expect(D(x, 2.5, { labels })).rejects.toBeInstanceOf(SamplingCancelled)
    expect(runs).toBe(1)
  })

  it('sizes chunks from the positions per call: images whole, points and atoms bounded', () => {
    expect(rowsPerCallFor('image', 128, 4096)).toBe(128)
    expect(rowsPerCallFor('point-cloud', 128, 2048)).toBe(32)
    expect(rowsPerCallFor('point-cloud', 128, 16384)).toBe(4)
    expect(rowsPerCallFor('point-cloud', 3, 2048)).toBe(3)
    // Equal chunks: 100 rows of 2048 points in 4 calls of 25, not 32 + 32 + 32 + 4.
    expect(rowsPerCallFor('point-cloud', 100, 2048)).toBe(25)
    expect(rowsPerCallFor('molecule', 64, 29 * 29)).toBe(64)
    expect(positionsPerCall).toBe(65536)
  })
})

describe('pre-flight of a large point-cloud job (shapes-2k, 16,384 points × 64)', () => {
  const shapes = ModelManifestSchema.parse(
    JSON.parse(
      readFileSync(join(projectRoot, 'native-models/starter/shapes-2k/manifest.json'), 'utf8')
    )
  )
  const calibration = {
    provider: 'cpu',
    deviceName: 'Test CPU',
    msPerGflop: 54,
    overheadMs: 0.1,
    measuredAt: '2026-01-01T00:00:00Z'
  }
  const settings = SettingsSchema.parse({})
  // 64 shapes × 2 (guidance): the coarse stage (Heun, 13 steps = 25 calls at 2048 points) and the dense
  // one (RePaint over 16,384 points: 43 calls).
  const coarse = { batch: 128, rowsPerCall: 32, positions: 2048, steps: 13, callsPerStep: 2 }
  const dense = { batch: 128, rowsPerCall: 4, positions: 16384, steps: 43, callsPerStep: 1 }

  it('warns about the time of both stages before the first, in hours', () => {
    const warnings = runWarnings(
      shapes,
      settings,
      [
        { ...coarse, calibration },
        { ...dense, calibration }
      ],
      64 * 2 ** 30
    )
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^On Test CPU this will take about \d+\.\d hours \(69 model calls of about \d+ s each\)\. Fewer steps, fewer outputs or a smaller size would be faster\.$/
    )
  })

  it('warns about memory when the job will not fit, counting its own size', () => {
    const warnings = runWarnings(
      shapes,
      settings,
      [{ ...dense, hostBytes: 2 ** 30 }],
      512 * 2 ** 20
    )
    expect(warnings[0]).toMatch(
      /^This job needs about 1\.\d GB of memory; 537 MB is free now\. Close other programs, or the run may fail with out-of-memory; fewer outputs or a smaller size need less\.$/
    )
  })
})
