import { DeviceSchema, scheduleNames } from '../contract'
import type { CliOption } from './types'

/** The options every denoising task's command has (the sampling fields of contract/sampling.ts). */
export const samplingOptions: readonly CliOption[] = [
  {
    flag: 'model',
    type: 'string',
    description: 'model id (default: the starter model for the task)'
  },
  {
    flag: 'seed',
    type: 'int',
    description: 'seed; output b of a batch (an image, a shape, a molecule) uses seed + b',
    defaultText: '0'
  },
  { flag: 'steps', type: 'int', description: 'sampler steps', defaultText: "the model's" },
  {
    flag: 'sampler',
    type: 'string',
    description: 'sampler name (see `samplers`)',
    defaultText: "the model's"
  },
  {
    flag: 'schedule',
    type: 'string',
    description: 'σ schedule',
    choices: scheduleNames,
    defaultText: 'model'
  },
  {
    flag: 'extra',
    field: 'samplerExtra',
    type: 'list',
    description: 'sampler knob key=value (repeatable), e.g. --extra eta=0.5'
  },
  {
    flag: 'guidance',
    type: 'number',
    description: 'classifier-free guidance scale',
    defaultText: "the model's"
  },
  {
    flag: 'count',
    type: 'int',
    description: 'how many outputs (FILE-1, FILE-2, …)',
    defaultText: '1'
  },
  {
    flag: 'device',
    type: 'string',
    description: 'execution provider',
    choices: DeviceSchema.options,
    defaultText: 'auto'
  }
]

/** Text and class conditioning of image tasks. */
export const conditioningOptions: readonly CliOption[] = [
  { flag: 'prompt', type: 'string', description: 'text prompt (text-conditioned models)' },
  { flag: 'negative', field: 'negativePrompt', type: 'string', description: 'negative prompt' },
  {
    flag: 'label',
    type: 'string',
    description: 'class label (class-conditioned models; case-insensitive)'
  }
]

/** Trajectory recording of the 3D tasks. */
export const trajectoryOption: CliOption = {
  flag: 'trajectory-every',
  type: 'int',
  description: 'keep every n-th denoising step for replay (0: none)',
  defaultText: '1'
}

/** The class of a class-conditional shape model. */
export const shapeLabelOption: CliOption = {
  flag: 'label',
  type: 'string',
  description: 'shape class (class-conditioned models; case-insensitive)'
}
