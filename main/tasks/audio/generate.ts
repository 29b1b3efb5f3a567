import { AudioGenerateSpecSchema, StudioError } from '../../contract'
import { checkLabel } from '../point-cloud/common'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import {
  audioLabelOption,
  audioSample,
  audioTrajectoryOption,
  encodingOption,
  framesForSeconds,
  windowSeconds
} from './common'

/**
 * Audio from noise: the model's mel images, one window or overlapping windows averaged at every step
 * (longer clips, loops), inverted to a waveform.
 */
export const audioGenerate: TaskDefinition<'audio.generate'> = {
  id: 'audio.generate',
  modality: 'audio',
  label: 'Generate audio',
  schema: AudioGenerateSpecSchema,
  inputs: [],
  cli: {
    command: 'generate',
    summary: 'generate audio clips (a class label for class models); WAV out',
    options: [
      audioLabelOption,
      {
        flag: 'seconds',
        type: 'number',
        description:
          "length; longer than the model's window runs overlapping windows cross-faded at every step",
        defaultText: "the model's window"
      },
      {
        flag: 'loop',
        type: 'boolean',
        description:
          'a seamless loop: the time axis wraps at every step, so the end meets the start'
      },
      audioTrajectoryOption,
      encodingOption
    ],
    examples: [
      'generate --modality audio --label seven --out seven.wav',
      'generate --modality audio --label three --seconds 4 --loop --out loop.wav'
    ]
  },
  validate(spec, manifest) {
    const sample = audioSample(manifest)
    const labelled = checkLabel(spec, manifest)
    const warnings: string[] = []
    if (spec.loop && spec.seconds !== undefined) {
      const frames = framesForSeconds(sample, spec.seconds)
      if (frames < 8) {
        throw new StudioError(
          'invalid-request',
          `A loop of ${spec.seconds} s is under 8 frames of model "${manifest.id}" (${((8 * sample.hop) / sample.sampleRate).toFixed(3)} s): make it longer.`
        )
      }
    }
    if (spec.seconds !== undefined && spec.seconds > windowSeconds(sample) * 1.001) {
      warnings.push(
        `${spec.seconds} s is longer than model "${manifest.id}"'s window of ${windowSeconds(sample).toFixed(3)} s: it runs as overlapping windows cross-faded at every step.`
      )
    }
    const sampling = resolveSampling(spec, manifest)
    return {
      spec: { ...labelled, model: manifest.id },
      warnings: [...warnings, ...sampling.warnings]
    }
  }
}
