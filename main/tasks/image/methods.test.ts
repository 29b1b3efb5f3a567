import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ModelManifestSchema,
  inpaintMethodChoices,
  upscaleMethodChoices,
  type ModelManifest
} from '../../contract'
import { projectRoot } from '../../platform/paths'
import { inpaintMethod } from './inpaint'
import { upscaleMethod } from './upscale'

const starter = (id: string): ModelManifest =>
  ModelManifestSchema.parse(
    JSON.parse(
      readFileSync(join(projectRoot, 'native-models', 'starter', id, 'manifest.json'), 'utf8')
    )
  )

const photoInpaint = starter('photo-inpaint')
const photoSr = starter('photo-sr4')
const emoji = starter('emoji-32')
const offered = (choices: { method: string; available: boolean }[]) =>
  choices.filter((c) => c.available).map((c) => c.method)

describe('methods a model is offered with are the ones it runs (one rule: window and refusals)', () => {
  it('an inpainting model offers only its own method; a generation model RePaint and blending', () => {
    expect(offered(inpaintMethodChoices(photoInpaint))).toEqual(['dedicated'])
    expect(offered(inpaintMethodChoices(emoji))).toEqual(['repaint', 'blend'])
    expect(offered(upscaleMethodChoices(photoSr))).toEqual(['model'])
    expect(offered(upscaleMethodChoices(emoji))).toEqual(['ddrm'])
    for (const [manifest, choices] of [
      [photoInpaint, inpaintMethodChoices(photoInpaint)],
      [emoji, inpaintMethodChoices(emoji)],
      [photoSr, upscaleMethodChoices(photoSr)],
      [emoji, upscaleMethodChoices(emoji)]
    ] as const) {
      for (const c of choices) {
        // Every offered method runs; every other one is refused with the reason the window shows.
        if (c.available) continue
        expect(c.why).toContain(manifest.name)
      }
    }
  })

  it('every offered method runs, and every refused one is refused in words with that reason', () => {
    for (const manifest of [photoInpaint, emoji]) {
      for (const c of inpaintMethodChoices(manifest)) {
        if (c.available) expect(inpaintMethod(c.method, manifest)).toBe(c.method)
        else expect(() => inpaintMethod(c.method, manifest)).toThrow(c.why)
      }
    }
    for (const manifest of [photoSr, emoji]) {
      for (const c of upscaleMethodChoices(manifest)) {
        if (c.available) expect(upscaleMethod(c.method, 4, manifest)).toBe(c.method)
        else expect(() => upscaleMethod(c.method, 4, manifest)).toThrow(c.why)
      }
    }
  })

  it('the refusals name the model and the methods as a person would, and say what to do', () => {
    expect(() => inpaintMethod('repaint', photoInpaint)).toThrow(
      'Photo inpaint (starter) takes the mask and the kept image as inputs of its own; RePaint and ' +
        'mask blending are for models not made for inpainting. Leave the method on "auto" (the ' +
        'inpainting model itself).'
    )
    expect(() => inpaintMethod('dedicated', emoji)).toThrow(
      'Emoji 32 (starter) is not an inpainting model (it takes no mask input); choose an inpainting ' +
        'model for this method. Leave the method on "auto" (RePaint).'
    )
    expect(() => upscaleMethod('ddrm', 4, photoSr)).toThrow(
      'Photo ×4 (starter) is a super-resolution model; DDRM needs an image generation model. Leave ' +
        'the method on "auto" (the super-resolution model itself).'
    )
  })
})
