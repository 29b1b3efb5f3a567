import { AudioExtendSpecSchema } from '../../contract'
import type { TaskDefinition } from '../types'
import {
  audioLabelOption,
  audioTrajectoryOption,
  editRules,
  encodingOption,
  sourceOption
} from './common'

/** Continue a clip: outpainting in time, its last window held (RePaint), the frames after it generated. */
export const audioExtend: TaskDefinition<'audio.extend'> = {
  id: 'audio.extend',
  modality: 'audio',
  label: 'Continue a clip',
  schema: AudioExtendSpecSchema,
  inputs: [{ field: 'source', kind: 'audio' }],
  cli: {
    command: 'audio-extend',
    summary: 'continue a WAV clip by N seconds; the clip itself is kept exactly',
    options: [
      sourceOption,
      { flag: 'seconds', type: 'number', required: true, description: 'how much to add, seconds' },
      audioLabelOption,
      audioTrajectoryOption,
      encodingOption
    ],
    examples: ['audio-extend --audio seven.wav --seconds 1 --label eight --out longer.wav']
  },
  samplingRequest: (spec) => editRules.samplingRequest(spec),
  validate: (spec, manifest) => editRules.validate(spec, manifest)
}
