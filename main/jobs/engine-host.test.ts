// The real engine host process (forked Node, real onnxruntime-node, the starter model).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { JobSpecSchema, SettingsSchema, type EngineJobUpdate } from '../contract'
import { EngineClient } from './engine-client'
import { spawnNodeEngine } from './engine-process'

const out = mkdtempSync(join(tmpdir(), 'engine-host-'))
// The forked host inherits this: its calibration file and user models stay in the temporary folder.
process.env.STUDIO_DATA_DIR = join(out, 'data')
const settings = SettingsSchema.parse({ device: 'cpu', previewEvery: 1 })
const engine = new EngineClient(spawnNodeEngine)
afterAll(() => {
  engine.dispose()
  rmSync(out, { recursive: true, force: true })
})

function spec(steps: number) {
  return JobSpecSchema.parse({
    task: 'image.generate',
    model: 'emoji-32',
    steps,
    sampler: 'euler',
    seed: 1
  })
}

describe('engine host', () => {
  it('streams steps with previews, writes the artifact, and finishes', async () => {
    const updates: EngineJobUpdate[] = []
    const final = await engine.run({ jobId: 'ok', spec: spec(3), settings, outputDir: out }, (u) =>
      updates.push(u)
    )
    expect(final).toEqual({ type: 'done' })
    expect(updates[0].type).toBe('started')
    const steps = updates.filter((u) => u.type === 'step')
    expect(steps.map((s) => s.type === 'step' && s.i)).toEqual([1, 2, 3])
    // Previews cross the process boundary as bytes (structured clone), not base64 text.
    const preview = steps[0].type === 'step' ? steps[0].preview : undefined
    expect(preview?.kind).toBe('image')
    expect(preview?.kind === 'image' && preview.rgba).toBeInstanceOf(Uint8Array)
    expect(preview?.kind === 'image' && preview.rgba.length).toBe(32 * 32 * 4)
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toEqual(['ok.png'])
  })

  it('cancels between denoiser calls, leaving no file', async () => {
    let cancelled = false
    const final = await engine.run(
      { jobId: 'stop', spec: spec(500), settings, outputDir: out },
      (u) => {
        if (u.type === 'step' && !cancelled) {
          cancelled = true
          engine.cancel('stop')
        }
      }
    )
    expect(final.type).toBe('cancelled')
    expect(readdirSync(out).filter((f) => f.startsWith('stop'))).toEqual([])
  })

  it('fails the job with engine-crashed when the host is killed, and the next job runs', async () => {
    let killed = false
    const final = await engine.run(
      { jobId: 'crash', spec: spec(500), settings, outputDir: out },
      (u) => {
        if (u.type === 'step' && !killed) {
          killed = true
          process.kill(engine.pid ?? 0, 'SIGKILL')
        }
      }
    )
    expect(final.type === 'failed' && final.error.code).toBe('engine-crashed')
    const next = await engine.run(
      { jobId: 'after', spec: spec(2), settings, outputDir: out },
      () => {}
    )
    expect(next).toEqual({ type: 'done' })
  })

  it('answers a job for an unknown model with a typed failure', async () => {
    const bad = JobSpecSchema.parse({ task: 'image.generate', model: 'nope' })
    const final = await engine.run({ jobId: 'bad', spec: bad, settings, outputDir: out }, () => {})
    expect(final.type === 'failed' && final.error.code).toBe('unknown-model')
  })
})
