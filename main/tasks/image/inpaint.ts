import {
  ImageInpaintSpecSchema,
  StudioError,
  autoInpaintMethod,
  inpaintMethodChoices,
  inpaintMethodNames,
  type ModelManifest
} from '../../contract'
import { conditioningOptions } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { checkConditioning } from './common'

export type InpaintMethod = 'dedicated' | 'repaint' | 'blend'

/**
 * The method a model inpaints with: its own (a dedicated inpainting model, mask and masked image as
 * extra input channels), else RePaint for pixel models and latent mask blending for latent ones.
 * @throws StudioError invalid-request when the asked method cannot run on the model.
 */
export function inpaintMethod(
  asked: 'auto' | InpaintMethod,
  manifest: ModelManifest
): InpaintMethod {
  const choices = inpaintMethodChoices(manifest)
  const chosen = asked === 'auto' ? autoInpaintMethod(manifest) : asked
  const choice = choices.find((c) => c.method === chosen)
  if (choice && !choice.available) {
    const auto = choices.find((c) => c.method === autoInpaintMethod(manifest))
    const usable = choices.some((c) => c.available)
    throw new StudioError(
      choice.method === 'dedicated' || usable ? 'invalid-request' : 'model-mismatch',
      choice.why +
        (auto?.available && auto.method !== chosen
          ? ` Leave the method on "auto" (${inpaintMethodNames[auto.method]}).`
          : '')
    )
  }
  return chosen
}

/**
 * Inpainting and outpainting: regenerate where the mask is white and keep every other pixel byte for
 * byte (the feather band blends, and the recipe records it).
 */
export const imageInpaint: TaskDefinition<'image.inpaint'> = {
  id: 'image.inpaint',
  modality: 'image',
  label: 'Inpaint',
  schema: ImageInpaintSpecSchema,
  inputs: [
    { field: 'image', kind: 'image' },
    { field: 'mask', kind: 'mask', optional: true }
  ],
  cli: {
    command: 'inpaint',
    summary:
      'regenerate the white part of a mask (or extend the canvas); every other pixel is kept',
    options: [
      { flag: 'image', type: 'string', input: 'image', required: true, description: 'input image' },
      {
        flag: 'mask',
        type: 'string',
        input: 'mask',
        description:
          'mask image: white = regenerate, black or transparent = keep (resized to the image)'
      },
      {
        flag: 'method',
        type: 'string',
        choices: ['auto', 'dedicated', 'repaint', 'blend'],
        description: 'dedicated inpainting model, RePaint (pixel models) or latent mask blending',
        defaultText: 'auto'
      },
      {
        flag: 'feather',
        type: 'int',
        description: 'soft edge of the mask in pixels',
        defaultText: '4'
      },
      {
        flag: 'whole-image',
        field: 'maskedOnly',
        type: 'boolean',
        negate: true,
        description: 'work on the whole image instead of the masked area (with --padding around it)'
      },
      {
        flag: 'padding',
        type: 'int',
        description: 'context pixels around the masked area',
        defaultText: '32'
      },
      {
        flag: 'extend-left',
        field: 'outpaint.left',
        type: 'int',
        description: 'outpaint: pixels added on the left'
      },
      {
        flag: 'extend-top',
        field: 'outpaint.top',
        type: 'int',
        description: 'outpaint: pixels added on top'
      },
      {
        flag: 'extend-right',
        field: 'outpaint.right',
        type: 'int',
        description: 'outpaint: pixels added on the right'
      },
      {
        flag: 'extend-bottom',
        field: 'outpaint.bottom',
        type: 'int',
        description: 'outpaint: pixels added at the bottom'
      },
      {
        flag: 'strength',
        type: 'number',
        description: 'how much of the masked area to change, (0, 1]',
        defaultText: '1'
      },
      ...conditioningOptions
    ],
    examples: [
      'inpaint --image photo.png --mask mask.png --out fixed.png',
      'inpaint --image photo.png --extend-right 128 --out wider.png'
    ]
  },
  samplingRequest: (spec) =>
    spec.method === 'repaint'
      ? { ...spec, samplerExtra: withoutKeys(spec.samplerExtra, repaintKeys) }
      : spec,
  validate(spec, manifest) {
    const conditioned = checkConditioning(spec, manifest)
    const method = inpaintMethod(spec.method, manifest)
    const o = spec.outpaint
    const extends_ = o.left + o.top + o.right + o.bottom > 0
    if (!spec.mask && !extends_) {
      throw new StudioError(
        'invalid-request',
        'Inpainting needs a mask (white = regenerate) or an outpainting border; neither was given.'
      )
    }
    // RePaint's knobs are its own; the model's sampler is not used with it.
    if (method === 'repaint') checkRepaintKnobs(spec.samplerExtra)
    const sampling = resolveSampling(imageInpaint.samplingRequest!({ ...spec, method }), manifest)
    return { spec: { ...conditioned, method, model: manifest.id }, warnings: sampling.warnings }
  }
}

/** RePaint's knobs in samplerExtra (its own solver's, not the model sampler's). */
export const repaintKeys = ['jump_length', 'resample_count']

/** The sampler extras without the knobs of the job's own solver (RePaint's, DDRM's). */
export function withoutKeys<V>(
  extra: Readonly<Record<string, V>>,
  keys: readonly string[]
): Record<string, V> {
  return Object.fromEntries(Object.entries(extra).filter(([k]) => !keys.includes(k)))
}

/** @throws StudioError invalid-request for a jump length or resampling count that is not an integer ≥ 1. */
export function checkRepaintKnobs(extra: Readonly<Record<string, unknown>>): void {
  for (const key of repaintKeys) {
    const v = extra[key]
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 50)) {
      throw new StudioError(
        'invalid-request',
        `RePaint's ${key} must be an integer from 1 to 50; ${String(v)} was given.`
      )
    }
  }
}

export { repaintKnobs, repaintNfe } from '../../contract'
