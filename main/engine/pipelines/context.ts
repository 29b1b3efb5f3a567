import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StudioError, type EngineJobUpdate, type Settings } from '../../contract'
import type { ModelRegistry } from '../../models/registry'
import type { Calibration } from '../preflight/preflight'
import type { Runtime } from '../runtime'
import { createSink, type ArtifactSink } from './common/sink'

/** What a pipeline gets from the engine host for one job. */
export interface PipelineContext {
  readonly runtime: Runtime
  readonly registry: ModelRegistry
  readonly settings: Settings
  /** The device's measured speed, for time estimates; absent where it could not be measured. */
  readonly calibration?: Calibration
  /** Writes outputs atomically and reports them (the only way a pipeline writes a file). */
  readonly sink: ArtifactSink
  /** The output format (file extension) the job asked for; the task's default when it did not. */
  readonly format: string
  /** The bytes of an input from the input store (by its sha256). @throws StudioError not-found. */
  readonly readInput: (ref: string) => Promise<Buffer>
  readonly signal: AbortSignal
  readonly emit: (update: EngineJobUpdate) => void
  /** The clock previews are spaced by, in ms (default performance.now; tests pass their own). */
  readonly now?: () => number
}

/**
 * A context for running a pipeline outside the engine host (benchmarks, tests): outputs go to
 * `outputDir` as `fileStem…`, inputs come from `inputsDir`, events to `emit`.
 */
export function createPipelineContext(options: {
  readonly runtime: Runtime
  readonly registry: ModelRegistry
  readonly settings: Settings
  readonly outputDir: string
  readonly fileStem: string
  /** The job's format (`formatFor` of its spec); default png, for the image benches. */
  readonly format?: string
  readonly inputsDir?: string
  readonly signal?: AbortSignal
  readonly calibration?: Calibration
  readonly emit?: (update: EngineJobUpdate) => void
}): PipelineContext {
  const emit = options.emit ?? (() => undefined)
  return {
    runtime: options.runtime,
    registry: options.registry,
    settings: options.settings,
    calibration: options.calibration,
    sink: createSink(options.outputDir, options.fileStem, emit),
    format: options.format ?? 'png',
    readInput: async (ref) => {
      if (!options.inputsDir || !/^[0-9a-f]{64}$/.test(ref)) {
        throw new StudioError('not-found', `Input ${ref.slice(0, 12)} is not in the input store.`)
      }
      return readFile(join(options.inputsDir, ref)).catch(() => {
        throw new StudioError(
          'not-found',
          `Input ${ref.slice(0, 12)} is gone from the input store.`
        )
      })
    },
    signal: options.signal ?? new AbortController().signal,
    emit
  }
}
