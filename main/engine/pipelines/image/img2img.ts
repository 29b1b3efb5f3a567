// Image to image (SDEdit, Meng et al. 2022), one readable loop (image.img2img):
// input → resize (cover) → x0 [B, C, H, W] → noise to the σ where `strength` of the schedule remains
// (x = x0 + σ_k·n) → sample the tail of the σ list → files with the recipe and the input's hash.
// strength 1 starts from pure noise (identical to image.generate with the same seed); a strength too
// small to leave one step returns the input unchanged, and says so.
import type { ImageImg2ImgSpec } from '../../../contract'
import { hasAlpha, rgbaToTensor, tensorToRgba, withAlpha } from '../../../codecs/image'
import { decodeRgba, probeImage } from '../../../codecs/image-io'
import type { PipelineContext } from '../context'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { runSampling } from '../common/sampling'
import { imageDenoiser, imageJob } from './job'
import { inputNotes, toGrey, writeImage } from './output'

/** Steps left to run for a strength: diffusers' int(steps · strength), capped at steps. */
export function img2imgSteps(steps: number, strength: number): number {
  return Math.min(steps, Math.floor(steps * strength + 1e-9))
}

export async function imageToImage(
  input: ImageImg2ImgSpec,
  context: PipelineContext
): Promise<void> {
  const job = await imageJob('image.img2img', input, context)
  const { spec, sample, sampling, space, width, height, count, seeds } = job
  const recipe = (b: number, stepsRun: number) =>
    recipeOf(spec, sampling, seeds[b], context.runtime.execution, { width, height, stepsRun })
  const position = (b: number) => ({ output: b, outputs: count, format: context.format })

  // The input, upright and resized to the output (cover: fill, crop the centre), said when cropped.
  const bytes = await context.readInput(spec.image)
  const probe = await probeImage(bytes)
  const { grey } = await inputNotes(context, bytes)
  if (Math.abs(probe.width / probe.height - width / height) > 0.01) {
    context.emit({
      type: 'warning',
      message:
        `The input is ${probe.width}×${probe.height} and the output ${width}×${height}: the input was ` +
        'scaled to cover the output and its centre kept (the edges were cropped).'
    })
  }
  const pixels = await decodeRgba(bytes, { width, height, fit: 'cover' })
  const run = img2imgSteps(sampling.steps, spec.strength)
  if (run === 0) {
    context.emit({
      type: 'warning',
      message:
        `Strength ${spec.strength} of ${sampling.steps} steps leaves no step to run: the input is ` +
        'returned unchanged. Raise the strength or the steps.'
    })
    for (let b = 0; b < count; b++) await writeImage(context, pixels, position(b), recipe(b, 0))
    return
  }
  const denoise = await imageDenoiser(context, job, run)

  // x = x0 + σ_k·n at the first σ of the tail (strength 1: pure noise, as generation).
  const v = sample.vaeScale
  const shape = [count, sample.channels, height / v, width / v]
  const sigmas = sampling.sigmas.subarray(sampling.steps - run)
  const noise = perImageNoise(seeds)
  const channels = !space.latent && sample.channels === 1 ? 1 : 3
  const rgb = rgbaToTensor(pixels, channels, sample.pixelRange)
  const x0 = await space.encode(rgb, [1, channels, height, width])
  const per = x0.length
  const n = noise.randn(shape)
  const x = {
    shape,
    data: n.data.map((v, k) => (spec.strength === 1 ? 0 : x0[k % per]) + v * sigmas[0])
  }

  const result = await runSampling(context, {
    sampling,
    sigmas,
    denoise,
    x,
    noise,
    extra: spec.samplerExtra,
    preview: space.preview
  })
  const decoded = await space.decode(result)

  // The model saw premultiplied colour; the output keeps the input's alpha.
  const alpha = hasAlpha(pixels) ? pixels : undefined
  for (let b = 0; b < count; b++) {
    const rgba = tensorToRgba(decoded.data, decoded.shape, b, sample.pixelRange)
    if (alpha) withAlpha(rgba, alpha)
    if (grey) toGrey(rgba.data)
    await writeImage(context, rgba, position(b), recipe(b, run))
  }
}
