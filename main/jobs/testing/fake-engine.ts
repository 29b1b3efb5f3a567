import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineMessage, EngineRequest } from '../../contract'
import type { EngineProcess, SpawnEngine } from '../engine-process'

/** 'late-cancel': a cancel arrives after the last denoiser call (ignored; the job ends done). */
export type Behaviour = 'normal' | 'hang' | 'ignore-cancel' | 'late-cancel'

/**
 * An in-memory engine host for queue tests: runs each job as `steps` steps on a timer, answers
 * cancel between steps, and can crash or hang on request. Records every process it spawned.
 */
export class FakeEngine {
  readonly spawned: FakeProcess[] = []
  behaviour: Behaviour = 'normal'
  steps = 5
  stepMs = 5
  /** Write each job's artifact as a real file into the run's output folder (default: a /tmp path only). */
  writeArtifacts = false
  /** Attach a 2×2 RGBA preview (bytes) to every step. */
  previews = false

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
      const late = this.#engine.behaviour === 'late-cancel'
      if (this.#engine.behaviour !== 'ignore-cancel' && !late) this.#cancelled.add(request.jobId)
    } else if (request.type === 'run') void this.#run(request.jobId, request.outputDir)
  }

  async #run(jobId: string, outputDir: string): Promise<void> {
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
      const preview = this.#engine.previews
        ? { kind: 'image', width: 2, height: 2, rgba: new Uint8Array(16).map((_, k) => k * 16) }
        : undefined
      this.#post({
        type: 'job',
        jobId,
        update: { type: 'step', i: (i % steps) + 1, n: steps, ...(preview ? { preview } : {}) }
      })
      if (behaviour === 'hang' && i > 1000) return
    }
    // Writing the outputs takes a while after the last denoiser call: a cancel can arrive then.
    if (behaviour === 'late-cancel') await new Promise((r) => setTimeout(r, 20 * stepMs))
    if (!this.#alive) return
    const path = this.#engine.writeArtifacts ? join(outputDir, `${jobId}.png`) : `/tmp/${jobId}.png`
    if (this.#engine.writeArtifacts) {
      writeFileSync(path, Buffer.from(Array.from({ length: 1000 }, (_, k) => k % 251)))
    }
    this.#post({
      type: 'job',
      jobId,
      update: {
        type: 'artifact',
        artifact: {
          kind: 'image',
          path,
          mime: 'image/png',
          index: 0,
          width: 32,
          height: 32,
          role: 'output'
        }
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
