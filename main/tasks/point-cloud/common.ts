import { StudioError, type ModelManifest } from '../../contract'
import { resolveLabel } from '../sampling'

type PointSample = Extract<ModelManifest['sample'], { kind: 'point-cloud' }>

/** The point-cloud sample of a manifest. @throws StudioError model-mismatch otherwise. */
export function pointSample(manifest: ModelManifest): PointSample {
  if (manifest.sample.kind !== 'point-cloud') {
    throw new StudioError('model-mismatch', `Model "${manifest.id}" is not a point-cloud model.`)
  }
  return manifest.sample
}

/**
 * The label of a class-conditional shape model in its canonical spelling; a label on a model without
 * classes is refused.
 * @throws StudioError invalid-request naming the classes.
 */
export function checkLabel<S extends { label?: string }>(spec: S, manifest: ModelManifest): S {
  if (spec.label === undefined) return spec
  if (manifest.conditioning.type !== 'class') {
    throw new StudioError(
      'invalid-request',
      `Model "${manifest.id}" is unconditional: it takes no class label.`
    )
  }
  return { ...spec, label: resolveLabel(manifest, spec.label).name }
}
