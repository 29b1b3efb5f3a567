import type { EngineJobUpdate, Settings } from '../../contract'
import type { Calibration } from '../../models/preflight'
import type { ModelRegistry } from '../../models/registry'
import type { Runtime } from '../runtime'

/** What a pipeline gets from the engine host for one job. */
export interface PipelineContext {
  readonly runtime: Runtime
  readonly registry: ModelRegistry
  readonly settings: Settings
  /** The device's measured speed, for time estimates; absent where it could not be measured. */
  readonly calibration?: Calibration
  readonly outputDir: string
  /** Artifact file name without extension (`-2`, `-3`… added for count > 1). */
  readonly fileStem: string
  readonly signal: AbortSignal
  readonly emit: (update: EngineJobUpdate) => void
}
