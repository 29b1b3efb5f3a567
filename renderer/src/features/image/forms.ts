// The image tasks' forms: each task's own fields, their defaults, how they become its part of a spec
// and how a spec fills them back. Pure (unit-tested in forms.test.ts); the panels bind these fields.
import {
  autoInpaintMethod,
  inpaintMethodChoices,
  repaintNfe,
  upscaleMethodChoices,
  upscaleScales as upscaleScalesOf,
  type ImageInpaintSpec,
  type InstalledModel
} from '../../lib/contract'
import {
  parseSize,
  sizeKey,
  strengthSteps,
  type FormValues,
  type TaskFormDefinition
} from '../../lib/state/recipe'

export const inpaintMethods = ['auto', 'dedicated', 'repaint', 'blend'] as const
export type InpaintMethod = (typeof inpaintMethods)[number]
export const upscaleMethods = ['auto', 'model', 'ddrm'] as const
export type UpscaleMethod = (typeof upscaleMethods)[number]

/** A choice of method the model runs (or 'auto'); anything else falls back to 'auto'. */
function runnable<M extends string>(
  choices: readonly { method: string; available: boolean }[],
  method: M
): M | 'auto' {
  return method === 'auto' || choices.some((c) => c.method === method && c.available)
    ? method
    : 'auto'
}

/** Output size of generation and image to image: `${width}x${height}`, or '' for the model's native size. */
export type SizeFields = { size: string }

const sizeToSpec = (values: SizeFields) => {
  const size = parseSize(values.size)
  return size ? { width: size.width, height: size.height } : {}
}
const sizeFromSpec = (spec: { width?: number; height?: number }): SizeFields => ({
  size: spec.width && spec.height ? sizeKey(spec.width, spec.height) : ''
})

export const generateForm: TaskFormDefinition<'image.generate', SizeFields> = {
  task: 'image.generate',
  defaults: () => ({ size: '' }),
  toSpec: sizeToSpec,
  fromSpec: sizeFromSpec,
  onModel: () => ({ size: '' })
}

/** The input image (an input ref) of an editing task. */
export type ImageInputFields = { image: string }

export type Img2ImgFields = ImageInputFields &
  SizeFields & {
    /** How much of the schedule to run, (0, 1]. */
    strength: number
  }

export const img2imgForm: TaskFormDefinition<'image.img2img', Img2ImgFields> = {
  task: 'image.img2img',
  defaults: () => ({ image: '', strength: 0.6, size: '' }),
  toSpec: (values) => ({
    image: values.image || undefined,
    strength: values.strength,
    ...sizeToSpec(values)
  }),
  fromSpec: (spec) => ({ image: spec.image, strength: spec.strength, ...sizeFromSpec(spec) }),
  onModel: () => ({ size: '' }),
  stepsRun: (values) => strengthSteps(values.steps, values.strength)
}

export type InpaintFields = ImageInputFields & {
  /** How much of the schedule runs inside the mask, (0, 1]. */
  strength: number
  /** The mask as last uploaded (an input ref; '' before the first run, or none). */
  mask: string
  inpaintMethod: InpaintMethod
  /** Soft edge of the mask, pixels. */
  feather: number
  /** Work on the masked area plus `padding` only. */
  maskedOnly: boolean
  padding: number
  /** Outpainting: pixels added on each side. */
  outpaintLeft: number
  outpaintTop: number
  outpaintRight: number
  outpaintBottom: number
}

/** The outpainting border as the spec takes it. */
export function outpaintOf(values: InpaintFields): ImageInpaintSpec['outpaint'] {
  return {
    left: values.outpaintLeft,
    top: values.outpaintTop,
    right: values.outpaintRight,
    bottom: values.outpaintBottom
  }
}

export const hasOutpaint = (values: InpaintFields): boolean =>
  values.outpaintLeft + values.outpaintTop + values.outpaintRight + values.outpaintBottom > 0

/** The method an inpainting run uses for a model ('auto' resolved as the engine resolves it). */
function inpaintMethodFor(
  values: InpaintFields,
  model: InstalledModel | undefined
): InpaintMethod | undefined {
  const manifest = model?.manifest
  if (manifest?.sample.kind !== 'image') return undefined
  return values.inpaintMethod === 'auto' ? autoInpaintMethod(manifest) : values.inpaintMethod
}

export const inpaintForm: TaskFormDefinition<'image.inpaint', InpaintFields> = {
  task: 'image.inpaint',
  defaults: () => ({
    image: '',
    strength: 1,
    mask: '',
    inpaintMethod: 'auto',
    feather: 4,
    maskedOnly: true,
    padding: 32,
    outpaintLeft: 0,
    outpaintTop: 0,
    outpaintRight: 0,
    outpaintBottom: 0
  }),
  toSpec: (values) => ({
    image: values.image || undefined,
    ...(values.mask ? { mask: values.mask } : {}),
    method: values.inpaintMethod,
    feather: values.feather,
    maskedOnly: values.maskedOnly,
    padding: values.padding,
    outpaint: outpaintOf(values),
    strength: values.strength
  }),
  fromSpec: (spec) => ({
    image: spec.image,
    mask: spec.mask ?? '',
    inpaintMethod: spec.method,
    feather: spec.feather,
    maskedOnly: spec.maskedOnly,
    padding: spec.padding,
    outpaintLeft: spec.outpaint.left,
    outpaintTop: spec.outpaint.top,
    outpaintRight: spec.outpaint.right,
    outpaintBottom: spec.outpaint.bottom,
    strength: spec.strength
  }),
  // A method the new model cannot run is not kept (the field offers only what it can).
  onModel: (values, model) =>
    model.manifest.sample.kind === 'image'
      ? { inpaintMethod: runnable(inpaintMethodChoices(model.manifest), values.inpaintMethod) }
      : {},
  stepsRun: (values) => strengthSteps(values.steps, values.strength),
  // RePaint resamples, and its solver replaces the sampler.
  calls: (values, model, steps) =>
    inpaintMethodFor(values, model) === 'repaint'
      ? repaintNfe(steps, values.samplerExtra)
      : undefined
}

export type UpscaleFields = ImageInputFields & {
  /** Output side / input side. */
  scale: number
  upscaleMethod: UpscaleMethod
  /** Output tile side (0: from the memory budget) and overlap, pixels. */
  tile: number
  tileOverlap: number
  /** The latent ×4 upscaler's noise level (sent only to models that take one). */
  noiseLevel: number
}

/**
 * The scales an upscale form offers for a model (the contract's rule: up to a super-resolution model's
 * own; DDRM, what its tile side divides by), and the one it starts at.
 */
export function upscaleScales(model: InstalledModel | undefined): {
  preferred: number | null
  options: number[]
} {
  if (!model) return { preferred: null, options: [2, 3, 4, 5, 6, 7, 8] }
  const own = model.manifest.imageInputs.upscale
  return { preferred: own ? own.scale : null, options: upscaleScalesOf(model.manifest) }
}

export const upscaleForm: TaskFormDefinition<'image.upscale', UpscaleFields> = {
  task: 'image.upscale',
  defaults: () => ({
    image: '',
    scale: 4,
    upscaleMethod: 'auto',
    tile: 0,
    tileOverlap: 32,
    noiseLevel: 0
  }),
  toSpec: (values, model) => ({
    image: values.image || undefined,
    scale: values.scale,
    method: values.upscaleMethod,
    tile: values.tile,
    tileOverlap: values.tileOverlap,
    ...(model?.manifest.imageInputs.upscale?.noiseLevel ? { noiseLevel: values.noiseLevel } : {})
  }),
  fromSpec: (spec) => ({
    image: spec.image,
    scale: spec.scale,
    upscaleMethod: spec.method,
    tile: spec.tile,
    tileOverlap: spec.tileOverlap,
    ...(spec.noiseLevel !== undefined ? { noiseLevel: spec.noiseLevel } : {})
  }),
  onModel: (values, model) => {
    const scales = upscaleScales(model)
    const own = model.manifest.imageInputs.upscale
    return {
      ...(model.manifest.sample.kind === 'image'
        ? { upscaleMethod: runnable(upscaleMethodChoices(model.manifest), values.upscaleMethod) }
        : {}),
      scale:
        scales.preferred ??
        (scales.options.includes(values.scale)
          ? values.scale
          : (scales.options.find((s) => s >= 4) ?? scales.options[0] ?? values.scale)),
      noiseLevel: own?.noiseLevel ? own.noiseLevel.default : values.noiseLevel
    }
  }
}

/** Form values of an image task that takes an input image. */
export type ImageInputValues = FormValues<ImageInputFields>
