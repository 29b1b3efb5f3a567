// Rules of the image editing tasks that both the UI and the engine apply: what "auto" picks, which
// scales a model can upscale by, and what a tile side must be a multiple of. Pure.
import type { ModelManifest } from './models'

/** A method a model is offered with, or why it is not (in words, for the window and for refusals). */
export type MethodChoice<M extends string> =
  | { readonly method: M; readonly available: true }
  | { readonly method: M; readonly available: false; readonly why: string }

export const inpaintMethodNames = {
  dedicated: 'the inpainting model itself',
  repaint: 'RePaint',
  blend: 'mask blending'
} as const

/**
 * Which inpainting methods can run on a model, and why the others cannot: an inpainting model takes the
 * mask and the kept image as its own inputs, so only its own method applies; any other image model
 * runs RePaint or mask blending (a latent one through its VAE encoder).
 */
export function inpaintMethodChoices(
  manifest: ModelManifest
): MethodChoice<keyof typeof inpaintMethodNames>[] {
  const name = manifest.name
  if (manifest.imageInputs.inpaint) {
    const why =
      `${name} takes the mask and the kept image as inputs of its own; RePaint and mask blending ` +
      'are for models not made for inpainting.'
    return [
      { method: 'dedicated', available: true },
      { method: 'repaint', available: false, why },
      { method: 'blend', available: false, why }
    ]
  }
  const sample = manifest.sample
  const latent = sample.kind === 'image' && sample.vaeScale > 1
  const blind =
    latent && !manifest.components['vae-encoder']
      ? `${name} has no VAE encoder, so it cannot see the image it would inpaint.`
      : ''
  return [
    {
      method: 'dedicated',
      available: false,
      why: `${name} is not an inpainting model (it takes no mask input); choose an inpainting model for this method.`
    },
    blind
      ? { method: 'repaint', available: false, why: blind }
      : { method: 'repaint', available: true },
    blind ? { method: 'blend', available: false, why: blind } : { method: 'blend', available: true }
  ]
}

export const upscaleMethodNames = {
  model: 'the super-resolution model itself',
  ddrm: 'DDRM'
} as const

/**
 * Which upscaling methods can run on a model, and why the others cannot: a super-resolution model
 * upscales its own way; DDRM needs a pixel-space generation model.
 */
export function upscaleMethodChoices(
  manifest: ModelManifest
): MethodChoice<keyof typeof upscaleMethodNames>[] {
  const name = manifest.name
  if (manifest.imageInputs.upscale) {
    return [
      { method: 'model', available: true },
      {
        method: 'ddrm',
        available: false,
        why: `${name} is a super-resolution model; DDRM needs an image generation model.`
      }
    ]
  }
  const sample = manifest.sample
  const pixel = sample.kind === 'image' && sample.vaeScale === 1
  return [
    {
      method: 'model',
      available: false,
      why: `${name} is not a super-resolution model; choose a super-resolution model for this method.`
    },
    pixel
      ? { method: 'ddrm', available: true }
      : {
          method: 'ddrm',
          available: false,
          why: `DDRM works in pixel space and ${name} is a latent model; choose a pixel model or an upscaling model.`
        }
  ]
}

/** What inpainting method "auto" means for a model: its own, else mask blending (latent) or RePaint. */
export function autoInpaintMethod(manifest: ModelManifest): 'dedicated' | 'repaint' | 'blend' {
  if (manifest.imageInputs.inpaint) return 'dedicated'
  return manifest.sample.kind === 'image' && manifest.sample.vaeScale > 1 ? 'blend' : 'repaint'
}

/**
 * The scales a model can upscale by: a super-resolution model any scale from 2 up to its own (smaller
 * ones are its output resized down); DDRM with a pixel model, the scales its tile side divides by.
 */
export function upscaleScales(manifest: ModelManifest): number[] {
  const own = manifest.imageInputs.upscale
  if (own) return Array.from({ length: own.scale - 1 }, (_, k) => k + 2)
  if (manifest.sample.kind !== 'image' || manifest.sample.vaeScale > 1) return []
  const side = Math.min(manifest.sample.width, manifest.sample.height)
  return [2, 3, 4, 5, 6, 7, 8].filter((s) => side % s === 0)
}

/**
 * Output tile sides must be a multiple of this many pixels for a model at `scale` (a super-resolution
 * model always runs at its own scale).
 */
export function upscaleTileMultiple(manifest: ModelManifest, scale: number): number {
  const s = manifest.sample
  const runs = manifest.imageInputs.upscale?.scale ?? scale
  return s.kind === 'image' ? Math.max(1, s.sizeMultiple) * s.vaeScale * runs : runs
}

/** RePaint's jump length and resampling count (sampler extras jump_length, resample_count). */
export function repaintKnobs(extra: Readonly<Record<string, unknown>>): {
  jumpLength: number
  resampleCount: number
} {
  const int = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : fallback
  return { jumpLength: int(extra.jump_length, 5), resampleCount: int(extra.resample_count, 4) }
}

/** RePaint's model calls for `steps` levels (one per down move of its schedule; Lugmayr et al. 2022). */
export function repaintNfe(steps: number, extra: Readonly<Record<string, unknown>>): number {
  const { jumpLength, resampleCount } = repaintKnobs(extra)
  const jumps = Math.max(0, Math.ceil((steps - jumpLength) / jumpLength))
  return steps + jumps * (resampleCount - 1) * jumpLength
}
