// Continue a clip, one readable loop (audio.extend): outpainting in time. The clip's last window of
// mel frames is held (RePaint) while the frames after it are generated over the model's windows; the
// new audio (Griffin-Lim, back at the file's rate) is appended after the input's samples, unchanged.
import type { AudioExtendSpec } from '../../../contract'
import { logMel } from '../../../codecs/mel'
import { resample } from '../../../codecs/wav'
import { framesForSeconds } from '../../../tasks/audio/common'
import type { PipelineContext } from '../context'
import { recipeOf } from '../common/recipe'
import { audioJob, bitDepthFor, melToWave, readSource, sampleMel, writeClip } from './job'

export async function extendAudio(input: AudioExtendSpec, context: PipelineContext): Promise<void> {
  const job = await audioJob(input, context)
  const { spec, sample, count } = job
  const source = await readSource(context, job, spec.source)
  const rate = sample.sampleRate
  const hop = sample.hop

  // 1. Context: the last window of whole frames of the clip (or all of it), then the new frames.
  const whole = Math.max(1, Math.floor(source.wave.length / hop))
  const context_ = Math.min(whole, sample.frames)
  // One frame more than asked: the clip rarely ends on a whole frame, the tail is cut to length.
  const added = framesForSeconds(sample, spec.seconds) + 1
  const frames = context_ + added
  const from = (whole - context_) * hop
  const tail = source.wave.subarray(from, from + context_ * hop)
  const contextMel = logMel(job.mel, tail, context_)
  const mask = new Float64Array(frames)
  mask.fill(1, 0, context_)
  const mel = new Float64Array(sample.mels * frames)
  for (let m = 0; m < sample.mels; m++)
    mel.set(contextMel.subarray(m * context_, (m + 1) * context_), m * frames)

  // 2. RePaint with the context held.
  const { mels, trajectories } = await sampleMel(context, job, frames, { held: { mel, mask } })

  // 3. The input's samples, then the continuation from the clip's end on.
  const file = source.file
  const n = file.channels[0].length
  const end = source.wave.length - from // the clip's end, in samples of the generated segment
  for (let b = 0; b < count; b++) {
    const generated = melToWave(job, mels[b], frames)
    const after = generated.subarray(Math.min(end, generated.length))
    const atRate =
      file.sampleRate === rate ? after : resample(Float64Array.from(after), rate, file.sampleRate)
    const addedSamples = Math.round(spec.seconds * file.sampleRate)
    const channels = file.channels.map((c) => {
      const out = new Float64Array(n + addedSamples)
      out.set(c)
      out.set(atRate.subarray(0, addedSamples), n)
      return out
    })
    const recipe = recipeOf(spec, job.sampling, job.seeds[b], context.runtime.execution, {
      heldFrames: context_,
      addedFrames: added,
      sourceSeconds: n / file.sampleRate,
      sourceSampleRate: file.sampleRate,
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
