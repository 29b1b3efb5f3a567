// Image outputs: tensor → pixels → PNG (recipe in text chunks) or lossless WebP (recipe in XMP) → sink.
import {
  imageOutputFormats,
  outputFormats,
  writtenFormat,
  type Artifact,
  type ImageSample,
  type Preview
} from '../../../contract'
import type { Tensor } from '../../../diffusion/types'
import { tensorToRgba, type RgbaImage } from '../../../codecs/image'
import { encodeWebp, probeImage } from '../../../codecs/image-io'
import { encodePng } from '../../../codecs/png'
import type { PipelineContext } from '../context'
import { a1111Parameters, type Recipe } from '../common/recipe'

/** RGBA8 preview of image 0 of a batch [B, C, H, W] in the sample's pixel range. */
export function imagePreview(x0: Tensor, sample: ImageSample): Preview {
  const rgba = tensorToRgba(x0.data, x0.shape, 0, sample.pixelRange)
  return { kind: 'image', width: rgba.width, height: rgba.height, rgba: rgba.data }
}

/**
 * Encodes one image with its recipe in `format` (one of the contract's image formats).
 * @throws StudioError bad-input for a format no image task writes.
 */
export async function encodeImage(
  rgba: RgbaImage,
  format: string,
  recipe: Recipe
): Promise<{ ext: string; mime: string; bytes: Uint8Array }> {
  const json = JSON.stringify(recipe)
  const { ext, mime } = outputFormats[writtenFormat(imageOutputFormats, format)]
  const bytes =
    ext === 'webp'
      ? await encodeWebp(rgba, json)
      : encodePng(rgba, { parameters: a1111Parameters(recipe), 'diffusion-studio': json })
  return { ext, mime, bytes }
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

/**
 * Says what decoding an input changed that shows in the output (16-bit samples reduced to 8 bits; a
 * grayscale input), and whether outputs should be made grayscale.
 */
export async function inputNotes(
  context: PipelineContext,
  bytes: Uint8Array
): Promise<{ grey: boolean }> {
  const probe = await probeImage(bytes)
  if (probe.highBitDepth) {
    context.emit({
      type: 'warning',
      message:
        'The input has more than 8 bits per sample; it was reduced to 8 bits, and the output is 8-bit.'
    })
  }
  if (probe.grey) {
    context.emit({
      type: 'warning',
      message:
        'The input is grayscale: the model works in colour, and the output is made grayscale.'
    })
  }
  return { grey: probe.grey }
}

/** RGBA8 to grey in place: Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601), alpha kept. */
export function toGrey(data: Uint8Array): Uint8Array {
  for (let p = 0; p < data.length; p += 4) {
    const y = Math.round(0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2])
    data[p] = data[p + 1] = data[p + 2] = y
  }
  return data
}
