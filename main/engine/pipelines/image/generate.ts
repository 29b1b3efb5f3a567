// Image generation, one readable loop (image.generate):
// seeds → noise x = n·σ_0 [B, C, h, w] → sampler over the guided D(x; σ) (class or prompt, CFG) →
// pixels (the VAE decoder for latent models) → files with the recipe.
import type { ImageGenerateSpec } from '../../../contract'
import { tensorToRgba } from '../../../codecs/image'
import type { PipelineContext } from '../context'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { runSampling } from '../common/sampling'
import { imageDenoiser, imageJob } from './job'
import { writeImage } from './output'

export async function generateImage(
  input: ImageGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const job = await imageJob('image.generate', input, context)
  const { spec, sample, sampling, space, width, height, count, seeds } = job
  const denoise = await imageDenoiser(context, job, sampling.steps)

  const v = sample.vaeScale
  const shape = [count, sample.channels, height / v, width / v]
  const noise = perImageNoise(seeds)
  const sigmaMax = sampling.sigmas[0]
  const x = { shape, data: noise.randn(shape).data.map((v: number) => v * sigmaMax) }

  const result = await runSampling(context, {
    sampling,
    denoise,
    x,
    noise,
    extra: spec.samplerExtra,
    preview: space.preview
  })
  const pixels = await space.decode(result)

  for (let b = 0; b < count; b++) {
    const rgba = tensorToRgba(pixels.data, pixels.shape, b, sample.pixelRange)
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, { width, height })
    await writeImage(context, rgba, { output: b, outputs: count, format: context.format }, recipe)
  }
}
