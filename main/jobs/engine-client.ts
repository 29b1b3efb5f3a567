import { randomUUID } from 'node:crypto'
import {
  EngineInfoSchema,
  EngineMessageSchema,
  EngineRequestSchema,
  StudioError,
  describeIssues,
  type EngineInfo,
  type EngineJobUpdate,
  type EngineRequest,
  type JobSpec,
  type Settings
} from '../contract'
import type { EngineProcess, SpawnEngine } from './engine-process'

interface RunningJob {
  readonly jobId: string
  readonly onUpdate: (update: EngineJobUpdate) => void
  readonly finished: (outcome: EngineJobUpdate) => void
}

export interface RunRequest {
  readonly jobId: string
  readonly spec: JobSpec
  readonly settings: Settings
  readonly outputDir: string
  readonly fileStem?: string
  readonly inputsDir?: string
}

/**
 * Main's side of the engine host: starts it on demand, routes its messages, and when it dies
 * fails the running job with `engine-crashed` so the next job starts a fresh host.
 */
export class EngineClient {
  readonly #spawn: SpawnEngine
  #process: EngineProcess | undefined
  #job: RunningJob | undefined
  readonly #replies = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >()

  constructor(spawn: SpawnEngine) {
    this.#spawn = spawn
  }

  get pid(): number | undefined {
    return this.#process?.pid
  }

  #ensure(): EngineProcess {
    if (this.#process) return this.#process
    const child = this.#spawn()
    this.#process = child
    child.onMessage((raw) => this.#receive(raw))
    child.onError?.((error) => {
      console.error('[main] engine host error:', error.message)
      child.kill()
    })
    child.onExit((code, signal) => {
      if (this.#process !== child) return
      this.#process = undefined
      const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`
      const tail = (child.recentOutput?.() ?? []).slice(-5).join(' | ')
      const reason =
        `The engine host ${how} during this job; it restarts for the next one.` +
        (tail ? ` Its last output: ${tail.slice(0, 600)}` : '')
      this.#job?.finished({ type: 'failed', error: { code: 'engine-crashed', message: reason } })
      this.#job = undefined
      for (const pending of this.#replies.values()) {
        pending.reject(
          new StudioError('engine-crashed', 'The engine host exited before answering.')
        )
      }
      this.#replies.clear()
    })
    return child
  }

  #send(request: EngineRequest): void {
    this.#ensure().send(request)
  }

  #receive(raw: unknown): void {
    const parsed = EngineMessageSchema.safeParse(raw)
    if (!parsed.success) {
      console.error('[main] dropped a malformed engine message:', describeIssues(parsed.error))
      return
    }
    const message = parsed.data
    if (message.type === 'reply') {
      const pending = this.#replies.get(message.requestId)
      this.#replies.delete(message.requestId)
      if (!pending) return
      if (message.error) pending.reject(new StudioError(message.error.code, message.error.message))
      else pending.resolve(message.result)
    } else if (message.type === 'job') {
      const job = this.#job
      if (!job || job.jobId !== message.jobId) return
      const update = message.update
      if (update.type === 'done' || update.type === 'failed' || update.type === 'cancelled') {
        this.#job = undefined
        job.finished(update)
      } else job.onUpdate(update)
    }
  }

  /** Runs one job; resolves with its final update (done, failed or cancelled). Never rejects. */
  run(request: RunRequest, onUpdate: (update: EngineJobUpdate) => void): Promise<EngineJobUpdate> {
    if (this.#job) throw new Error('the engine runs one job at a time')
    // The host drops what fails its schema; check here so such a job fails instead of hanging.
    const message = EngineRequestSchema.safeParse({ type: 'run', ...request })
    if (!message.success) {
      const error = { code: 'invalid-request' as const, message: describeIssues(message.error) }
      return Promise.resolve({ type: 'failed', error })
    }
    return new Promise((resolve) => {
      this.#job = { jobId: request.jobId, onUpdate, finished: resolve }
      try {
        this.#send(message.data)
      } catch (error) {
        this.#job = undefined
        resolve({ type: 'failed', error: StudioError.from(error).toData() })
      }
    })
  }

  /** Asks the engine to stop the job between denoiser calls. */
  cancel(jobId: string): void {
    if (this.#job?.jobId === jobId) this.#process?.send({ type: 'cancel', jobId })
  }

  async info(settings: Settings): Promise<EngineInfo> {
    const requestId = randomUUID()
    const result = await new Promise<unknown>((resolve, reject) => {
      this.#replies.set(requestId, { resolve, reject })
      this.#send({ type: 'info', requestId, settings })
    })
    const parsed = EngineInfoSchema.safeParse(result)
    if (!parsed.success)
      throw new StudioError('internal', `engine info: ${describeIssues(parsed.error)}`)
    return parsed.data
  }

  /** Kills the host; a running job fails with engine-crashed (the caller may relabel it). */
  kill(): void {
    this.#process?.kill()
  }

  dispose(): void {
    const child = this.#process
    this.#process = undefined
    this.#job = undefined
    child?.kill()
  }
}
