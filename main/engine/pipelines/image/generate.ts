// Image generation for pixel-space models, one readable loop (image.generate):
// seeds → noise x = n·σ_0 [B, C, H, W] → sampler over the guided D(x; σ) → pixels → files with the recipe.
import type { ImageGenerateSpec } from '../../../contract'
import { tensorToRgba } from '../../tensor/image'
import type { PipelineContext } from '../context'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { runSampling } from '../common/sampling'
import { imageDenoiser, imageJob } from './job'
import { imagePreview, writeImage } from './output'

export async function generateImage(
  input: ImageGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const job = await imageJob('image.generate', input, context)
  const { spec, sample, sampling, width, height, count, seeds } = job
  const denoise = await imageDenoiser(context, job, sampling.steps)

  const shape = [count, sample.channels, height, width]
  const noise = perImageNoise(seeds)
  const sigmaMax = sampling.sigmas[0]
  const x = { shape, data: noise.randn(shape).data.map((v: number) => v * sigmaMax) }

  const result = await runSampling(context, {
    sampling,
    denoise,
    x,
    noise,
    extra: spec.samplerExtra,
    preview: (x0) => imagePreview(x0, sample)
  })

  for (let b = 0; b < count; b++) {
    const rgba = tensorToRgba(result.data, result.shape, b, sample.pixelRange)
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, { width, height })
    await writeImage(context, rgba, { output: b, outputs: count, format: context.format }, recipe)
  }
}
