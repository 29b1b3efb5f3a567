import { ImageImg2ImgSpecSchema } from '../../contract'
import { conditioningOptions } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkConditioning, checkSize } from './common'

/**
 * Image to image (SDEdit, Meng et al. 2022): the input image, resized to the output size, is noised to
 * the σ where `strength` of the schedule remains, then sampled from there.
 */
export const imageImg2Img: TaskDefinition<'image.img2img'> = {
  id: 'image.img2img',
  modality: 'image',
  label: 'Image to image',
  schema: ImageImg2ImgSpecSchema,
  inputs: [{ field: 'image', kind: 'image' }],
  cli: {
    command: 'img2img',
    summary: 'rework an image: noise it to a strength, then denoise it toward the conditioning',
    options: [
      {
        flag: 'image',
        type: 'string',
        input: 'image',
        required: true,
        description: 'input image file'
      },
      {
        flag: 'strength',
        type: 'number',
        description: 'how much to change, (0, 1]: 1 ignores the input, near 0 returns it',
        defaultText: '0.6'
      },
      ...conditioningOptions,
      { flag: 'width', type: 'int', description: 'output width', defaultText: "the model's" },
      { flag: 'height', type: 'int', description: 'output height', defaultText: "the model's" }
    ],
    examples: ['img2img --image in.png --strength 0.6 --label "Animals & Nature" --out out.png']
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
