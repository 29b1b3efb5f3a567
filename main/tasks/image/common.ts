import { StudioError, type ImageSample, type ModelManifest } from '../../contract'
import { resolveLabel } from '../sampling'

/** The image sample of a manifest. @throws StudioError model-mismatch for a non-image model. */
export function imageSample(manifest: ModelManifest): ImageSample {
  if (manifest.sample.kind !== 'image') {
    throw new StudioError('model-mismatch', `Model "${manifest.id}" is not an image model.`)
  }
  return manifest.sample
}

/** The model's native output size in pixels (its sample size × the VAE's scale). */
export function nativeSize(sample: ImageSample): { width: number; height: number } {
  return { width: sample.width * sample.vaeScale, height: sample.height * sample.vaeScale }
}

interface Conditioned {
  readonly prompt: string
  readonly negativePrompt: string
  readonly label?: string
}

/**
 * Checks prompt and label against the model's conditioning: a label must be one of its classes (matched
 * case-insensitively, returned in its canonical spelling); a prompt needs a text model.
 * @throws StudioError invalid-request naming what the model takes instead.
 */
export function checkConditioning<S extends Conditioned>(spec: S, manifest: ModelManifest): S {
  const conditioning = manifest.conditioning
  if ((spec.prompt || spec.negativePrompt) && conditioning.type !== 'text') {
    throw new StudioError(
      'invalid-request',
      conditioning.type === 'class'
        ? `Model "${manifest.id}" takes a class label, not a prompt: use a label ` +
            `(${conditioning.classes.join(', ')}).`
        : `Model "${manifest.id}" is unconditional: it takes no prompt.`
    )
  }
  if (spec.label === undefined) return spec
  return { ...spec, label: resolveLabel(manifest, spec.label).name }
}

/**
 * The size a job runs at: the model's native size, one of its resolution buckets, or (fully convolutional
 * models) any multiple of its size multiple.
 * @throws StudioError invalid-request naming the sizes the model can make.
 */
export function checkSize(
  spec: { readonly width?: number; readonly height?: number },
  manifest: ModelManifest
): { width: number; height: number } {
  const sample = imageSample(manifest)
  const native = nativeSize(sample)
  const width = spec.width ?? native.width
  const height = spec.height ?? native.height
  const pixelMultiple = sample.sizeMultiple
  if (pixelMultiple > 0) {
    if (width % pixelMultiple || height % pixelMultiple) {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" makes images whose sides are multiples of ${pixelMultiple}; ` +
          `${width}×${height} was asked.`
      )
    }
    return { width, height }
  }
  const buckets = manifest.resolutionBuckets
  const ok =
    buckets.length === 0
      ? width === native.width && height === native.height
      : buckets.some((b) => b.width === width && b.height === height)
  if (!ok) {
    const sizes = (buckets.length ? buckets : [native]).map((b) => `${b.width}×${b.height}`)
    throw new StudioError(
      'invalid-request',
      `Model "${manifest.id}" makes ${sizes.join(', ')} images; ${width}×${height} was asked.`
    )
  }
  return { width, height }
}
