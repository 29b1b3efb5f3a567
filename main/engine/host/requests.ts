// What the engine host does with main's requests: runs one job at a time through the pipelines,
// reporting typed updates, answers info, warms up. Loaded by host.ts once the host has said it is ready.
import {
  EngineRequestSchema,
  StudioError,
  formatFor,
  describeIssues,
  type EngineJobUpdate,
  type EngineRequest
} from '../../contract'
import type { HostPort } from './port'
import { EngineState } from './engine-state'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runPipeline } from '../pipelines'
import { createSink } from '../pipelines/common/sink'
import { SamplingCancelled } from '../../diffusion/types'

const state = new EngineState()
const running = new Map<string, AbortController>()
let port: HostPort

function update(jobId: string, message: EngineJobUpdate): void {
  port.send({ type: 'job', jobId, update: message })
}

async function run(request: Extract<EngineRequest, { type: 'run' }>): Promise<void> {
  const { jobId } = request
  const controller = new AbortController()
  running.set(jobId, controller)
  try {
    const runtime = await state.runtime(request.settings)
    update(jobId, { type: 'started', execution: runtime.execution })
    const emit = (message: EngineJobUpdate) => update(jobId, message)
    const format = formatFor(request.spec.task, request.spec.format).ext
    await runPipeline(request.spec, {
      runtime,
      calibration: await state.calibration(runtime),
      registry: state.registry,
      settings: request.settings,
      sink: createSink(request.outputDir, request.fileStem ?? jobId, emit),
      format,
      readInput: (ref) => readInputFile(request.inputsDir, ref),
      signal: controller.signal,
      emit
    })
    update(jobId, { type: 'done' })
  } catch (error) {
    if (error instanceof SamplingCancelled || controller.signal.aborted) {
      update(jobId, { type: 'cancelled' })
    } else {
      const typed = StudioError.from(error)
      if (typed.code === 'internal') console.error('[engine] job failed:', error)
      update(jobId, { type: 'failed', error: typed.toData() })
    }
  } finally {
    running.delete(jobId)
  }
}

/** An input's bytes from the content-addressed store. @throws StudioError not-found. */
async function readInputFile(inputsDir: string | undefined, ref: string): Promise<Buffer> {
  if (!inputsDir || !/^[0-9a-f]{64}$/.test(ref)) {
    throw new StudioError('not-found', `Input ${ref.slice(0, 12)} is not in the input store.`)
  }
  try {
    return await readFile(join(inputsDir, ref))
  } catch {
    throw new StudioError('not-found', `Input ${ref.slice(0, 12)} is gone from the input store.`)
  }
}

async function reply(requestId: string, work: () => Promise<unknown>): Promise<void> {
  try {
    port.send({ type: 'reply', requestId, result: await work() })
  } catch (error) {
    port.send({ type: 'reply', requestId, error: StudioError.from(error).toData() })
  }
}

/** Handles every request that arrives on `channel`, from the first one on. */
export function handleRequests(channel: HostPort): (raw: unknown) => void {
  port = channel
  return (raw) => {
    const parsed = EngineRequestSchema.safeParse(raw)
    if (!parsed.success) {
      const why = describeIssues(parsed.error)
      console.error('[engine] dropped a malformed request:', why)
      const jobId = (raw as { type?: unknown; jobId?: unknown } | null)?.jobId
      if (typeof jobId === 'string' && (raw as { type?: unknown }).type === 'run') {
        update(jobId, { type: 'failed', error: { code: 'invalid-request', message: why } })
      }
      return
    }
    const request = parsed.data
    switch (request.type) {
      case 'run':
        void run(request)
        break
      case 'cancel':
        running.get(request.jobId)?.abort()
        break
      case 'info':
        void reply(request.requestId, () =>
          state.info(request.settings, running.size > 0, request.reprobe === true)
        )
        break
      case 'warm':
        state.warm(request.settings).catch((error: unknown) => {
          // The job that follows meets the same failure, typed; this only keeps the reason in the log.
          console.error('[engine] warm-up failed:', StudioError.from(error).message)
        })
        break
    }
  }
}
