// Video generation, one readable loop (video.generate):
// noise [B, C, F, H, W] → the job's sampler over the model's window of frames (one window, or
// MultiDiffusion windows of frames cross-faded at every step; circular for a loop) → RGBA frames →
// animated WebP (or a PNG strip) with the recipe.
import type { VideoGenerateSpec } from '../../../contract'
import { videoSample } from '../../../tasks/video/generate'
import { planWindows, windowedDenoiser } from '../../../diffusion/denoisers/windows'
import { tensorToRgba } from '../../../codecs/image'
import { encodeAnimatedWebp, encodeFrameStrip, type Clip } from '../../../codecs/video'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { resolveJob } from '../common/job'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { sampleFromNoise } from '../common/trajectory'

export async function generateVideo(
  input: VideoGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const { model, manifest, spec, sampling, conditioning, count, seeds } = await resolveJob(
    input,
    context
  )
  const sample = videoSample(manifest)
  const { channels: C, width: Wd, height: H } = sample
  const window = sample.frames
  const frames = spec.frames ?? window
  const fps = spec.fps ?? sample.fps

  // 1. The frame axis: one window, or windows overlapping by a quarter (circular for a loop).
  const L = spec.loop ? frames : Math.max(frames, window)
  const plan =
    spec.loop || L > window
      ? planWindows(L, window, Math.max(1, Math.floor(window / 4)), spec.loop)
      : undefined
  const inner = await jobDenoiser(context, model, {
    sampling,
    conditioning,
    count: count * (plan ? plan.offsets.length : 1),
    sampleShape: [C, window, H, Wd],
    steps: sampling.steps
  })
  const denoise = plan ? windowedDenoiser(inner, plan, 2) : inner

  // 2. Sampling, previews of frame 0 of output 0.
  const { result, trajectory } = await sampleFromNoise(context, {
    sampling,
    denoise,
    shape: [count, C, L, H, Wd],
    noise: perImageNoise(seeds),
    every: spec.trajectoryEvery,
    extra: spec.samplerExtra,
    preview: (x0) => {
      const image = tensorToRgba(
        frameOf(x0.data, 0, 0, C, L, H, Wd),
        [1, C, H, Wd],
        0,
        sample.pixelRange
      )
      return { kind: 'image', width: Wd, height: H, rgba: image.data }
    },
    what: 'the clip'
  })

  // 3. Frames → files.
  const format = context.format === 'png' ? 'png' : 'webp'
  for (let b = 0; b < count; b++) {
    const rgba = Array.from(
      { length: frames },
      (_, f) =>
        tensorToRgba(frameOf(result.data, b, f, C, L, H, Wd), [1, C, H, Wd], 0, sample.pixelRange)
          .data
    )
    const clip: Clip = { width: Wd, height: H, frames: rgba, fps }
    const recipe = JSON.stringify(
      recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
        frames,
        fps,
        windows: plan ? plan.offsets.length : 1
      })
    )
    const bytes =
      format === 'png' ? encodeFrameStrip(clip, recipe) : await encodeAnimatedWebp(clip, recipe)
    await context.sink.write(
      {
        output: b,
        outputs: count,
        ext: format,
        mime: format === 'png' ? 'image/png' : 'image/webp',
        bytes
      },
      { kind: 'video', frames, fps, width: Wd, height: H }
    )
  }
  void trajectory
}

/** Frame f of output b of [B, C, L, H, W] as a [C, H, W] array. */
function frameOf(
  data: ArrayLike<number>,
  b: number,
  f: number,
  C: number,
  L: number,
  H: number,
  W: number
): Float64Array {
  const plane = H * W
  const out = new Float64Array(C * plane)
  for (let c = 0; c < C; c++) {
    const base = ((b * C + c) * L + f) * plane
    for (let p = 0; p < plane; p++) out[c * plane + p] = data[base + p]
  }
  return out
}
