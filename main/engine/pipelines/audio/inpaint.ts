// Regenerate a region of a clip, one readable loop (audio.inpaint):
// WAV → mono at the model's rate (resampled with a warning) → log-mel [mels, T] → the frames whose
// analysis window touches the region are free, the rest held (RePaint, Lugmayr et al. 2022, over the
// model's windows) → Griffin-Lim → back to the file's rate → cross-faded in over the feather; every
// sample outside the region is the input's (same bit depth: byte-identical) → WAV with the recipe.
import type { AudioInpaintSpec } from '../../../contract'
import { logMel } from '../../../codecs/mel'
import { resample } from '../../../codecs/wav'
import type { PipelineContext } from '../context'
import { recipeOf } from '../common/recipe'
import {
  audioJob,
  bitDepthFor,
  checkRegion,
  melToWave,
  readSource,
  sampleMel,
  writeClip
} from './job'

export async function inpaintAudio(
  input: AudioInpaintSpec,
  context: PipelineContext
): Promise<void> {
  const job = await audioJob(input, context)
  const { spec, sample, count } = job
  const { region } = spec
  const source = await readSource(context, job, spec.source)
  const rate = sample.sampleRate
  checkRegion(region, source.seconds, sample.hop / rate)

  // 1. The clip's mel, and which frames are free: those whose analysis window reaches into the region.
  const frames = Math.ceil(source.wave.length / sample.hop)
  const mel = logMel(job.mel, source.wave, frames)
  const mask = new Float64Array(frames)
  const s0 = region.start * rate
  const s1 = region.end * rate
  for (let t = 0; t < frames; t++) {
    const from = t * sample.hop - sample.pad
    const to = from + sample.nFft
    mask[t] = to <= s0 || from >= s1 ? 1 : 0
  }
  const held = mask.reduce((a, b) => a + b, 0)

  // 2. RePaint over the whole clip's frames.
  const { mels, trajectories } = await sampleMel(context, job, frames, { held: { mel, mask } })

  // 3. Back to the file's rate, cross-faded into the region; outside it the input's samples.
  const file = source.file
  const n = file.channels[0].length
  const f0 = Math.round(region.start * file.sampleRate)
  const f1 = Math.min(n, Math.round(region.end * file.sampleRate))
  const feather = Math.round(region.feather * file.sampleRate)
  const weight = (i: number) =>
    i < f0 || i >= f1 ? 0 : Math.min(1, (i - f0 + 1) / (feather + 1), (f1 - i) / (feather + 1))
  for (let b = 0; b < count; b++) {
    const generated = melToWave(job, mels[b], frames)
    const atRate = file.sampleRate === rate ? generated : resample(generated, rate, file.sampleRate)
    const channels = file.channels.map((c) => {
      const out = Float64Array.from(c)
      for (let i = f0; i < f1; i++) {
        const w = weight(i)
        out[i] = (1 - w) * c[i] + w * (atRate[i] ?? 0)
      }
      return out
    })
    const recipe = recipeOf(spec, job.sampling, job.seeds[b], context.runtime.execution, {
      region: { ...region, samples: [f0, f1], featherSamples: feather },
      sourceSampleRate: file.sampleRate,
      heldFrames: held,
      frames,
      inversion: `griffin-lim (${sample.griffinLim.iterations} iterations)`
    })
    await writeClip(
      context,
      { output: b, outputs: count },
      { sampleRate: file.sampleRate, bitDepth: bitDepthFor(spec, file), channels },
      recipe,
      trajectories[b],
      { mels: sample.mels, frames }
    )
  }
}
