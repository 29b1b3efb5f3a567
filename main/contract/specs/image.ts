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

export const imageSpecSchemas = [ImageGenerateSpecSchema, ImageImg2ImgSpecSchema] as const
