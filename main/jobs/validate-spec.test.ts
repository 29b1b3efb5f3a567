import { describe, expect, it } from 'vitest'
import { JobSpecSchema, type InstalledModel, type ModelManifest } from '../contract'
import { validateSpec } from './validate-spec'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { modelRoots } from '../app/paths'

const manifest = JSON.parse(
  readFileSync(join(modelRoots().starter, 'emoji-32', 'manifest.json'), 'utf8')
) as ModelManifest
const models: InstalledModel[] = [{ manifest, origin: 'starter', status: 'ready' }]
const spec = (over: Record<string, unknown>) =>
  JobSpecSchema.parse({ task: 'image.generate', ...over })

function message(over: Record<string, unknown>): string {
  try {
    validateSpec(spec(over), models)
    return 'accepted'
  } catch (error) {
    return (error as Error).message
  }
}

describe('validateSpec', () => {
  it('fills in the default model and accepts declared sampler knobs', () => {
    expect(validateSpec(spec({}), models).model).toBe('emoji-32')
    expect(message({ sampler: 'ddim', samplerExtra: { eta: 0.5 } })).toBe('accepted')
  })

  it('rejects unknown, mistyped and out-of-range sampler knobs, naming them', () => {
    // With no sampler named, the knobs are checked against the model's default sampler (dpmpp-2m).
    expect(message({ samplerExtra: { eta: 'lots' } })).toMatch(
      /"dpmpp-2m" parameter "eta": unknown/
    )
    expect(message({ sampler: 'ddim', samplerExtra: { warp: 9 } })).toMatch(
      /"warp": unknown \(parameters: eta/
    )
    expect(message({ sampler: 'ddim', samplerExtra: { eta: 'lots' } })).toMatch(/expected a number/)
    expect(message({ sampler: 'euler-ancestral', samplerExtra: { eta: -1 } })).toMatch(
      /must be ≥ 0/
    )
    expect(message({ sampler: 'dpmpp-2m-sde', samplerExtra: { solver_type: 'rk4' } })).toMatch(
      /must be one of midpoint, heun/
    )
  })

  it('rejects inversion samplers, unknown labels and wrong sizes for generation', () => {
    expect(message({ sampler: 'ddim-inversion' })).toMatch(/cannot generate/)
    expect(message({ label: 'Dinosaurs' })).toMatch(
      /Unknown label "Dinosaurs".*Labels: Smileys & Emotion/
    )
    expect(message({ width: 64 })).toMatch(/makes 32×32 images; 64×32 was asked/)
    expect(message({ model: 'sd-xl' })).toMatch(/Unknown model "sd-xl". Installed: emoji-32/)
  })

  it('reports a model whose files are missing instead of running it', () => {
    const broken: InstalledModel[] = [
      { ...models[0], status: 'missing-files', problem: 'unet.onnx is missing' }
    ]
    expect(() => validateSpec(spec({}), broken)).toThrow(/unet.onnx is missing/)
  })
})
