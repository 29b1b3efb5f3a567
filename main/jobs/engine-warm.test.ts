// A warm engine host (the web host's and the window's): started before the first job, restarted at once
// when it dies, and its provider probe kept between hosts (real forked hosts, real onnxruntime-node).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { JobSpecSchema, SettingsSchema, type EngineJobUpdate } from '../contract'
import { EngineClient } from './engine-client'
import { spawnNodeEngine, type EngineProcess } from './engine-process'

const out = mkdtempSync(join(tmpdir(), 'engine-warm-'))
process.env.STUDIO_DATA_DIR = join(out, 'data')
const settings = SettingsSchema.parse({ device: 'auto', previewEvery: 0 })
const clients: EngineClient[] = []
afterAll(() => {
  for (const client of clients) client.dispose()
  rmSync(out, { recursive: true, force: true })
})

/** A client whose spawned hosts are recorded, and resolves `ready` for each host's 'ready' message. */
function client() {
  const hosts: { process: EngineProcess; ready: Promise<void> }[] = []
  const engine = new EngineClient(() => {
    const process = spawnNodeEngine()
    const ready = new Promise<void>((resolve) =>
      process.onMessage((raw) => {
        if ((raw as { type?: string }).type === 'ready') resolve()
      })
    )
    hosts.push({ process, ready })
    return process
  })
  clients.push(engine)
  return { engine, hosts }
}

const spec = JobSpecSchema.parse({
  task: 'image.generate',
  model: 'emoji-32',
  steps: 2,
  sampler: 'euler',
  seed: 3
})

describe('a warm engine host', () => {
  it('starts on warm(), before any job, and a new one starts by itself when it dies', async () => {
    const { engine, hosts } = client()
    engine.warm(settings)
    expect(hosts).toHaveLength(1)
    await hosts[0]!.ready
    const first = engine.pid
    process.kill(first ?? 0, 'SIGKILL')
    await new Promise<void>((resolve) => {
      const wait = () => (hosts.length > 1 ? resolve() : setTimeout(wait, 20))
      wait()
    })
    await hosts[1]!.ready
    expect(engine.pid).not.toBe(first)
    // The restarted host runs the next job.
    const updates: EngineJobUpdate[] = []
    const final = await engine.run({ jobId: 'next', spec, settings, outputDir: out }, (u) =>
      updates.push(u)
    )
    expect(final).toEqual({ type: 'done' })
    expect(updates.filter((u) => u.type === 'step')).toHaveLength(2)
    expect(hosts).toHaveLength(2)
  })

  it('a disposed client starts no new host', async () => {
    const { engine, hosts } = client()
    engine.warm(settings)
    await hosts[0]!.ready
    engine.dispose()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(hosts).toHaveLength(1)
  })

  it('the next host trusts the probe: known missing providers are marked cached; --reprobe probes them', async () => {
    const { engine } = client()
    const fresh = await engine.info(settings, { reprobe: true })
    const missing = fresh.providers.filter(
      (p) =>
        !p.available &&
        p.reason &&
        !p.reason.startsWith('not tried') &&
        !/only available/.test(p.reason)
    )
    expect(fresh.providers.some((p) => p.cached)).toBe(false)
    const record = JSON.parse(readFileSync(join(out, 'data', 'providers.json'), 'utf8')) as {
      providers: { name: string; available: boolean }[]
    }
    expect(record.providers.find((p) => p.name === fresh.chosen)?.available).toBe(true)
    engine.dispose()

    const { engine: next } = client()
    const again = await next.info(settings)
    expect(again.chosen).toBe(fresh.chosen)
    expect(again.providers.filter((p) => p.cached).map((p) => p.name)).toEqual(
      missing.map((p) => p.name)
    )
    for (const p of missing) {
      expect(again.providers.find((q) => q.name === p.name)?.reason).toBe(p.reason)
    }
    const reprobed = await next.info(settings, { reprobe: true })
    expect(reprobed.providers.some((p) => p.cached)).toBe(false)
  })
})
