import {
  ImageUpscaleSpecSchema,
  StudioError,
  upscaleMethodChoices,
  upscaleMethodNames,
  upscaleScales,
  upscaleTileMultiple,
  type ModelManifest
} from '../../contract'
import { conditioningOptions } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkConditioning, imageSample } from './common'
import { withoutKeys } from './inpaint'

export type UpscaleMethod = 'model' | 'ddrm'

/**
 * The method a model upscales with: its own (a super-resolution model; a smaller scale than the
 * model's runs at the model's and is resized down, as Upscayl does), else DDRM (Kawar et al. 2022) with
 * a pixel model, whose native size sets the tile.
 * @throws StudioError invalid-request when the method or the scale cannot run on the model.
 */
export function upscaleMethod(
  asked: 'auto' | UpscaleMethod,
  scale: number,
  manifest: ModelManifest
): UpscaleMethod {
  const own = manifest.imageInputs.upscale
  const sample = imageSample(manifest)
  const chosen: UpscaleMethod = asked === 'auto' ? (own ? 'model' : 'ddrm') : asked
  const choice = upscaleMethodChoices(manifest).find((c) => c.method === chosen)
  if (choice && !choice.available) {
    const auto = own ? 'model' : 'ddrm'
    throw new StudioError(
      'invalid-request',
      choice.why +
        (auto !== chosen ? ` Leave the method on "auto" (${upscaleMethodNames[auto]}).` : '')
    )
  }
  if (own) {
    if (scale > own.scale) {
      throw new StudioError(
        'invalid-request',
        `${manifest.name} upscales up to ×${own.scale}; ×${scale} was asked. Upscale the result again.`
      )
    }
    return 'model'
  }
  if (!upscaleScales(manifest).includes(scale)) {
    throw new StudioError(
      'invalid-request',
      `${manifest.name} makes ${sample.width}×${sample.height} tiles, which ×${scale} does not ` +
        'divide; choose another scale.'
    )
  }
  return 'ddrm'
}

/** Super-resolution, in overlapping tiles for images larger than one tile. */
export const imageUpscale: TaskDefinition<'image.upscale'> = {
  id: 'image.upscale',
  modality: 'image',
  label: 'Upscale',
  schema: ImageUpscaleSpecSchema,
  inputs: [{ field: 'image', kind: 'image' }],
  cli: {
    command: 'upscale',
    summary: 'super-resolve an image (a super-resolution model, or DDRM with a pixel model), tiled',
    options: [
      { flag: 'image', type: 'string', input: 'image', required: true, description: 'input image' },
      {
        flag: 'scale',
        type: 'int',
        description: 'output / input side, 2–8 (a super-resolution model: up to its own, e.g. 4)',
        defaultText: '4'
      },
      {
        flag: 'method',
        type: 'string',
        choices: ['auto', 'model', 'ddrm'],
        description: "the model's own super-resolution, or DDRM with a pixel model",
        defaultText: 'auto'
      },
      {
        flag: 'tile',
        type: 'int',
        description:
          "output tile side in pixels, a multiple of the model's unit (16 for photo-sr4); 0: from the memory budget",
        defaultText: '0'
      },
      {
        flag: 'tile-overlap',
        type: 'int',
        description: 'overlap of neighbouring tiles, output pixels (blended), under half the tile',
        defaultText: '32'
      },
      {
        flag: 'noise-level',
        type: 'int',
        description:
          "noise added to the low-resolution image (the latent ×4 upscaler's class_labels)",
        defaultText: "the model's"
      },
      ...conditioningOptions
    ],
    examples: [
      'upscale --image small.png --out big.png',
      'upscale --image small.png --steps 4 --tile 256 --out big.webp'
    ]
  },
  samplingRequest: (spec) =>
    spec.method === 'ddrm'
      ? { ...spec, samplerExtra: withoutKeys(spec.samplerExtra, ['eta', 'eta_b']) }
      : spec,
  validate(spec, manifest) {
    const conditioned = checkConditioning(spec, manifest)
    const method = upscaleMethod(spec.method, spec.scale, manifest)
    const own = manifest.imageInputs.upscale
    const level = own?.noiseLevel
    if (spec.noiseLevel !== undefined && !level) {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" takes no noise level; leave --noise-level out.`
      )
    }
    if (level && spec.noiseLevel !== undefined && spec.noiseLevel > level.max) {
      throw new StudioError(
        'invalid-request',
        `Noise level ${spec.noiseLevel} is above model "${manifest.id}"'s maximum ${level.max}.`
      )
    }
    const multiple = upscaleTileMultiple(manifest, spec.scale)
    if (spec.tile > 0 && spec.tile % multiple !== 0) {
      throw new StudioError(
        'invalid-request',
        `Tile ${spec.tile} must be a multiple of ${multiple} output pixels for model "${manifest.id}" at ×${spec.scale}.`
      )
    }
    if (spec.tile > 0 && spec.tileOverlap * 2 >= spec.tile) {
      throw new StudioError(
        'invalid-request',
        `Tile overlap ${spec.tileOverlap} must be less than half the tile (${spec.tile}).`
      )
    }
    // DDRM's knobs (η, η_b) are its own; the model's sampler is not used with it.
    if (method === 'ddrm') {
      for (const key of ['eta', 'eta_b']) {
        const v = spec.samplerExtra[key]
        if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
          throw new StudioError(
            'invalid-request',
            `DDRM's ${key} must be a number from 0 to 1; ${String(v)} was given.`
          )
        }
      }
    }
    const sampling = resolveSampling(imageUpscale.samplingRequest!({ ...spec, method }), manifest)
    const warnings = [...sampling.warnings]
    if (spec.tileOverlap === 0) {
      warnings.push(
        'Tiles do not overlap (--tile-overlap 0): seams may show where they meet when the image takes several tiles.'
      )
    }
    return {
      spec: {
        ...conditioned,
        method,
        ...(level ? { noiseLevel: spec.noiseLevel ?? level.default } : {}),
        model: manifest.id
      },
      warnings
    }
  }
}
