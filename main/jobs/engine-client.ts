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

const QUICK_DEATH_MS = 10_000

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

const signalWords: Record<string, string> = {
  SIGKILL:
    'was killed (SIGKILL): the system may have run out of memory, or it was stopped from outside',
  SIGSEGV: 'crashed in native code (a segmentation fault, SIGSEGV)',
  SIGBUS: 'crashed in native code (a bus error, SIGBUS)',
  SIGABRT: 'was aborted by a native library (SIGABRT)',
  SIGILL: 'crashed in native code (an illegal instruction, SIGILL: a build for another CPU?)',
  SIGFPE: 'crashed in native code (an arithmetic fault, SIGFPE)',
  SIGTERM: 'was stopped from outside (SIGTERM)',
  SIGINT: 'was interrupted (SIGINT)'
}
const signalNumbers: Record<number, string> = {
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM'
}

/**
 * Why an engine host stopped, in words: its signal (or the exit code a shell gives a signal, 128 + n),
 * else its exit code, and the studio's own last error line (`[engine] …`) when it wrote one. Native log
 * lines (Vulkan loaders, onnxruntime warnings) are never part of it: they go to the log.
 */
export function engineExitCause(
  code: number | null,
  signal: string | null,
  recent: readonly string[] = []
): string {
  const named = signal ?? (code !== null && code > 128 ? signalNumbers[code - 128] : undefined)
  const how = named
    ? (signalWords[named] ?? `was stopped by ${named}`)
    : `exited with code ${code ?? 'unknown'}`
  const own = [...recent]
    .reverse()
    .find((line) => line.startsWith('[engine]'))
    ?.replace(/^\[engine\]\s*/, '')
    .slice(0, 300)
  return `The engine ${how} during this job; it restarts for the next one.${own ? ` Its last message: ${own}` : ''}`
}

/**
 * Main's side of the engine host: starts it on demand, routes its messages, and when it dies
 * fails the running job with `engine-crashed` (the cause in words; the host's last output to `log`)
 * so the next job starts a fresh host. After `warm`, it keeps a host ready: one that dies is started
 * again at once and warmed with the same settings, so the next job does not wait for onnxruntime to load.
 */
export class EngineClient {
  readonly #spawn: SpawnEngine
  readonly #log: (text: string) => void
  #process: EngineProcess | undefined
  #job: RunningJob | undefined
  /** The settings to keep a host warm with (studios: their current ones); undefined: on demand only (the CLI). */
  #warm: (() => Settings) | undefined
  #disposed = false
  /** Hosts in a row that died within QUICK_DEATH_MS of starting: a host that cannot start is not restarted forever. */
  #quickDeaths = 0
  readonly #replies = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >()

  /** `log` receives the host's last lines when it dies (default: the console, main's log). */
  constructor(spawn: SpawnEngine, options: { log?: (text: string) => void } = {}) {
    this.#spawn = spawn
    this.#log = options.log ?? ((text) => console.error(text))
  }

  get pid(): number | undefined {
    return this.#process?.pid
  }

  #ensure(): EngineProcess {
    if (this.#process) return this.#process
    const child = this.#spawn()
    const spawnedAt = Date.now()
    this.#process = child
    child.onMessage((raw) => this.#receive(raw))
    child.onError?.((error) => {
      console.error('[main] engine host error:', error.message)
      child.kill()
    })
    child.onExit((code, signal) => {
      if (this.#process !== child) return
      this.#process = undefined
      const recent = child.recentOutput?.() ?? []
      const reason = engineExitCause(code, signal, recent)
      if (recent.length) {
        this.#log(`[main] ${reason} The host's last output:\n  ${recent.slice(-20).join('\n  ')}`)
      }
      this.#job?.finished({ type: 'failed', error: { code: 'engine-crashed', message: reason } })
      this.#job = undefined
      for (const pending of this.#replies.values()) {
        pending.reject(
          new StudioError('engine-crashed', 'The engine host exited before answering.')
        )
      }
      this.#replies.clear()
      this.#quickDeaths = Date.now() - spawnedAt < QUICK_DEATH_MS ? this.#quickDeaths + 1 : 0
      if (this.#warm && !this.#disposed && this.#quickDeaths < 3) this.#restartWarm()
    })
    return child
  }

  #restartWarm(): void {
    try {
      this.warm(this.#warm!)
    } catch (error) {
      console.error('[main] the engine host could not be restarted:', (error as Error).message)
    }
  }

  /**
   * Starts the host now, if none runs, and has it get ready for jobs with `settings` (providers,
   * onnxruntime, calibration); keeps one warm from now on (see the class). A function is asked again at
   * each restart (a studio's settings may have changed since).
   */
  warm(settings: Settings | (() => Settings)): void {
    const current = typeof settings === 'function' ? settings : () => settings
    this.#warm = current
    this.#disposed = false
    this.#send({ type: 'warm', settings: current() })
  }

  /**
   * Starts the host now, if none runs, without asking it for anything: it loads its code and
   * onnxruntime while the caller is still busy (the CLI validates its job meanwhile). Touches no file.
   */
  start(): void {
    this.#ensure()
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

  /** What the engine runs on; `reprobe` probes every provider again instead of trusting the probe cache. */
  async info(settings: Settings, options: { reprobe?: boolean } = {}): Promise<EngineInfo> {
    const requestId = randomUUID()
    const result = await new Promise<unknown>((resolve, reject) => {
      this.#replies.set(requestId, { resolve, reject })
      this.#send({
        type: 'info',
        requestId,
        settings,
        ...(options.reprobe ? { reprobe: true } : {})
      })
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
    this.#disposed = true
    const child = this.#process
    this.#process = undefined
    this.#job = undefined
    child?.kill()
  }
}
