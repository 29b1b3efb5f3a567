// A model's measured good range of steps and samplers (manifest.measuredRange): a job outside it runs with
// a validation warning, which travels with the job's other warnings (CLI output, the job record).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JobSpecSchema, ModelManifestSchema, type InstalledModel } from '../contract'
import { modelRoots } from '../platform/paths'
import { validateJob } from '.'

const sr4 = ModelManifestSchema.parse(
  JSON.parse(readFileSync(join(modelRoots().starter, 'photo-sr4', 'manifest.json'), 'utf8'))
)
const models: InstalledModel[] = [{ manifest: sr4, origin: 'starter', status: 'ready' }]
const ref = 'a'.repeat(64)
const warningsOf = (over: Record<string, unknown>) =>
  validateJob(
    JobSpecSchema.parse({ task: 'image.upscale', model: 'photo-sr4', image: ref, ...over }),
    models
  ).warnings

describe('measuredRange', () => {
  it('photo-sr4 carries the range its benchmark measured: 1–2 Euler steps', () => {
    expect(sr4.measuredRange).toMatchObject({ steps: { min: 1, max: 2 }, samplers: ['euler'] })
    expect(sr4.measuredRange?.basis).toMatch(/bench:images/)
  })

  it('no warning inside the range (the default, or 1 step)', () => {
    expect(warningsOf({})).toEqual([])
    expect(warningsOf({ steps: 1 })).toEqual([])
  })

  it('upscale --steps 4 warns, naming the range and the measured figures', () => {
    const warnings = warningsOf({ steps: 4 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toBe(
      `"photo-sr4" was measured at its best with 1–2 steps (euler); 4 is outside that range. Measured: ${sr4.measuredRange?.basis}`
    )
  })

  it('a sampler it was not measured with warns too', () => {
    const warnings = warningsOf({ sampler: 'dpmpp-2m', steps: 2 })
    expect(
      warnings.some((w) =>
        w.startsWith('"photo-sr4" was measured with euler only; dpmpp-2m was not measured on it')
      )
    ).toBe(true)
  })

  it('a manifest without the field gives no such warning; a bad range does not parse', () => {
    const { measuredRange: _, ...plain } = sr4
    const warnings = validateJob(
      JobSpecSchema.parse({ task: 'image.upscale', model: 'photo-sr4', image: ref, steps: 4 }),
      [{ manifest: plain as typeof sr4, origin: 'starter', status: 'ready' }]
    ).warnings
    expect(warnings).toEqual([])
    const bad = ModelManifestSchema.safeParse({
      ...sr4,
      measuredRange: { steps: { min: 3, max: 2 }, basis: 'x' }
    })
    expect(bad.success).toBe(false)
  })
})
