import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { ModelManifestSchema, SettingsSchema } from '../../contract'
import { modelRoots } from '../../platform/paths'
import { runWarnings } from './warnings'

const manifest = ModelManifestSchema.parse(
  JSON.parse(readFileSync(join(modelRoots().starter, 'emoji-32', 'manifest.json'), 'utf8'))
)

it('is silent for the starter model and warns in plain words when a model cannot fit', () => {
  const settings = SettingsSchema.parse({ memoryBudgetMB: 1024 })
  const run = { batch: 1, steps: 20, callsPerStep: 1 }
  expect(runWarnings(manifest, settings, run)).toEqual([])
  const huge = { ...manifest, memoryEstimateMB: 4_000_000 }
  const warnings = runWarnings(huge, settings, run)
  expect(warnings.join(' ')).toMatch(/needs about [\d.]+ TB of memory; [\d.]+ [GM]B is free now/)
  expect(warnings.join(' ')).toMatch(/memory budget in Settings/)
})

it('warns when the calibrated device would take over ten minutes', () => {
  const settings = SettingsSchema.parse({})
  const slow = {
    provider: 'cpu',
    deviceName: 'Slow CPU',
    msPerGflop: 1e6,
    overheadMs: 1,
    measuredAt: ''
  }
  const fast = { ...slow, msPerGflop: 1e-3 }
  const run = { batch: 2, steps: 50, callsPerStep: 1 }
  expect(runWarnings(manifest, settings, { ...run, calibration: fast })).toEqual([])
  expect(runWarnings(manifest, settings, { ...run, calibration: slow }).join(' ')).toMatch(
    /On Slow CPU this will take about [\d.]+ (minutes|hours) \(50 model calls/
  )
})
