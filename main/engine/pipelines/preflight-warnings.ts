import { freemem } from 'node:os'
import type { ModelManifest, Settings } from '../../contract'
import { preflight } from '../../models/preflight'

/** Plain-words warnings before a run: will this model fit in memory now and in the budget? */
export function runWarnings(manifest: ModelManifest, settings: Settings, batch: number): string[] {
  return preflight({
    manifest,
    freeMemoryBytes: freemem(),
    memoryBudgetMB: settings.memoryBudgetMB,
    batch
  }).warnings
}
