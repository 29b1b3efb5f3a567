import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { SettingsSchema, type ModelManifest } from '../../contract'
import { modelRoots } from '../../app/paths'
import { runWarnings } from './preflight-warnings'

const manifest = JSON.parse(
  readFileSync(join(modelRoots().starter, 'emoji-32', 'manifest.json'), 'utf8')
) as ModelManifest

it('is silent for the starter model and warns in plain words when a model cannot fit', () => {
  const settings = SettingsSchema.parse({ memoryBudgetMB: 1024 })
  expect(runWarnings(manifest, settings, 1)).toEqual([])
  const huge = { ...manifest, memoryEstimateMB: 4_000_000 }
  const warnings = runWarnings(huge, settings, 1)
  expect(warnings.join(' ')).toMatch(/needs about [\d.]+ TB of memory; [\d.]+ [GM]B is free now/)
  expect(warnings.join(' ')).toMatch(/memory budget in Settings/)
})
