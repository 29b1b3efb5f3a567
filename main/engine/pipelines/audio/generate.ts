// Audio generation, one readable loop (audio.generate):
// seconds → frames of the model's mel → noise [B, 1, mels, L] → the job's sampler over the model's
// windows (one window, or MultiDiffusion windows cross-faded at every step; circular for a loop) →
// Griffin-Lim (a loop inverted between copies of itself, so the wrap is continuous too) → WAV files.
import type { AudioGenerateSpec } from '../../../contract'
import { framesForSeconds, windowSeconds } from '../../../tasks/audio/common'
import type { PipelineContext } from '../context'
import { recipeOf } from '../common/recipe'
import { audioJob, bitDepthFor, melToWave, sampleMel, writeClip } from './job'

export async function generateAudio(
  input: AudioGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const job = await audioJob(input, context)
  const { spec, sample, count } = job
  const frames = framesForSeconds(sample, spec.seconds ?? windowSeconds(sample))
  const { mels, trajectories } = await sampleMel(context, job, frames, { loop: spec.loop })
  for (let b = 0; b < count; b++) {
    const wave = spec.loop ? loopWave(job, mels[b], frames) : melToWave(job, mels[b], frames)
    const recipe = recipeOf(spec, job.sampling, job.seeds[b], context.runtime.execution, {
      frames,
      seconds: wave.length / sample.sampleRate,
      inversion: `griffin-lim (${sample.griffinLim.iterations} iterations, momentum ${sample.griffinLim.momentum})`
    })
    await writeClip(
      context,
      { output: b, outputs: count },
      { sampleRate: sample.sampleRate, bitDepth: bitDepthFor(spec), channels: [wave] },
      recipe,
      trajectories[b],
      { mels: sample.mels, frames }
    )
  }
}

/** A loop's waveform: the mel tiled three times, inverted, the middle copy kept (no edge at the wrap). */
function loopWave(
  job: Parameters<typeof melToWave>[0],
  mel: Float64Array,
  frames: number
): Float64Array {
  const M = job.sample.mels
  const tiled = new Float64Array(M * frames * 3)
  for (let m = 0; m < M; m++)
    for (let c = 0; c < 3; c++)
      tiled.set(mel.subarray(m * frames, (m + 1) * frames), m * frames * 3 + c * frames)
  const wave = melToWave(job, tiled, frames * 3)
  const hop = job.sample.hop
  return wave.slice(frames * hop, 2 * frames * hop)
}
