// What every audio pipeline settles first (the model, the validated spec, the sampling, the class, the
// mel representation) and the one sampling stage they share: a long mel image [B, 1, mels, L] denoised
// by the model's windows (MultiDiffusion, circular for loops), from noise or by RePaint with frames held.
import {
  StudioError,
  type AudioExtendSpec,
  type AudioGenerateSpec,
  type AudioInpaintSpec,
  type AudioSample
} from '../../../contract'
import { audioSample } from '../../../tasks/audio/common'
import { createRepaint } from '../../../diffusion/inverse'
import { planWindows, windowedDenoiser } from '../../../diffusion/denoisers/windows'
import type { Tensor } from '../../../diffusion/types'
import { invertMel, type MelConfig } from '../../../codecs/mel'
import {
  monoMix,
  readWav,
  resample,
  writeWav,
  type WavAudio,
  type WavBitDepth
} from '../../../codecs/wav'
import { repaintKnobs } from '../../../tasks/image/inpaint'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { resolveJob, type ResolvedJob } from '../common/job'
import { perImageNoise } from '../common/noise'
import type { Recipe } from '../common/recipe'
import { sampleFromNoise, type TrajectoryFrame } from '../common/trajectory'

type AudioSpec = AudioGenerateSpec | AudioInpaintSpec | AudioExtendSpec

export interface AudioJob<S extends AudioSpec> extends ResolvedJob<S> {
  readonly sample: AudioSample
  readonly mel: MelConfig
}

/** The codec's representation of a manifest's audio sample. */
export function melConfigOf(sample: AudioSample): MelConfig {
  return {
    sampleRate: sample.sampleRate,
    nFft: sample.nFft,
    hop: sample.hop,
    pad: sample.pad,
    mels: sample.mels,
    fMin: sample.fMin,
    fMax: sample.fMax,
    powerFloor: sample.powerFloor,
    logLo: sample.logRange[0],
    logHi: sample.logRange[1],
    iterations: sample.griffinLim.iterations,
    momentum: sample.griffinLim.momentum
  }
}

/** Resolves and validates an audio job. @throws StudioError as the task's validation does. */
export async function audioJob<S extends AudioSpec>(
  input: S,
  context: PipelineContext
): Promise<AudioJob<S>> {
  const job = await resolveJob(input, context)
  const sample = audioSample(job.manifest)
  return { ...job, sample, mel: melConfigOf(sample) }
}

/** Frames of overlap between neighbouring windows: a quarter window. */
const overlapOf = (window: number) => Math.max(1, Math.floor(window / 4))

/**
 * Samples `count` mel images [count, 1, mels, frames]: the model's window alone when `frames` is the
 * window, else MultiDiffusion windows (circular when `loop`); with `held` (mel [mels, frames] and a
 * per-frame mask, 1 = keep), RePaint keeps those frames. Shorter than a window (not a loop): a whole
 * window is sampled and the first `frames` kept.
 * @returns the mel images and each output's trajectory frames (x0 estimates, [mels, frames] each)
 */
export async function sampleMel(
  context: PipelineContext,
  job: AudioJob<AudioSpec>,
  frames: number,
  options: {
    readonly loop?: boolean
    readonly held?: { readonly mel: Float64Array; readonly mask: Float64Array }
  } = {}
): Promise<{ mels: Float64Array[]; trajectories: TrajectoryFrame[][] }> {
  const { sample, sampling, count } = job
  const W = sample.frames
  const M = sample.mels
  const loop = options.loop ?? false
  const L = loop ? frames : Math.max(frames, W)
  const plan = loop || L > W ? planWindows(L, W, overlapOf(W), loop) : undefined
  const windows = plan ? plan.offsets.length : 1
  const held = options.held
  const knobs = repaintKnobs(job.spec.samplerExtra)
  const inner = await jobDenoiser(context, job.model, {
    sampling,
    conditioning: job.conditioning,
    count: count * windows,
    sampleShape: [1, M, W],
    steps: sampling.steps,
    ...(held ? { callsPerStep: knobs.resampleCount } : {})
  })
  const denoise = plan ? windowedDenoiser(inner, plan, 3) : inner
  let sampler
  if (held) {
    // Known frames (padded to L with free frames) for every output; mask 1 = keep.
    const known = { shape: [1, 1, M, L], data: new Float64Array(M * L).fill(-1) }
    const mask = { shape: [1, 1, M, L], data: new Float64Array(M * L) }
    const given = held.mask.length
    for (let m = 0; m < M; m++)
      for (let t = 0; t < Math.min(given, L); t++) {
        known.data[m * L + t] = held.mel[m * given + t]
        mask.data[m * L + t] = held.mask[t]
      }
    sampler = { name: 'repaint', sample: createRepaint({ known, mask, ...knobs }) }
  }
  const { result, trajectory } = await sampleFromNoise(context, {
    sampling,
    denoise,
    shape: [count, 1, M, L],
    noise: perImageNoise(job.seeds),
    every: job.spec.trajectoryEvery,
    extra: job.spec.samplerExtra,
    ...(sampler ? { sampler } : {}),
    what: 'the mel spectrogram'
  })
  const crop = (data: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(M * frames)
    for (let m = 0; m < M; m++)
      for (let t = 0; t < frames; t++)
        out[m * frames + t] = Math.min(1, Math.max(-1, data[m * L + t]))
    return out
  }
  const per = M * L
  const mels = Array.from({ length: count }, (_, b) =>
    crop(result.data.subarray(b * per, (b + 1) * per))
  )
  const trajectories = Array.from({ length: count }, (_, b) =>
    trajectory
      .framesOf(b, count)
      .map((f) => ({ sigma: f.sigma, data: Float32Array.from(crop(f.data)) }))
  )
  return { mels, trajectories }
}

/** A normalised log-mel [mels, frames] → waveform [frames·hop] at the model rate (Griffin-Lim). */
export function melToWave(
  job: AudioJob<AudioSpec>,
  mel: Float64Array,
  frames: number
): Float64Array {
  return invertMel(job.mel, mel, frames)
}

/** A clip as the model hears it: mono at the model's rate (resampled with a warning), plus the file. */
export interface SourceClip {
  readonly file: WavAudio
  /** Mono at the model's sample rate. */
  readonly wave: Float64Array
  readonly seconds: number
}

/** Reads a WAV input for an audio job. @throws StudioError bad-input for what readWav refuses. */
export async function readSource(
  context: PipelineContext,
  job: AudioJob<AudioSpec>,
  ref: string
): Promise<SourceClip> {
  const file = readWav(await context.readInput(ref), 'The source clip')
  const rate = job.sample.sampleRate
  const mono = monoMix(file.channels)
  if (file.sampleRate !== rate) {
    context.emit({
      type: 'warning',
      message:
        `The source clip is ${file.sampleRate} Hz; model "${job.manifest.id}" works at ${rate} Hz, so it ` +
        `was resampled for the model (the output keeps ${file.sampleRate} Hz, new audio upsampled).`
    })
  }
  return {
    file,
    wave: file.sampleRate === rate ? mono : resample(mono, file.sampleRate, rate),
    seconds: mono.length / file.sampleRate
  }
}

/** Output bit depth: the spec's encoding, else the source's (edits), else PCM16. */
export function bitDepthFor(spec: AudioSpec, source?: WavAudio): WavBitDepth {
  if (spec.encoding === 'float32') return '32f'
  if (spec.encoding === 'pcm16') return '16'
  return source?.bitDepth ?? '16'
}

/** Writes output b as WAV (recipe in ICMT) and, if kept, its trajectory as mel frames. */
export async function writeClip(
  context: PipelineContext,
  position: { output: number; outputs: number },
  audio: WavAudio,
  recipe: Recipe,
  frames: readonly TrajectoryFrame[],
  mel: { readonly mels: number; readonly frames: number }
): Promise<void> {
  const bytes = writeWav({ ...audio, comment: JSON.stringify(recipe) })
  const samples = audio.channels[0].length
  const artifact = await context.sink.write(
    { ...position, ext: 'wav', mime: 'audio/wav', bytes },
    {
      kind: 'audio',
      sampleRate: audio.sampleRate,
      channels: audio.channels.length,
      seconds: samples / audio.sampleRate
    }
  )
  if (frames.length === 0) return
  // [frames][mels · melFrames] float32 little-endian, σ per frame in the header line.
  const header = new TextEncoder().encode(
    JSON.stringify({ mels: mel.mels, frames: mel.frames, sigmas: frames.map((f) => f.sigma) }) +
      '\n'
  )
  const body = new Uint8Array(frames.length * mel.mels * mel.frames * 4)
  const view = new DataView(body.buffer)
  frames.forEach((f, k) =>
    f.data.forEach((v, i) => view.setFloat32((k * f.data.length + i) * 4, v, true))
  )
  const all = new Uint8Array(header.length + body.length)
  all.set(header)
  all.set(body, header.length)
  await context.sink.write(
    {
      ...position,
      ext: 'melt',
      mime: 'application/x-diffusion-studio-mel-trajectory',
      bytes: all,
      side: { name: 'trajectory', of: 'wav' }
    },
    {
      kind: 'audio',
      sampleRate: audio.sampleRate,
      channels: audio.channels.length,
      seconds: samples / audio.sampleRate,
      role: 'trajectory',
      of: artifact.index
    }
  )
}

/** @throws StudioError invalid-request: a region past the clip, inside out, or under one hop. */
export function checkRegion(
  region: { start: number; end: number },
  seconds: number,
  hopSeconds: number
): void {
  if (region.start >= seconds) {
    throw new StudioError(
      'invalid-request',
      `The region starts at ${region.start} s, after the clip ends (${seconds.toFixed(3)} s).`
    )
  }
  if (region.end > seconds + 1e-9) {
    throw new StudioError(
      'invalid-request',
      `The region ends at ${region.end} s, past the clip's end (${seconds.toFixed(3)} s).`
    )
  }
  if (region.end - region.start < hopSeconds) {
    throw new StudioError(
      'invalid-request',
      `The region is ${((region.end - region.start) * 1000).toFixed(1)} ms long, shorter than one frame of the model (${(hopSeconds * 1000).toFixed(1)} ms): widen it.`
    )
  }
}

export type { Tensor }
