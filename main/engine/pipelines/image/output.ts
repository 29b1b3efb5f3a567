// Image outputs: tensor → pixels → PNG (recipe in text chunks) or lossless WebP (recipe in XMP) → sink.
import type { Artifact, ImageSample, Preview } from '../../../contract'
import type { Tensor } from '../../diffusion/types'
import { tensorToRgba, type RgbaImage } from '../../tensor/image'
import { encodeWebp } from '../../tensor/image-io'
import { encodePng } from '../../tensor/png'
import type { PipelineContext } from '../context'
import { a1111Parameters, type Recipe } from '../common/recipe'

/** RGBA8 preview of image 0 of a batch [B, C, H, W] in the sample's pixel range. */
export function imagePreview(x0: Tensor, sample: ImageSample): Preview {
  const rgba = tensorToRgba(x0.data, x0.shape, 0, sample.pixelRange)
  return { kind: 'image', width: rgba.width, height: rgba.height, rgba: rgba.data }
}

/** Encodes one image with its recipe in `format` (png or webp). */
export async function encodeImage(
  rgba: RgbaImage,
  format: string,
  recipe: Recipe
): Promise<{ ext: string; mime: string; bytes: Uint8Array }> {
  const json = JSON.stringify(recipe)
  if (format === 'webp') {
    return { ext: 'webp', mime: 'image/webp', bytes: await encodeWebp(rgba, json) }
  }
  const bytes = encodePng(rgba, { parameters: a1111Parameters(recipe), 'diffusion-studio': json })
  return { ext: 'png', mime: 'image/png', bytes }
}

/** Writes image `output` of `outputs` through the sink. */
export async function writeImage(
  context: PipelineContext,
  rgba: RgbaImage,
  position: { output: number; outputs: number; format: string },
  recipe: Recipe
): Promise<Artifact> {
  const file = await encodeImage(rgba, position.format, recipe)
  return context.sink.write(
    { ...file, output: position.output, outputs: position.outputs },
    { kind: 'image', width: rgba.width, height: rgba.height }
  )
}
