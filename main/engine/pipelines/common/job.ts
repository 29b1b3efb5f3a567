// What a pipeline of a class- or un-conditioned task settles first: the model, the spec as its task
// validates it, the sampling, the class, the seeds of its outputs.
import type { JobSpec, ModelManifest } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import {
  resolveLabel,
  resolveSampling,
  taskDefinition,
  type ResolvedSampling
} from '../../../tasks'
import type { PipelineContext } from '../context'
import type { JobConditioning } from './network'

export interface ResolvedJob<S extends JobSpec> {
  readonly model: ResolvedModel
  readonly manifest: ModelManifest
  readonly spec: S
  readonly sampling: ResolvedSampling
  readonly conditioning: JobConditioning
  readonly count: number
  /** Output b's seed: spec.seed + b. */
  readonly seeds: readonly number[]
}

/** Resolves the job's model and validates the spec with its task. @throws StudioError as validation does. */
export async function resolveJob<S extends JobSpec & { label?: string }>(
  input: S,
  context: PipelineContext
): Promise<ResolvedJob<S>> {
  const model = await context.registry.resolve(input.model ?? '')
  const { manifest } = model
  const definition = taskDefinition(input.task) as unknown as {
    validate(spec: S, manifest: ModelManifest): { spec: S }
    samplingRequest?(spec: S): S
  }
  const { spec } = definition.validate(input, manifest)
  return {
    model,
    manifest,
    spec,
    sampling: resolveSampling(definition.samplingRequest?.(spec) ?? spec, manifest),
    conditioning:
      manifest.conditioning.type === 'class'
        ? {
            kind: 'class',
            label: spec.label === undefined ? undefined : resolveLabel(manifest, spec.label).index
          }
        : { kind: 'none' },
    count: spec.count,
    seeds: Array.from({ length: spec.count }, (_, b) => spec.seed + b)
  }
}
