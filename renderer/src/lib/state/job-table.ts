import {
  modalityOf,
  type Execution,
  type JobEvent,
  type JobRecord,
  type JobStatus,
  type Modality,
  type Preview
} from '../contract'

/**
 * The pure part of the jobs state: a table of job entries keyed by id and a reducer that applies job
 * events to it in place. `JobsState` (jobs.svelte.ts) keeps the table in `$state`, so these in-place
 * mutations are what drives the UI; here they are plain objects and unit-testable.
 */

export type StepClock = {
  /** The first step seen and when: the rate is measured from here, so queue time does not count. */
  firstI: number
  firstAt: number
  lastI: number
  lastAt: number
}

export type JobEntry = {
  record: JobRecord
  /** Latest step (or, for a job that stopped, the step its record says it reached); null before any. */
  progress: { i: number; n: number } | null
  /** What the job is stepping through now ("tile 3 of 12"), when it says. */
  stage: string | null
  /** Latest live preview (only kept while it is useful: cleared once the job is done). */
  preview: Preview | null
  /** How many previews have arrived (lets the UI and tests see the preview change). */
  previewCount: number
  clock: StepClock | null
}

export type JobTable = Record<string, JobEntry>

export const terminalStatuses: readonly JobStatus[] = ['done', 'failed', 'cancelled']

export function isTerminal(status: JobStatus): boolean {
  return terminalStatuses.includes(status)
}

export function isActive(status: JobStatus): boolean {
  return status === 'queued' || status === 'running'
}

const rank: Record<JobStatus, number> = { queued: 0, running: 1, done: 2, failed: 2, cancelled: 2 }

export function newEntry(record: JobRecord): JobEntry {
  return {
    record,
    progress: record.progress ?? null,
    stage: null,
    preview: null,
    previewCount: 0,
    clock: null
  }
}

/**
 * Inserts or refreshes a job from a full record (enqueue answer, listJobs, queued/done/failed/cancelled).
 * A record never moves a job backwards: a late `queued` answer does not undo a `running` or `done`.
 */
export function upsertRecord(table: JobTable, record: JobRecord): JobEntry {
  const entry = table[record.id]
  if (!entry) {
    table[record.id] = newEntry(record)
    return table[record.id]
  }
  const current = entry.record
  if (rank[record.status] < rank[current.status]) return entry
  if (rank[record.status] === rank[current.status] && isTerminal(current.status)) {
    // Two terminal records: keep the first verdict's status but take any extra detail.
    entry.record = {
      ...record,
      status: current.status,
      error: current.error ?? record.error,
      metrics: record.metrics ?? current.metrics
    }
  } else {
    entry.record = {
      ...record,
      startedAt: record.startedAt ?? current.startedAt,
      execution: record.execution ?? current.execution,
      metrics: record.metrics ?? current.metrics,
      artifacts:
        record.artifacts.length >= current.artifacts.length ? record.artifacts : current.artifacts
    }
  }
  if (record.status === 'done') {
    entry.preview = null
    if (entry.progress) entry.progress = { i: entry.progress.n, n: entry.progress.n }
  }
  if (!entry.progress && record.progress) entry.progress = record.progress
  return entry
}

export type ApplyResult = 'applied' | 'unknown-job' | 'ignored'

/** Applies one event. `unknown-job` means the table missed the job's record: refresh from listJobs. */
export function applyJobEvent(table: JobTable, event: JobEvent, now: number): ApplyResult {
  switch (event.type) {
    case 'queued':
      upsertRecord(table, event.job)
      return 'applied'
    case 'done':
    case 'cancelled':
      upsertRecord(table, event.job)
      return 'applied'
    case 'failed': {
      const entry = upsertRecord(table, { ...event.job, error: event.job.error ?? event.error })
      if (entry.record.status === 'failed' && !entry.record.error) entry.record.error = event.error
      return 'applied'
    }
    case 'started': {
      const entry = table[event.jobId]
      if (!entry) return 'unknown-job'
      if (isTerminal(entry.record.status)) return 'ignored'
      markRunning(entry, event.startedAt ?? now, event.execution)
      // The studio's own start time wins over when the window heard of it (a late or coalesced event).
      if (event.startedAt !== undefined) entry.record.startedAt = event.startedAt
      return 'applied'
    }
    case 'step': {
      const entry = table[event.jobId]
      if (!entry) return 'unknown-job'
      if (isTerminal(entry.record.status)) return 'ignored'
      markRunning(entry, now)
      entry.progress = { i: event.i, n: event.n }
      entry.stage = event.stage ?? null
      const clock = entry.clock
      if (!clock || event.i < clock.lastI) {
        entry.clock = { firstI: event.i, firstAt: now, lastI: event.i, lastAt: now }
      } else {
        entry.clock = { ...clock, lastI: event.i, lastAt: now }
      }
      if (event.preview) {
        entry.preview = event.preview
        entry.previewCount += 1
      }
      return 'applied'
    }
    case 'warning': {
      const entry = table[event.jobId]
      if (!entry) return 'unknown-job'
      if (!entry.record.warnings.includes(event.message)) {
        entry.record.warnings = [...entry.record.warnings, event.message]
      }
      return 'applied'
    }
    case 'artifact': {
      const entry = table[event.jobId]
      if (!entry) return 'unknown-job'
      const artifacts = entry.record.artifacts
      if (!artifacts.some((a) => a.index === event.artifact.index)) {
        entry.record.artifacts = [...artifacts, event.artifact].sort((a, b) => a.index - b.index)
      }
      return 'applied'
    }
    case 'metrics': {
      const entry = table[event.jobId]
      if (!entry) return 'unknown-job'
      entry.record.metrics = { ...entry.record.metrics, ...event.metrics }
      return 'applied'
    }
  }
}

function markRunning(entry: JobEntry, now: number, execution?: Execution): void {
  const record = entry.record
  if (record.status === 'queued') record.status = 'running'
  if (record.startedAt === undefined) record.startedAt = now
  if (execution) record.execution = execution
}

/** Newest first; among equal creation times, active jobs first. */
export function sortedJobs(table: JobTable): JobEntry[] {
  return Object.values(table).sort(
    (a, b) =>
      b.record.createdAt - a.record.createdAt ||
      rank[a.record.status] - rank[b.record.status] ||
      b.record.id.localeCompare(a.record.id)
  )
}

/**
 * The job a workspace's stage shows: the one opened in that workspace, else its running job, else its
 * newest. Never another workspace's job (a molecule batch is not shown on the image stage).
 */
export function currentEntry(
  list: readonly JobEntry[],
  modality: Modality,
  selectedId: string | undefined
): JobEntry | undefined {
  const mine = list.filter((e) => modalityOf(e.record.spec.task) === modality)
  return (
    mine.find((e) => e.record.id === selectedId) ??
    mine.find((e) => e.record.status === 'running') ??
    mine[0]
  )
}

/** Keeps the newest `max` finished jobs (active ones are never dropped). */
export function pruneTable(table: JobTable, max: number): void {
  const finished = sortedJobs(table).filter((e) => isTerminal(e.record.status))
  for (const entry of finished.slice(max)) delete table[entry.record.id]
}

/** Steps per second measured between the first and the latest step event, or null if unknown. */
export function stepRate(entry: JobEntry): number | null {
  const c = entry.clock
  if (!c || c.lastI <= c.firstI || c.lastAt <= c.firstAt) return null
  return (c.lastI - c.firstI) / ((c.lastAt - c.firstAt) / 1000)
}

/** Seconds left at the measured rate, or null. */
export function etaSeconds(entry: JobEntry): number | null {
  const rate = stepRate(entry)
  if (!rate || !entry.progress) return null
  return Math.max(0, (entry.progress.n - entry.progress.i) / rate)
}

/** Wall time of the run (start to finish, or to `now` while running), or null before it starts. */
export function runDurationMs(record: JobRecord, now: number): number | null {
  if (record.startedAt === undefined) return null
  const end = record.finishedAt ?? (isTerminal(record.status) ? record.startedAt : now)
  return Math.max(0, end - record.startedAt)
}

/** Fraction done in [0, 1] for a progress bar. Steps count from 0 or 1 depending on the engine: clamp. */
export function progressFraction(entry: JobEntry): number {
  if (entry.record.status === 'done') return 1
  const p = entry.progress
  if (!p) return 0
  return Math.min(1, Math.max(0, p.i / p.n))
}
