// What every image pipeline settles before its loop: the model, the validated spec, the sample, the
// sampling, the class label, the output size, and the guided denoiser with its pre-flight warnings.
import type { ImageSample, ModelManifest, RunnableTaskId, SpecOf } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import {
  resolveLabel,
  resolveSampling,
  taskDefinition,
  type ResolvedSampling
} from '../../../tasks'
import { imageSample, nativeSize } from '../../../tasks/image/common'
import type { Denoiser } from '../../../diffusion/types'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import type { JobConditioning, NetworkOptions } from '../common/network'
import { encodePrompts } from '../common/text'
import { sampleSpace, type SampleSpace } from './space'

type ImageTask = Extract<RunnableTaskId, `image.${string}`>
/** Any image task's spec (the fields every image spec has). */
type ImageSpec = SpecOf<ImageTask>

export interface ImageJob<T extends ImageTask> {
  readonly model: ResolvedModel
  readonly manifest: ModelManifest
  /** The spec after its task's validation (model id set, label in its canonical spelling). */
  readonly spec: SpecOf<T>
  readonly sample: ImageSample
  readonly sampling: ResolvedSampling
  /** The class or the encoded prompts the job conditions on. */
  readonly conditioning: JobConditioning
  /** Pixels ↔ samples (the VAE of latent models). */
  readonly space: SampleSpace
  readonly width: number
  readonly height: number
  readonly count: number
  /** Seed of output b: seed + b. */
  readonly seeds: readonly number[]
}

/** Resolves and validates an image job. @throws StudioError as the task's validation does. */
export async function imageJob<T extends ImageTask>(
  task: T,
  input: SpecOf<T>,
  context: PipelineContext
): Promise<ImageJob<T>> {
  const model = await context.registry.resolve((input as ImageSpec).model ?? '')
  const { manifest } = model
  const definition = taskDefinition(task)
  const { spec } = definition.validate(input, manifest)
  const sample = imageSample(manifest)
  const native = nativeSize(sample)
  const s = spec as ImageSpec & { width?: number; height?: number }
  const conditioning: JobConditioning =
    manifest.conditioning.type === 'text'
      ? { kind: 'text', ...(await encodePrompts(context, model, s.prompt, s.negativePrompt)) }
      : manifest.conditioning.type === 'class'
        ? {
            kind: 'class',
            label: s.label === undefined ? undefined : resolveLabel(manifest, s.label).index
          }
        : { kind: 'none' }
  return {
    model,
    manifest,
    spec,
    sample,
    sampling: resolveSampling(definition.samplingRequest?.(spec) ?? spec, manifest),
    conditioning,
    space: sampleSpace(context, model, sample),
    width: s.width ?? native.width,
    height: s.height ?? native.height,
    count: s.count,
    seeds: Array.from({ length: s.count }, (_, b) => s.seed + b)
  }
}

/**
 * The guided denoiser of an image job for `steps` steps (common/denoiser.ts at the job's sample size, or
 * the size and channels given).
 */
export function imageDenoiser<T extends ImageTask>(
  context: PipelineContext,
  job: ImageJob<T>,
  steps: number,
  options: NetworkOptions & { sampleChannels?: number; width?: number; height?: number } = {}
): Promise<Denoiser> {
  const { sample } = job
  const v = sample.vaeScale
  const width = options.width ?? job.width
  const height = options.height ?? job.height
  const channels = options.sampleChannels ?? sample.channels
  return jobDenoiser(
    context,
    job.model,
    {
      sampling: job.sampling,
      conditioning: job.conditioning,
      count: job.count,
      sampleShape: [channels, height / v, width / v],
      steps
    },
    options
  )
}
