import { freemem } from 'node:os'
import type { ModelManifest, Settings } from '../../contract'
import { preflight, type Calibration } from './preflight'

export interface RunShape {
  /** Images per model call (count × 2 with classifier-free guidance). */
  readonly batch: number
  readonly steps: number
  readonly callsPerStep: number
  readonly calibration?: Calibration
}

/**
 * Plain-words warnings before a run: will this model fit in memory now and in the budget, and will it
 * take long on this device (from the engine's one-time calibration)?
 */
export function runWarnings(manifest: ModelManifest, settings: Settings, run: RunShape): string[] {
  return preflight({
    manifest,
    freeMemoryBytes: freemem(),
    memoryBudgetMB: settings.memoryBudgetMB,
    batch: run.batch,
    steps: run.steps,
    callsPerStep: run.callsPerStep,
    calibration: run.calibration
  }).warnings
}
