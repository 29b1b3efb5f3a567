import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../contract'
import { record, imageArtifact, imagePreview, spec } from '../testing/fixtures'
import {
  applyJobEvent,
  currentEntry,
  etaSeconds,
  progressFraction,
  pruneTable,
  runDurationMs,
  sortedJobs,
  stepRate,
  upsertRecord,
  type JobTable
} from './job-table'

const preview = imagePreview(1, 1, 0)
const execution = { provider: 'cpu', deviceName: 'CPU' }

function run(events: JobEvent[], table: JobTable = {}, start = 10_000): JobTable {
  events.forEach((e, k) => applyJobEvent(table, e, start + k * 100))
  return table
}

describe('applyJobEvent', () => {
  it('follows a job from queued to done', () => {
    const queued = record('a')
    const done = record('a', {
      status: 'done',
      startedAt: 1100,
      finishedAt: 1500,
      artifacts: [imageArtifact(0, { path: 'a.png' })]
    })
    const table = run([
      { type: 'queued', jobId: 'a', job: queued },
      { type: 'started', jobId: 'a', execution },
      { type: 'step', jobId: 'a', i: 1, n: 4, preview },
      { type: 'step', jobId: 'a', i: 2, n: 4 },
      { type: 'step', jobId: 'a', i: 3, n: 4, preview },
      { type: 'artifact', jobId: 'a', artifact: done.artifacts[0] },
      { type: 'done', jobId: 'a', job: done }
    ])
    const entry = table.a
    expect(entry.record.status).toBe('done')
    expect(entry.record.execution).toEqual(execution)
    expect(entry.record.artifacts).toHaveLength(1)
    expect(entry.progress).toEqual({ i: 4, n: 4 })
    expect(entry.previewCount).toBe(2)
    expect(entry.preview).toBeNull()
    expect(progressFraction(entry)).toBe(1)
  })

  it('marks a job running on its first step even without a started event', () => {
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'step', jobId: 'a', i: 0, n: 10 }
    ])
    expect(table.a.record.status).toBe('running')
    expect(table.a.record.startedAt).toBe(10_100)
    expect(progressFraction(table.a)).toBe(0)
  })

  it('keeps the latest preview and counts them', () => {
    const other = imagePreview(1, 1, 255)
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'step', jobId: 'a', i: 1, n: 3, preview },
      { type: 'step', jobId: 'a', i: 2, n: 3, preview: other }
    ])
    expect(table.a.preview).toEqual(other)
    expect(table.a.previewCount).toBe(2)
  })

  it('records failures with their error and keeps the last preview', () => {
    const error = { code: 'engine-crashed' as const, message: 'The engine host exited (SIGKILL).' }
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'step', jobId: 'a', i: 5, n: 200, preview },
      { type: 'failed', jobId: 'a', error, job: record('a', { status: 'failed' }) }
    ])
    expect(table.a.record.status).toBe('failed')
    expect(table.a.record.error).toEqual(error)
    expect(table.a.preview).toEqual(preview)
    expect(table.a.progress).toEqual({ i: 5, n: 200 })
  })

  it('never moves a job backwards: a late queued record after done is ignored', () => {
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'done', jobId: 'a', job: record('a', { status: 'done', finishedAt: 2000 }) }
    ])
    upsertRecord(table, record('a'))
    expect(table.a.record.status).toBe('done')
    applyJobEvent(table, { type: 'step', jobId: 'a', i: 1, n: 2 }, 0)
    expect(table.a.record.status).toBe('done')
  })

  it('keeps the first terminal verdict (cancelled stays cancelled)', () => {
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'cancelled', jobId: 'a', job: record('a', { status: 'cancelled' }) }
    ])
    upsertRecord(
      table,
      record('a', { status: 'failed', error: { code: 'cancelled', message: 'x' } })
    )
    expect(table.a.record.status).toBe('cancelled')
  })

  it('asks for a refresh when an event names a job it has not seen', () => {
    const table: JobTable = {}
    expect(applyJobEvent(table, { type: 'step', jobId: 'x', i: 1, n: 2 }, 0)).toBe('unknown-job')
    expect(applyJobEvent(table, { type: 'started', jobId: 'x', execution }, 0)).toBe('unknown-job')
    expect(table).toEqual({})
  })

  it('de-duplicates artifacts and keeps them in index order', () => {
    const a = (index: number) => imageArtifact(index, { path: `${index}.png` })
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'artifact', jobId: 'a', artifact: a(1) },
      { type: 'artifact', jobId: 'a', artifact: a(0) },
      { type: 'artifact', jobId: 'a', artifact: a(1) }
    ])
    expect(table.a.record.artifacts.map((x) => x.index)).toEqual([0, 1])
  })

  it('stores a batch’s metrics, and keeps them when the done record has none', () => {
    const table = run([
      { type: 'queued', jobId: 'a', job: record('a') },
      { type: 'metrics', jobId: 'a', metrics: { validity: 0.9 } },
      { type: 'metrics', jobId: 'a', metrics: { uniqueness: 1 } },
      { type: 'done', jobId: 'a', job: record('a', { status: 'done' }) }
    ])
    expect(table.a.record.metrics).toEqual({ validity: 0.9, uniqueness: 1 })
    expect(applyJobEvent(table, { type: 'metrics', jobId: 'b', metrics: {} }, 0)).toBe(
      'unknown-job'
    )
  })

  it('an enqueue answer arriving after the started event does not undo it', () => {
    const table: JobTable = {}
    applyJobEvent(table, { type: 'queued', jobId: 'a', job: record('a') }, 0)
    applyJobEvent(table, { type: 'started', jobId: 'a', execution }, 5)
    upsertRecord(table, record('a'))
    expect(table.a.record.status).toBe('running')
    expect(table.a.record.execution).toEqual(execution)
  })
})

describe('timing', () => {
  it("elapsed counts from the studio's start time, not from when the window heard of it", () => {
    const table: JobTable = {}
    applyJobEvent(table, { type: 'queued', jobId: 'a', job: record('a') }, 0)
    // The engine took 3 s to load before saying so; a step came first (events coalesce).
    applyJobEvent(table, { type: 'step', jobId: 'a', i: 1, n: 9 }, 7_000)
    applyJobEvent(table, { type: 'started', jobId: 'a', execution, startedAt: 4_000 }, 7_010)
    expect(table.a.record.startedAt).toBe(4_000)
    expect(runDurationMs(table.a.record, 10_000)).toBe(6_000)
    expect(runDurationMs(table.a.record, 65_000)).toBe(61_000)
  })

  it('measures step rate from the first step, and the ETA from it', () => {
    const table: JobTable = {}
    applyJobEvent(table, { type: 'queued', jobId: 'a', job: record('a') }, 0)
    applyJobEvent(table, { type: 'step', jobId: 'a', i: 1, n: 21 }, 5_000)
    applyJobEvent(table, { type: 'step', jobId: 'a', i: 11, n: 21 }, 6_000)
    expect(stepRate(table.a)).toBeCloseTo(10)
    expect(etaSeconds(table.a)).toBeCloseTo(1)
  })

  it('reports run duration from start to finish (or now)', () => {
    expect(runDurationMs(record('a'), 5000)).toBeNull()
    expect(runDurationMs(record('a', { status: 'running', startedAt: 1000 }), 4000)).toBe(3000)
    expect(
      runDurationMs(record('a', { status: 'done', startedAt: 1000, finishedAt: 1500 }), 9000)
    ).toBe(500)
  })
})

describe('sortedJobs / pruneTable', () => {
  it('lists newest first and prunes only finished jobs', () => {
    const table: JobTable = {}
    upsertRecord(table, record('old', { createdAt: 1, status: 'done' }))
    upsertRecord(table, record('mid', { createdAt: 2, status: 'failed' }))
    upsertRecord(table, record('new', { createdAt: 3, status: 'done' }))
    upsertRecord(table, record('q', { createdAt: 0, status: 'queued' }))
    expect(sortedJobs(table).map((e) => e.record.id)).toEqual(['new', 'mid', 'old', 'q'])
    pruneTable(table, 2)
    expect(Object.keys(table).sort()).toEqual(['mid', 'new', 'q'])
  })
})

describe('currentEntry: the job a workspace shows', () => {
  it("never shows another workspace's job; opened, then running, then newest of its own", () => {
    const table: JobTable = {}
    const molecule = spec({ task: 'molecule.generate' } as never)
    upsertRecord(table, record('img-old', { createdAt: 1, status: 'done' }))
    upsertRecord(table, record('img-run', { createdAt: 2, status: 'running' }))
    upsertRecord(table, record('mol', { createdAt: 3, status: 'done', spec: molecule }))
    const list = sortedJobs(table)
    expect(currentEntry(list, 'image', undefined)?.record.id).toBe('img-run')
    expect(currentEntry(list, 'molecule', undefined)?.record.id).toBe('mol')
    expect(currentEntry(list, 'point-cloud', undefined)).toBeUndefined()
    expect(currentEntry(list, 'image', 'img-old')?.record.id).toBe('img-old')
    // A job opened in another workspace is not shown here.
    expect(currentEntry(list, 'image', 'mol')?.record.id).toBe('img-run')
  })
})
