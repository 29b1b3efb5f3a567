import type { EngineJobUpdate, Settings } from '../../contract'
import type { ModelRegistry } from '../../models/registry'
import type { Runtime } from '../runtime'

/** What a pipeline gets from the engine host for one job. */
export interface PipelineContext {
  readonly runtime: Runtime
  readonly registry: ModelRegistry
  readonly settings: Settings
  readonly outputDir: string
  /** Artifact file name without extension (`-2`, `-3`… added for count > 1). */
  readonly fileStem: string
  readonly signal: AbortSignal
  readonly emit: (update: EngineJobUpdate) => void
}
