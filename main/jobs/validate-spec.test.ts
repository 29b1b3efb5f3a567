import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JobSpecSchema, ModelManifestSchema, StudioError, type InstalledModel } from '../contract'
import { modelRoots } from '../platform/paths'
import { validateSpec } from './validate-spec'

const manifest = ModelManifestSchema.parse(
  JSON.parse(readFileSync(join(modelRoots().starter, 'emoji-32', 'manifest.json'), 'utf8'))
)
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
    expect(validateSpec(spec({}), models).spec.model).toBe('emoji-32')
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
      /Unknown label "Dinosaurs" for "emoji-32"\. Labels: Smileys & Emotion/
    )
    expect(message({ width: 64 })).toMatch(/makes 32×32 images; 64×32 was asked/)
    expect(message({ model: 'sd-xl' })).toMatch(/Unknown model "sd-xl"\. Installed: emoji-32/)
  })

  it('refuses a format the task cannot write as bad input, naming the ones it writes', () => {
    for (const format of ['sdf', 'ply', 'jpg']) {
      let caught: unknown
      try {
        validateSpec(spec({ format }), models)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(StudioError)
      expect((caught as StudioError).code).toBe('bad-input')
      expect((caught as StudioError).message).toBe(
        `format: image.generate writes png, webp, not "${format}".`
      )
    }
    expect(message({ format: 'webp' })).toBe('accepted')
    expect(message({})).toBe('accepted')
  })

  it('matches labels case-insensitively and returns them in their own spelling', () => {
    expect(validateSpec(spec({ label: 'smileys & EMOTION' }), models).spec).toMatchObject({
      label: 'Smileys & Emotion'
    })
  })

  it('says "did you mean" for near misses of samplers, labels and models', () => {
    expect(message({ sampler: 'dpmpp2m' })).toMatch(
      /Unknown sampler "dpmpp2m"\. Did you mean "dpmpp-2m"\?/
    )
    expect(message({ label: 'Flag' })).toMatch(/Did you mean "Flags"\?/)
    expect(message({ model: 'emoji32' })).toMatch(/Did you mean "emoji-32"\?/)
    // No doubled wording.
    expect(message({ sampler: 'dpmpp2m' })).not.toMatch(/sampler.*sampler.*sampler/i)
  })

  it('refuses a prompt on a class-only model instead of recording it as used', () => {
    expect(message({ prompt: 'a red fox' })).toMatch(
      /takes a class label, not a prompt: use a label \(Smileys & Emotion/
    )
    expect(message({ negativePrompt: 'blurry' })).toMatch(/not a prompt/)
  })

  it('refuses step counts its schedule cannot give as distinct σ, naming the limit', () => {
    expect(message({ steps: 1000, schedule: 'trailing', sampler: 'euler' })).toBe('accepted')
    expect(message({ steps: 1000, schedule: 'karras', sampler: 'euler' })).toBe('accepted')
    // The contract caps steps at 1000; a model with fewer training steps shows the limit.
    const short = ModelManifestSchema.parse({
      ...manifest,
      id: 'short',
      schedule: { ...manifest.schedule, trainSteps: 50, stepsOffset: 1 }
    })
    const shortModels: InstalledModel[] = [{ manifest: short, origin: 'imported', status: 'ready' }]
    const fail = (over: Record<string, unknown>) => {
      try {
        validateSpec(spec({ model: 'short', sampler: 'euler', ...over }), shortModels)
        return 'accepted'
      } catch (error) {
        return (error as Error).message
      }
    }
    expect(fail({ steps: 50, schedule: 'linspace' })).toBe('accepted')
    expect(fail({ steps: 51, schedule: 'linspace' })).toMatch(
      /trained with 50 timesteps: the "linspace" schedule gives at most 50 distinct steps, and 51 were asked/
    )
    expect(fail({ steps: 50, schedule: 'leading' })).toMatch(/at most 49 distinct steps/)
    expect(fail({ steps: 500, schedule: 'karras' })).toBe('accepted')
  })

  it('warns when a sampler needs more steps than asked, and picks its own when none were', () => {
    const asked = validateSpec(spec({ sampler: 'langevin', steps: 20 }), models)
    expect(asked.spec.steps).toBe(20)
    expect(asked.warnings.join(' ')).toMatch(/needs? .*steps for clean results/)
    const unset = validateSpec(spec({ sampler: 'langevin' }), models)
    expect(unset.warnings.join(' ')).toMatch(/using \d+ instead of the model's default 20/)
    expect(validateSpec(spec({ sampler: 'dpmpp-2m' }), models).warnings).toEqual([])
  })

  it('reports a model whose files are missing instead of running it', () => {
    const broken: InstalledModel[] = [
      { ...models[0], status: 'missing-files', problem: 'unet.onnx is missing' }
    ]
    expect(() => validateSpec(spec({}), broken)).toThrow(/unet.onnx is missing/)
  })
})

describe('input notes', () => {
  it("carries every note the input store's validator made, naming the input, into the job", async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { InputStore } = await import('../storage/inputs')
    const dir = mkdtempSync(join(tmpdir(), 'notes-'))
    try {
      const store = new InputStore(dir, {
        image: async () => ({
          mime: 'image/png',
          width: 32,
          height: 32,
          notes: ['CMYK colours were converted to sRGB.', 'It has transparency.']
        })
      })
      const info = await store.add('image', Uint8Array.of(1, 2, 3), 'press.jpg')
      const validated = validateSpec(
        JobSpecSchema.parse({ task: 'image.img2img', image: info.ref }),
        models,
        store
      )
      expect(validated.inputNotes).toEqual([
        'image (press.jpg): CMYK colours were converted to sRGB.',
        'image (press.jpg): It has transparency.'
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
