// What both point-cloud pipelines settle first: the model, the validated spec, the sample, the sampling,
// the class, and how outputs, previews and trajectories are written.
import {
  encodePointTrajectory,
  pointCloudOutputFormats,
  writtenFormat,
  type ModelManifest,
  type PointCloudCompleteSpec,
  type PointCloudGenerateSpec,
  type Preview
} from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import {
  resolveLabel,
  resolveSampling,
  taskDefinition,
  type ResolvedSampling
} from '../../../tasks'
import { pointSample } from '../../../tasks/point-cloud/common'
import type { Tensor } from '../../../diffusion/types'
import { writePointCloudFile } from '../../../codecs/point-cloud-io'
import type { Precision } from '../../../codecs/point-cloud-file'
import type { PipelineContext } from '../context'
import type { JobConditioning } from '../common/network'
import type { Recipe } from '../common/recipe'
import type { TrajectoryFrame } from '../common/trajectory'

type PointSpec = PointCloudGenerateSpec | PointCloudCompleteSpec

export interface PointJob<S extends PointSpec> {
  readonly model: ResolvedModel
  readonly manifest: ModelManifest
  readonly spec: S
  readonly points: number
  readonly sampling: ResolvedSampling
  readonly conditioning: JobConditioning
  readonly count: number
  readonly seeds: readonly number[]
}

/** Resolves and validates a point-cloud job. @throws StudioError as the task's validation does. */
export async function pointJob<S extends PointSpec>(
  input: S,
  context: PipelineContext
): Promise<PointJob<S>> {
  const model = await context.registry.resolve(input.model ?? '')
  const { manifest } = model
  const definition = taskDefinition(input.task) as unknown as {
    validate(spec: S, manifest: ModelManifest): { spec: S }
    samplingRequest?(spec: S): S
  }
  const { spec } = definition.validate(input, manifest)
  const sample = pointSample(manifest)
  return {
    model,
    manifest,
    spec,
    points: sample.points,
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

/** Output 0 of a batch [B, N, 3] as a point-cloud preview (float32 xyz). */
export function pointPreview(x0: Tensor): Preview {
  const n = x0.shape[1]
  const xyz = new Float32Array(n * 3)
  for (let k = 0; k < n * 3; k++) xyz[k] = x0.data[k]
  return { kind: 'point-cloud', points: n, xyz: new Uint8Array(xyz.buffer) }
}

/** Writes output b (and its trajectory, if any) with the recipe, at `precision` (default float32). */
export async function writePointCloud(
  context: PipelineContext,
  position: { output: number; outputs: number },
  points: Float32Array | Float64Array,
  recipe: Recipe,
  label: string | undefined,
  frames: readonly TrajectoryFrame[],
  options: { precision?: Precision } = {}
): Promise<void> {
  const format = writtenFormat(pointCloudOutputFormats, context.format)
  const file = writePointCloudFile(
    format,
    { points, ...(options.precision ? { precision: options.precision } : {}) },
    { recipe: JSON.stringify(recipe) }
  )
  const artifact = await context.sink.write(
    { ...file, ...position },
    { kind: 'point-cloud', points: points.length / 3, colors: false, ...(label ? { label } : {}) }
  )
  if (frames.length === 0) return
  await context.sink.write(
    {
      ...position,
      ext: 'dspt',
      mime: 'application/x-diffusion-studio-trajectory',
      bytes: encodePointTrajectory(frames.map((f) => ({ sigma: f.sigma, xyz: f.data }))),
      side: { name: 'trajectory', of: file.ext }
    },
    {
      kind: 'point-cloud',
      points: points.length / 3,
      colors: false,
      role: 'trajectory',
      of: artifact.index,
      frames: frames.length
    }
  )
}
