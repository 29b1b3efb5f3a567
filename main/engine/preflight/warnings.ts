import { freemem } from 'node:os'
import type { ModelManifest, Settings } from '../../contract'
import { preflight, timeWarning, type Calibration } from './preflight'

export interface RunShape {
  /** Rows of the whole batch per denoiser evaluation (count × 2 with classifier-free guidance). */
  readonly batch: number
  /** Rows per session.run when the batch runs in chunks (default: all of them). */
  readonly rowsPerCall?: number
  /** Positions per row: pixels or latent cells, points, atom pairs (default: the model's native size). */
  readonly positions?: number
  /** Bytes the job holds beside the network (samples, the sampler's history). */
  readonly hostBytes?: number
  readonly steps: number
  readonly callsPerStep: number
  readonly calibration?: Calibration
}

/**
 * Plain-words warnings before a run: will this model fit in memory now and in the budget, and will it
 * take long on this device (from the engine's one-time calibration)? A job of several stages (a coarse
 * and a dense one) is warned about once, before the first: the memory of its largest stage, the time of
 * all of them together.
 */
export function runWarnings(
  manifest: ModelManifest,
  settings: Settings,
  stages: RunShape | readonly RunShape[],
  freeMemoryBytes = freemem()
): string[] {
  const results = (Array.isArray(stages) ? stages : [stages]).map((run: RunShape) => ({
    run,
    result: preflight({
      manifest,
      freeMemoryBytes,
      memoryBudgetMB: settings.memoryBudgetMB,
      batch: run.batch,
      rowsPerCall: run.rowsPerCall,
      positions: run.positions,
      hostBytes: run.hostBytes,
      steps: run.steps,
      callsPerStep: run.callsPerStep,
      calibration: run.calibration,
      noTimeWarning: true
    })
  }))
  const largest = results.reduce((a, b) =>
    b.result.memory.neededMB > a.result.memory.neededMB ? b : a
  )
  const seconds = results.reduce((s, r) => s + (r.result.time?.seconds ?? 0), 0)
  const calls = results.reduce((s, r) => s + (r.result.time?.calls ?? 0), 0)
  const device = results.find((r) => r.run.calibration)?.run.calibration?.deviceName
  const time = device ? timeWarning(device, seconds, calls) : undefined
  return [...largest.result.warnings, ...(time ? [time] : [])]
}
