import type { EngineMessage, EngineRequest } from '../../contract'
import type { EngineProcess, SpawnEngine } from '../engine-process'

export type Behaviour = 'normal' | 'hang' | 'ignore-cancel'

/**
 * An in-memory engine host for queue tests: runs each job as `steps` steps on a timer, answers
 * cancel between steps, and can crash or hang on request. Records every process it spawned.
 */
export class FakeEngine {
  readonly spawned: FakeProcess[] = []
  behaviour: Behaviour = 'normal'
  steps = 5
  stepMs = 5

  spawn: SpawnEngine = () => {
    const process = new FakeProcess(this)
    this.spawned.push(process)
    return process
  }

  get current(): FakeProcess | undefined {
    return this.spawned.at(-1)
  }
}

export class FakeProcess implements EngineProcess {
  readonly pid = 10_000 + Math.floor(Math.random() * 1000)
  readonly received: EngineRequest[] = []
  #onMessage: ((raw: unknown) => void) | undefined
  #onExit: ((code: number | null, signal: string | null) => void) | undefined
  #alive = true
  #cancelled = new Set<string>()
  readonly #engine: FakeEngine

  constructor(engine: FakeEngine) {
    this.#engine = engine
    queueMicrotask(() => this.#post({ type: 'ready', pid: this.pid }))
  }

  #post(message: EngineMessage | Record<string, unknown>): void {
    if (this.#alive) this.#onMessage?.(message)
  }

  send(request: EngineRequest): void {
    if (!this.#alive) return
    this.received.push(request)
    if (request.type === 'cancel') {
      if (this.#engine.behaviour !== 'ignore-cancel') this.#cancelled.add(request.jobId)
    } else if (request.type === 'run') void this.#run(request.jobId)
  }

  async #run(jobId: string): Promise<void> {
    const { steps, stepMs, behaviour } = this.#engine
    this.#post({
      type: 'job',
      jobId,
      update: { type: 'started', execution: { provider: 'cpu', deviceName: 'fake' } }
    })
    for (let i = 0; i < steps || behaviour === 'hang' || behaviour === 'ignore-cancel'; i++) {
      await new Promise((r) => setTimeout(r, stepMs))
      if (!this.#alive) return
      if (this.#cancelled.has(jobId)) {
        this.#post({ type: 'job', jobId, update: { type: 'cancelled' } })
        return
      }
      this.#post({ type: 'job', jobId, update: { type: 'step', i: (i % steps) + 1, n: steps } })
      if (behaviour === 'hang' && i > 1000) return
    }
    this.#post({
      type: 'job',
      jobId,
      update: {
        type: 'artifact',
        artifact: { path: `/tmp/${jobId}.png`, mime: 'image/png', index: 0 }
      }
    })
    this.#post({ type: 'job', jobId, update: { type: 'done' } })
  }

  /** Sends a message that fails the protocol schema. */
  sendGarbage(): void {
    this.#post({ type: 'job', jobId: 42, update: { type: 'explode' } })
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.#onMessage = listener
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    this.#onExit = listener
  }

  /** Simulates a native crash. */
  crash(): void {
    if (!this.#alive) return
    this.#alive = false
    this.#onExit?.(134, null)
  }

  kill(): void {
    if (!this.#alive) return
    this.#alive = false
    this.#onExit?.(null, 'SIGKILL')
  }

  get alive(): boolean {
    return this.#alive
  }
}
