import { randomUUID } from 'node:crypto'
import type {
  EngineJobUpdate,
  JobEvent,
  JobRecord,
  JobSpec,
  JobStatus,
  Settings
} from '../contract'
import type { JobStore } from '../storage/job-store'
import type { EngineClient } from './engine-client'
import { outputStem } from './output-names'

export interface QueueOptions {
  readonly store: JobStore
  readonly engine: EngineClient
  /** Where a job's artifacts go (one folder for all jobs). */
  readonly outputDir: string
  /** The input store's folder, where specs' input refs point. */
  readonly inputsDir?: string
  readonly settings: () => Settings
  /** After a cancel request, how long the engine gets to stop before it is restarted (hard cancel). */
  readonly hardCancelMs?: number
  readonly now?: () => number
}

type Listener = (event: JobEvent) => void

interface RunningState {
  job: JobRecord
  cancelRequested: boolean
  hardCancel?: NodeJS.Timeout
  progress?: { i: number; n: number }
  /** Resolves with the status the job ended with. */
  ended: Promise<JobStatus>
  end: (status: JobStatus) => void
}

/** What a cancel request came to: whether the job ended cancelled, and how it ended. */
export interface CancelOutcome {
  readonly cancelled: boolean
  readonly status: JobStatus
}

/**
 * The job queue: one job at a time on the engine, typed events out, every state change persisted.
 * A job ends exactly once: done, failed or cancelled.
 */
export class JobQueue {
  readonly #options: QueueOptions
  readonly #now: () => number
  readonly #pending: JobRecord[] = []
  readonly #listeners = new Set<Listener>()
  #running: RunningState | undefined
  #idle: Promise<void> = Promise.resolve()

  constructor(options: QueueOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    this.#resume()
  }

  /**
   * Picks up what a previous studio left: the job that was running is marked failed and `interrupted`
   * (the UI offers to run it again); queued jobs are queued again, in order, and run.
   */
  #resume(): void {
    for (const job of this.#options.store.unfinished()) {
      if (job.status === 'running') {
        this.#trySave({
          ...job,
          status: 'failed',
          finishedAt: this.#now(),
          interrupted: true,
          error: {
            code: 'engine-crashed',
            message: 'The studio stopped while this job ran; run it again to finish it.'
          }
        })
      } else this.#pending.push(job)
    }
    if (this.#pending.length) queueMicrotask(() => this.#pump())
  }

  on(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #emit(event: JobEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch (error) {
        console.error('[queue] a job-event listener threw:', error)
      }
    }
  }

  #save(job: JobRecord): JobRecord {
    this.#options.store.save(job)
    return job
  }

  /**
   * Adds a validated spec to the queue and returns its record; `warnings` and `inputNotes` come from
   * validation (validate-spec.ts).
   */
  enqueue(
    spec: JobSpec,
    warnings: readonly string[] = [],
    inputNotes: readonly string[] = []
  ): JobRecord {
    const job = this.#save({
      schemaVersion: 2,
      id: randomUUID(),
      spec,
      status: 'queued',
      createdAt: this.#now(),
      artifacts: [],
      warnings: [...warnings],
      inputNotes: [...inputNotes]
    })
    this.#pending.push(job)
    this.#emit({ type: 'queued', jobId: job.id, job })
    this.#pump()
    return job
  }

  /**
   * Cancels a queued job at once, or asks a running one to stop between denoiser calls, and answers the
   * truth: it resolves when the job has ended, with `cancelled` true only if it ended cancelled (a job whose
   * last denoiser call was already behind it may still end done, with its files). A job that had already
   * ended answers false with its status; an unknown id, undefined.
   */
  async cancel(jobId: string): Promise<CancelOutcome | undefined> {
    const index = this.#pending.findIndex((job) => job.id === jobId)
    if (index >= 0) {
      const [job] = this.#pending.splice(index, 1)
      const ended = this.#save({ ...job, status: 'cancelled', finishedAt: this.#now() })
      this.#emit({ type: 'cancelled', jobId, job: ended })
      return { cancelled: true, status: 'cancelled' }
    }
    const running = this.#running
    if (running?.job.id !== jobId) {
      const status = this.#options.store.get(jobId)?.status
      return status ? { cancelled: false, status } : undefined
    }
    if (!running.cancelRequested) {
      running.cancelRequested = true
      this.#options.engine.cancel(jobId)
      running.hardCancel = setTimeout(
        () => this.#options.engine.kill(),
        this.#options.hardCancelMs ?? 10_000
      )
    }
    const status = await running.ended
    return { cancelled: status === 'cancelled', status }
  }

  get(jobId: string): JobRecord | undefined {
    if (this.#running?.job.id === jobId) return this.#running.job
    return this.#pending.find((job) => job.id === jobId) ?? this.#options.store.get(jobId)
  }

  /** The jobs not yet ended: the running one, then the queued ones in order. */
  active(): JobRecord[] {
    return [...(this.#running ? [this.#running.job] : []), ...this.#pending]
  }

  list(limit: number): JobRecord[] {
    return this.#options.store.list(limit)
  }

  /** Resolves when the queue has nothing left to run. */
  async drained(): Promise<void> {
    while (this.#running || this.#pending.length) await this.#idle
  }

  #pump(): void {
    if (this.#running) return
    const next = this.#pending.shift()
    if (!next) return
    this.#idle = this.#run(next)
      .catch((error: unknown) => console.error('[queue] job', next.id, 'could not finish:', error))
      .finally(() => {
        this.#running = undefined
        this.#pump()
      })
  }

  /** Persists a record; a store failure (disk full, database busy) is logged, never thrown into the engine's callbacks. */
  #trySave(job: JobRecord): JobRecord {
    try {
      return this.#save(job)
    } catch (error) {
      console.error('[queue] could not save job', job.id, error)
      return job
    }
  }

  async #run(queued: JobRecord): Promise<void> {
    let end: (status: JobStatus) => void = () => undefined
    const ended = new Promise<JobStatus>((resolve) => (end = resolve))
    const state: RunningState = {
      job: { ...queued, status: 'running', startedAt: this.#now() },
      cancelRequested: false,
      ended,
      end
    }
    this.#running = state
    this.#trySave(state.job)
    const settings = this.#options.settings()
    // A device picked for this job wins over the settings' default.
    const device = queued.spec.device === 'auto' ? settings.device : queued.spec.device
    const final = await this.#options.engine.run(
      {
        jobId: queued.id,
        spec: queued.spec,
        settings: { ...settings, device },
        outputDir: this.#options.outputDir,
        fileStem: outputStem(queued),
        inputsDir: this.#options.inputsDir
      },
      (update) => this.#onUpdate(state, update)
    )
    clearTimeout(state.hardCancel)
    this.#running = undefined
    this.#finish(state, final)
  }

  #onUpdate(state: RunningState, update: EngineJobUpdate): void {
    const jobId = state.job.id
    switch (update.type) {
      case 'started':
        state.job = this.#trySave({ ...state.job, execution: update.execution })
        this.#emit({
          type: 'started',
          jobId,
          execution: update.execution,
          ...(state.job.startedAt !== undefined ? { startedAt: state.job.startedAt } : {})
        })
        break
      case 'step':
        state.progress = { i: update.i, n: update.n }
        this.#emit({
          type: 'step',
          jobId,
          i: update.i,
          n: update.n,
          ...(update.stage ? { stage: update.stage } : {}),
          ...(update.preview ? { preview: update.preview } : {})
        })
        break
      case 'artifact':
        state.job = this.#trySave({
          ...state.job,
          artifacts: [...state.job.artifacts, update.artifact]
        })
        this.#emit({ type: 'artifact', jobId, artifact: update.artifact })
        break
      case 'warning':
        state.job = this.#trySave({
          ...state.job,
          warnings: [...state.job.warnings, update.message]
        })
        this.#emit({ type: 'warning', jobId, message: update.message })
        break
      case 'metrics':
        state.job = this.#trySave({
          ...state.job,
          metrics: { ...state.job.metrics, ...update.metrics }
        })
        this.#emit({ type: 'metrics', jobId, metrics: update.metrics })
        break
    }
  }

  #finish(state: RunningState, final: EngineJobUpdate): void {
    const base = {
      ...state.job,
      finishedAt: this.#now(),
      ...(state.progress ? { progress: state.progress } : {})
    }
    const jobId = base.id
    // A job we asked to stop counts as cancelled even if the stop took a hard engine restart.
    if (final.type === 'cancelled' || (state.cancelRequested && final.type === 'failed')) {
      const job = this.#trySave({ ...base, status: 'cancelled' })
      this.#emit({ type: 'cancelled', jobId, job })
      state.end('cancelled')
    } else if (final.type === 'failed') {
      const job = this.#trySave({ ...base, status: 'failed', error: final.error })
      this.#emit({ type: 'failed', jobId, error: final.error, job })
      state.end('failed')
    } else {
      const job = this.#trySave({ ...base, status: 'done' })
      this.#emit({ type: 'done', jobId, job })
      state.end('done')
    }
  }
}
