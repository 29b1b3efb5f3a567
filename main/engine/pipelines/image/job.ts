// What every image pipeline settles before its loop: the model, the validated spec, the sample, the
// sampling, the class label, the output size, and the guided denoiser with its pre-flight warnings.
import type { ImageSample, ModelManifest, RunnableTaskId, SpecOf } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import {
  denoiserSpecFor,
  resolveLabel,
  resolveSampling,
  taskDefinition,
  type ResolvedSampling
} from '../../../tasks'
import { imageSample, nativeSize } from '../../../tasks/image/common'
import type { Denoiser } from '../../diffusion/types'
import { runWarnings } from '../../preflight/warnings'
import type { PipelineContext } from '../context'
import {
  conditionalDenoiser,
  denoiserSession,
  guidedDenoiser,
  needsGuidance,
  type JobConditioning,
  type NetworkOptions
} from '../common/network'
import { encodePrompts } from '../common/text'
import { sampleSpace, type SampleSpace } from './space'

type ImageTask = Extract<RunnableTaskId, `image.${string}`>

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
  const model = await context.registry.resolve(input.model ?? '')
  const { manifest } = model
  const definition = taskDefinition(task)
  const { spec } = definition.validate(input, manifest)
  const sample = imageSample(manifest)
  const native = nativeSize(sample)
  const s = spec as SpecOf<T> & {
    label?: string
    width?: number
    height?: number
    prompt: string
    negativePrompt: string
  }
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
    count: spec.count,
    seeds: Array.from({ length: spec.count }, (_, b) => spec.seed + b)
  }
}

/**
 * The guided denoiser of an image job for `steps` steps: emits the pre-flight warnings, opens the
 * denoiser's session for the batch (× 2 with classifier-free guidance) and wraps it.
 */
export async function imageDenoiser<T extends ImageTask>(
  context: PipelineContext,
  job: ImageJob<T>,
  steps: number,
  options: NetworkOptions & { sampleChannels?: number; width?: number; height?: number } = {}
): Promise<Denoiser> {
  const { manifest, sample, sampling, conditioning, count } = job
  const width = options.width ?? job.width
  const height = options.height ?? job.height
  const rows = count * (needsGuidance(manifest, conditioning, sampling.guidance) ? 2 : 1)
  for (const message of runWarnings(manifest, context.settings, {
    batch: rows,
    steps,
    callsPerStep: sampling.sampler.callsPerStep,
    calibration: context.calibration
  })) {
    context.emit({ type: 'warning', message })
  }
  const v = sample.vaeScale
  const channels = options.sampleChannels ?? sample.channels
  const contextShape =
    conditioning.kind === 'text' ? [rows, ...conditioning.cond.shape.slice(1)] : undefined
  const session = await denoiserSession(
    context,
    job.model,
    [rows, channels, height / v, width / v],
    contextShape
  )
  const network = conditionalDenoiser(session, manifest, denoiserSpecFor(manifest), {
    guidanceScale: sampling.guidance,
    ...options
  })
  return guidedDenoiser(network, manifest, count, conditioning, sampling.guidance)
}
