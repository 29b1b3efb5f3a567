import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobSpecSchema, SettingsSchema, type JobEvent, type JobRecord } from '../contract'
import { JobStore } from '../storage/job-store'
import { EngineClient } from './engine-client'
import { JobQueue } from './queue'
import { FakeEngine } from './testing/fake-engine'

const spec = JobSpecSchema.parse({ task: 'image.generate', model: 'toy', seed: 1 })

function until(events: JobEvent[], predicate: (e: JobEvent) => boolean): Promise<JobEvent> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000
    const poll = () => {
      const found = events.find(predicate)
      if (found) resolve(found)
      else if (Date.now() > deadline) reject(new Error('event never came'))
      else setTimeout(poll, 2)
    }
    poll()
  })
}

describe('JobQueue', () => {
  let dir: string
  let store: JobStore
  let fake: FakeEngine
  let engine: EngineClient
  let queue: JobQueue
  let events: JobEvent[]

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'queue-'))
    store = new JobStore(join(dir, 'history.sqlite'))
    fake = new FakeEngine()
    engine = new EngineClient(fake.spawn)
    queue = new JobQueue({
      store,
      engine,
      outputDir: dir,
      settings: () => SettingsSchema.parse({}),
      hardCancelMs: 100
    })
    events = []
    queue.on((e) => events.push(e))
  })

  afterEach(() => {
    engine.dispose()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs a job and emits queued, started, steps, artifact, done in order', async () => {
    const job = queue.enqueue(spec)
    await queue.drained()
    const kinds = events.map((e) => e.type)
    expect(kinds[0]).toBe('queued')
    expect(kinds[1]).toBe('started')
    expect(kinds.filter((k) => k === 'step')).toHaveLength(fake.steps)
    expect(kinds.slice(-2)).toEqual(['artifact', 'done'])
    const saved = store.get(job.id) as JobRecord
    expect(saved.status).toBe('done')
    expect(saved.artifacts.map((a) => a.path)).toEqual([`/tmp/${job.id}.png`])
    expect(saved.execution?.provider).toBe('cpu')
    expect(saved.finishedAt).toBeGreaterThanOrEqual(saved.startedAt ?? Infinity)
    // The started event carries the record's start, so a window's elapsed counts from the same instant.
    const started = events.find((e) => e.type === 'started')
    expect(started && 'startedAt' in started ? started.startedAt : undefined).toBe(saved.startedAt)
  })

  it('runs one job at a time, in order', async () => {
    const a = queue.enqueue(spec)
    const b = queue.enqueue(spec)
    await queue.drained()
    const order = events
      .filter((e) => e.type === 'started' || e.type === 'done')
      .map((e) => `${e.type}:${e.jobId}`)
    expect(order).toEqual([`started:${a.id}`, `done:${a.id}`, `started:${b.id}`, `done:${b.id}`])
  })

  it('cancels a queued job without running it', async () => {
    fake.steps = 20
    const a = queue.enqueue(spec)
    const b = queue.enqueue(spec)
    expect(await queue.cancel(b.id)).toEqual({ cancelled: true, status: 'cancelled' })
    await queue.drained()
    expect(store.get(b.id)?.status).toBe('cancelled')
    expect(events.some((e) => e.type === 'started' && e.jobId === b.id)).toBe(false)
    expect(store.get(a.id)?.status).toBe('done')
  })

  it('cancels a running job between steps', async () => {
    fake.steps = 1000
    const job = queue.enqueue(spec)
    await until(events, (e) => e.type === 'step')
    expect(await queue.cancel(job.id)).toEqual({ cancelled: true, status: 'cancelled' })
    await queue.drained()
    expect(store.get(job.id)?.status).toBe('cancelled')
    expect(fake.current?.alive).toBe(true)
  })

  it('answers the truth when the cancel lands after the last denoiser call: not cancelled, done', async () => {
    fake.behaviour = 'late-cancel'
    fake.writeArtifacts = true
    const job = queue.enqueue(spec)
    await until(events, (e) => e.type === 'step' && e.i === e.n)
    const outcome = await queue.cancel(job.id)
    // The cancel reached the running job's engine, and the answer waited for how it really ended.
    expect(fake.current?.received.some((r) => r.type === 'cancel')).toBe(true)
    expect(outcome).toEqual({ cancelled: false, status: 'done' })
    expect(store.get(job.id)?.status).toBe('done')
    expect(store.get(job.id)?.artifacts).toHaveLength(1)
    fake.writeArtifacts = false
  })

  it('a cancel sent as the job starts (before its first step) ends it cancelled, and says so', async () => {
    fake.steps = 1000
    const job = queue.enqueue(spec)
    const outcome = await queue.cancel(job.id)
    expect(outcome).toEqual({ cancelled: true, status: 'cancelled' })
    expect(store.get(job.id)?.status).toBe('cancelled')
    expect(events.some((e) => e.type === 'done' && e.jobId === job.id)).toBe(false)
  })

  it('hard-cancels by restarting an engine that ignores the cancel', async () => {
    fake.behaviour = 'ignore-cancel'
    const job = queue.enqueue(spec)
    await until(events, (e) => e.type === 'step')
    expect(await queue.cancel(job.id)).toEqual({ cancelled: true, status: 'cancelled' })
    await queue.drained()
    expect(store.get(job.id)?.status).toBe('cancelled')
    expect(fake.spawned[0].alive).toBe(false)
    fake.behaviour = 'normal'
    const next = queue.enqueue(spec)
    await queue.drained()
    expect(store.get(next.id)?.status).toBe('done')
    expect(fake.spawned).toHaveLength(2)
  })

  it('fails the running job when the engine crashes, then runs the next on a new engine', async () => {
    fake.steps = 1000
    const job = queue.enqueue(spec)
    await until(events, (e) => e.type === 'step')
    fake.current?.crash()
    await queue.drained()
    const failed = events.find((e) => e.type === 'failed')
    expect(failed?.type === 'failed' && failed.error.code).toBe('engine-crashed')
    expect(store.get(job.id)?.error?.code).toBe('engine-crashed')
    fake.steps = 3
    const next = queue.enqueue(spec)
    await queue.drained()
    expect(store.get(next.id)?.status).toBe('done')
    expect(fake.spawned).toHaveLength(2)
  })

  it('ignores malformed engine messages', async () => {
    const job = queue.enqueue(spec)
    fake.current?.sendGarbage()
    await queue.drained()
    expect(store.get(job.id)?.status).toBe('done')
  })

  it('after a restart: the interrupted job is marked so, queued jobs run in order', async () => {
    const now = Date.now()
    const record = {
      schemaVersion: 2 as const,
      spec,
      createdAt: now,
      artifacts: [],
      warnings: [],
      inputNotes: []
    }
    store.save({ ...record, id: 'left', status: 'running' })
    store.save({ ...record, id: 'next-1', status: 'queued', createdAt: now + 1 })
    store.save({ ...record, id: 'next-2', status: 'queued', createdAt: now + 2 })
    const again = new JobQueue({
      store,
      engine,
      outputDir: dir,
      settings: () => SettingsSchema.parse({})
    })
    expect(again.get('left')).toMatchObject({ status: 'failed', interrupted: true })
    expect(store.get('left')?.error?.code).toBe('engine-crashed')
    expect(again.active().map((j) => j.id)).toEqual(['next-1', 'next-2'])
    const done: string[] = []
    again.on((e) => e.type === 'done' && done.push(e.jobId))
    await again.drained()
    expect(done).toEqual(['next-1', 'next-2'])
    expect(store.get('next-2')?.status).toBe('done')
  })

  it('records how far a cancelled job got', async () => {
    const job = queue.enqueue(spec)
    queue.on((e) => {
      if (e.type === 'step' && e.jobId === job.id) void queue.cancel(job.id)
    })
    await queue.drained()
    expect(store.get(job.id)).toMatchObject({ status: 'cancelled', progress: { i: 1 } })
  })

  it('runs a job on the device its spec names, else the settings device', async () => {
    queue.enqueue(JobSpecSchema.parse({ task: 'image.generate', model: 'toy', device: 'webgpu' }))
    queue.enqueue(spec)
    await queue.drained()
    const runs = fake.spawned.flatMap((p) => p.received).filter((r) => r.type === 'run')
    expect(runs.map((r) => r.type === 'run' && r.settings.device)).toEqual(['webgpu', 'auto'])
  })

  it('keeps running jobs, and emits their events, when the history store fails to write', async () => {
    const saved = new Map<string, JobRecord>()
    const flaky = {
      save: (job: JobRecord) => {
        if (job.status !== 'queued') throw new Error('SQLITE_FULL')
        saved.set(job.id, job)
      },
      get: (id: string) => saved.get(id),
      list: () => [...saved.values()],
      unfinished: () => []
    } as unknown as JobStore
    const original = console.error
    console.error = () => undefined
    try {
      const q = new JobQueue({
        store: flaky,
        engine,
        outputDir: dir,
        settings: () => SettingsSchema.parse({})
      })
      const seen: JobEvent[] = []
      q.on((e) => seen.push(e))
      const a = q.enqueue(spec)
      const b = q.enqueue(spec)
      await q.drained()
      expect(seen.filter((e) => e.type === 'done').map((e) => e.jobId)).toEqual([a.id, b.id])
    } finally {
      console.error = original
    }
  })

  it('reports false when cancelling a job that already ended', async () => {
    const job = queue.enqueue(spec)
    await queue.drained()
    expect(await queue.cancel(job.id)).toEqual({ cancelled: false, status: 'done' })
    expect(await queue.cancel('no-such-job')).toBeUndefined()
  })
})
