import {
  StudioError,
  VideoGenerateSpecSchema,
  type ModelManifest,
  type VideoSample
} from '../../contract'
import { checkLabel } from '../point-cloud/common'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'

/** The video sample of a manifest. @throws StudioError model-mismatch otherwise. */
export function videoSample(manifest: ModelManifest): VideoSample {
  if (manifest.sample.kind !== 'video') {
    throw new StudioError('model-mismatch', `Model "${manifest.id}" is not a video model.`)
  }
  return manifest.sample
}

/** Clips from noise: one window of frames, or overlapping windows averaged at every step (longer, loops). */
export const videoGenerate: TaskDefinition<'video.generate'> = {
  id: 'video.generate',
  modality: 'video',
  label: 'Generate video',
  schema: VideoGenerateSpecSchema,
  inputs: [],
  cli: {
    command: 'generate',
    summary: 'generate video clips (a class label for class models); animated WebP out',
    options: [
      {
        flag: 'label',
        type: 'string',
        description: 'class label, e.g. "circle left" (case-insensitive)'
      },
      {
        flag: 'frames',
        type: 'int',
        description:
          "frames; more than the model's window runs overlapping windows averaged at every step",
        defaultText: "the model's window"
      },
      { flag: 'fps', type: 'number', description: 'playback rate', defaultText: "the model's" },
      {
        flag: 'loop',
        type: 'boolean',
        description: 'a seamless loop: the frame axis wraps at every step'
      },
      {
        flag: 'trajectory-every',
        type: 'int',
        description: 'keep every n-th denoising step for replay (0: none)',
        defaultText: '0'
      }
    ],
    examples: ['generate --modality video --label "star rotate" --out star.webp']
  },
  validate(spec, manifest) {
    const sample = videoSample(manifest)
    const labelled = checkLabel(spec, manifest)
    const warnings: string[] = []
    const frames = spec.frames ?? sample.frames
    if (spec.loop && frames < 4) {
      throw new StudioError(
        'invalid-request',
        `A loop needs at least 4 frames; ${frames} were asked.`
      )
    }
    if (frames > sample.frames) {
      warnings.push(
        `${frames} frames are more than model "${manifest.id}"'s window of ${sample.frames}: they run as overlapping windows averaged at every step.`
      )
    }
    const sampling = resolveSampling(spec, manifest)
    return {
      spec: { ...labelled, model: manifest.id },
      warnings: [...warnings, ...sampling.warnings]
    }
  }
}
