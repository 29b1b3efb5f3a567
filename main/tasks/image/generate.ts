import { ImageGenerateSpecSchema } from '../../contract'
import { conditioningOptions } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkConditioning, checkSize } from './common'

/** Text-, class- or unconditional image generation. */
export const imageGenerate: TaskDefinition<'image.generate'> = {
  id: 'image.generate',
  modality: 'image',
  label: 'Generate',
  schema: ImageGenerateSpecSchema,
  inputs: [],
  cli: {
    command: 'generate',
    summary: 'generate images from noise (text, class label or unconditional)',
    options: [
      ...conditioningOptions,
      {
        flag: 'width',
        type: 'int',
        description: 'width in pixels (Stable Diffusion models: a multiple of 8)',
        defaultText: "the model's"
      },
      {
        flag: 'height',
        type: 'int',
        description: 'height in pixels (Stable Diffusion models: a multiple of 8)',
        defaultText: "the model's"
      }
    ],
    examples: [
      'generate --model my-sd15 --prompt "a (red:1.2) fox in snow" --negative "blurry" --out fox.png',
      'generate --label "Smileys & Emotion" --seed 7 --steps 20 --sampler dpmpp-2m --out smile.png',
      'generate --count 4 --guidance 3 --schedule karras --out batch.png'
    ]
  },
  validate(spec, manifest) {
    const conditioned = checkConditioning(spec, manifest)
    const size = checkSize(spec, manifest)
    const sampling = resolveSampling(spec, manifest)
    return {
      spec: { ...conditioned, ...size, model: manifest.id },
      warnings: sampling.warnings
    }
  }
}
