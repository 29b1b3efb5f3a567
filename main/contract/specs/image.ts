import { z } from 'zod'
import { InputRefSchema } from '../inputs'
import { samplingFields } from '../sampling'

// Specs of the image tasks. Every spec carries the sampling fields; inputs are referenced by hash.

const text = {
  prompt: z.string().max(4000).default(''),
  negativePrompt: z.string().max(4000).default(''),
  /** Class name for class-conditional models (the manifest's conditioning.classes). */
  label: z.string().min(1).max(64).optional()
}
const size = {
  width: z.number().int().min(8).max(4096).optional(),
  height: z.number().int().min(8).max(4096).optional()
}

export const ImageGenerateSpecSchema = z.object({
  task: z.literal('image.generate'),
  ...text,
  ...size,
  ...samplingFields
})
export type ImageGenerateSpec = z.infer<typeof ImageGenerateSpecSchema>

/**
 * Image-to-image (SDEdit, Meng et al. 2022): the input is noised to the σ where `strength` of the
 * schedule remains, and the rest is sampled. strength 1 = generation from noise; → 0 returns the input.
 */
export const ImageImg2ImgSpecSchema = z.object({
  task: z.literal('image.img2img'),
  image: InputRefSchema,
  strength: z.number().gt(0).max(1).default(0.6),
  ...text,
  ...size,
  ...samplingFields
})
export type ImageImg2ImgSpec = z.infer<typeof ImageImg2ImgSpecSchema>

const px = (max: number) => z.number().int().min(0).max(max)

/**
 * Inpainting: regenerate where the mask is white, keep every other pixel exactly. Methods: a dedicated
 * inpainting model (mask and masked image as extra input channels), RePaint (Lugmayr et al. 2022) or
 * latent mask blending, which work with any model. Outpainting extends the canvas first; the new area
 * is part of the mask.
 */
export const ImageInpaintSpecSchema = z.object({
  task: z.literal('image.inpaint'),
  image: InputRefSchema,
  /** White = regenerate, black (or transparent) = keep; resized to the image when its size differs. */
  mask: InputRefSchema.optional(),
  method: z.enum(['auto', 'dedicated', 'repaint', 'blend']).default('auto'),
  /**
   * Soft edge, pixels: the blend weight falls linearly from 1 at the mask to 0 this far outside it.
   * Only this band mixes old and new; beyond it every pixel is the input's.
   */
  feather: px(256).default(4),
  /** Work on the mask's bounding box plus `padding` at the model's size, then paste it back. */
  maskedOnly: z.boolean().default(true),
  padding: px(1024).default(32),
  /** Pixels added on each side before inpainting (outpainting). */
  outpaint: z
    .strictObject({
      left: px(2048).default(0),
      top: px(2048).default(0),
      right: px(2048).default(0),
      bottom: px(2048).default(0)
    })
    .prefault({}),
  /** How much of the schedule runs inside the mask, (0, 1]: below 1 keeps some of what is there. */
  strength: z.number().gt(0).max(1).default(1),
  ...text,
  ...samplingFields
})
export type ImageInpaintSpec = z.infer<typeof ImageInpaintSpecSchema>

/**
 * Super-resolution: a model made for it (a conditional pixel model as SR3, or the latent x4 upscaler),
 * or DDRM (Kawar et al. 2022) with any pixel model; large images run in overlapping tiles.
 */
export const ImageUpscaleSpecSchema = z.object({
  task: z.literal('image.upscale'),
  image: InputRefSchema,
  /** The output is this many times the input on each side. */
  scale: z.number().int().min(2).max(8).default(4),
  method: z.enum(['auto', 'model', 'ddrm']).default('auto'),
  /** Output tile side in pixels (0: from the memory budget); tiles overlap by `tileOverlap`. */
  tile: z.number().int().min(0).max(4096).default(0),
  tileOverlap: z.number().int().min(0).max(512).default(32),
  /** The latent x4 upscaler's noise level on the low-resolution image (its `class_labels`). */
  noiseLevel: z.number().int().min(0).max(1000).optional(),
  ...text,
  ...samplingFields
})
export type ImageUpscaleSpec = z.infer<typeof ImageUpscaleSpecSchema>

export const imageSpecSchemas = [
  ImageGenerateSpecSchema,
  ImageImg2ImgSpecSchema,
  ImageInpaintSpecSchema,
  ImageUpscaleSpecSchema
] as const
