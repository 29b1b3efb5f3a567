import {
  StudioError,
  type AudioExtendSpec,
  type AudioInpaintSpec,
  type AudioSample,
  type ModelManifest
} from '../../contract'
import { checkRepaintKnobs, repaintKeys, withoutKeys } from '../image/inpaint'
import { checkLabel } from '../point-cloud/common'
import { resolveSampling } from '../sampling'
import type { CliOption } from '../types'

/** The audio sample of a manifest. @throws StudioError model-mismatch otherwise. */
export function audioSample(manifest: ModelManifest): AudioSample {
  if (manifest.sample.kind !== 'audio') {
    throw new StudioError('model-mismatch', `Model "${manifest.id}" is not an audio model.`)
  }
  return manifest.sample
}

/** Seconds of the model's window: frames · hop / sampleRate. */
export function windowSeconds(sample: AudioSample): number {
  return (sample.frames * sample.hop) / sample.sampleRate
}

/** Frames for `seconds` of audio (whole hops, rounded up, at least one). */
export function framesForSeconds(sample: AudioSample, seconds: number): number {
  return Math.max(1, Math.ceil((seconds * sample.sampleRate) / sample.hop - 1e-9))
}

export const audioLabelOption: CliOption = {
  flag: 'label',
  type: 'string',
  description: 'class label (class-conditioned models, e.g. a digit: "seven"; case-insensitive)'
}

export const audioTrajectoryOption: CliOption = {
  flag: 'trajectory-every',
  type: 'int',
  description: 'keep every n-th denoising step (mel images) for replay (0: none)',
  defaultText: '0'
}

export const encodingOption: CliOption = {
  flag: 'encoding',
  type: 'string',
  choices: ['pcm16', 'float32'],
  description: 'WAV sample format (an edited clip keeps its own by default)',
  defaultText: 'pcm16'
}

export const sourceOption: CliOption = {
  flag: 'audio',
  field: 'source',
  type: 'string',
  input: 'audio',
  required: true,
  description: 'the clip, WAV (PCM or float; resampled to the model rate with a warning)'
}

/** What both clip edits check and how they ask for sampling (RePaint's knobs are their own). */
export const editRules = {
  samplingRequest: <S extends AudioInpaintSpec | AudioExtendSpec>(spec: S): S => ({
    ...spec,
    samplerExtra: withoutKeys(spec.samplerExtra, repaintKeys)
  }),
  validate<S extends AudioInpaintSpec | AudioExtendSpec>(spec: S, manifest: ModelManifest) {
    audioSample(manifest)
    checkRepaintKnobs(spec.samplerExtra)
    const labelled = checkLabel(spec, manifest)
    const sampling = resolveSampling(editRules.samplingRequest(spec), manifest)
    return { spec: { ...labelled, model: manifest.id }, warnings: sampling.warnings }
  }
}
