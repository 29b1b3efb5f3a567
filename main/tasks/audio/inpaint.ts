import { AudioInpaintSpecSchema } from '../../contract'
import type { TaskDefinition } from '../types'
import {
  audioLabelOption,
  audioTrajectoryOption,
  editRules,
  encodingOption,
  sourceOption
} from './common'

/**
 * Regenerate a region of a clip: RePaint over the mel frames (the frames outside held), the new audio
 * cross-faded in over the feather, every sample outside the region the input's.
 */
export const audioInpaint: TaskDefinition<'audio.inpaint'> = {
  id: 'audio.inpaint',
  modality: 'audio',
  label: 'Regenerate a region',
  schema: AudioInpaintSpecSchema,
  inputs: [{ field: 'source', kind: 'audio' }],
  cli: {
    command: 'audio-inpaint',
    summary: 'regenerate a time region of a WAV clip; the samples outside it are kept exactly',
    options: [
      sourceOption,
      {
        flag: 'start',
        field: 'region.start',
        type: 'number',
        required: true,
        description: 'region start, seconds'
      },
      {
        flag: 'end',
        field: 'region.end',
        type: 'number',
        required: true,
        description: 'region end, seconds'
      },
      {
        flag: 'feather',
        field: 'region.feather',
        type: 'number',
        description: 'cross-fade inside each edge of the region, seconds',
        defaultText: '0.05'
      },
      audioLabelOption,
      audioTrajectoryOption,
      encodingOption
    ],
    examples: ['audio-inpaint --audio take.wav --start 0.3 --end 0.7 --label seven --out fixed.wav']
  },
  samplingRequest: (spec) => editRules.samplingRequest(spec),
  validate: (spec, manifest) => editRules.validate(spec, manifest)
}
