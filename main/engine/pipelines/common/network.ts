// The raw denoiser network behind the toolbox's D(x; σ): feeds the ONNX session, checks its output,
// and applies the one classifier-free guidance (the toolbox's batched CFG, diffusers' batch order).
import * as ort from 'onnxruntime-node'
import { StudioError, type ModelManifest, type TensorSpec } from '../../../contract'
import { createDenoiser, type DenoiserSpec } from '../../diffusion/denoisers'
import { batchedClassifierFreeGuidance, type ConditionalDenoiser } from '../../diffusion/guidance'
import type { Denoiser, Tensor } from '../../diffusion/types'
import { shapeOverrides, type ComponentSession } from '../../runtime'
import type { PipelineContext } from '../context'

/** Raised when a component returns NaN or ±Inf; the sampling loop adds the step. */
export class NonFiniteOutput extends Error {
  constructor(readonly component: string) {
    super(`${component} returned NaN or infinite values`)
    this.name = 'NonFiniteOutput'
  }
}

/** Throws NonFiniteOutput if any value is NaN or ±Inf. */
export function assertFinite(data: ArrayLike<number>, component: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new NonFiniteOutput(component)
  }
}

/** The per-row conditioning of one network call (batch B): a class index per row. */
export interface RowConditioning {
  readonly labels?: readonly number[]
}

/** What a pipeline adds to the sample before it reaches the network (concatenated channels, …). */
export interface NetworkOptions {
  /**
   * Turns the scaled sample c_in·x [B, C, …] into the graph's `sample` input (e.g. concatenates a mask
   * and a masked image for inpainting models). Default: as is.
   */
  readonly prepare?: (input: Tensor) => { data: Float32Array; shape: readonly number[] }
  /** Feeds that do not change between steps (a low-resolution image), for a batch of `rows`. */
  readonly staticFeeds?: (rows: number) => Record<string, ort.Tensor>
}

function timestepTensor(spec: TensorSpec, t: Float64Array): ort.Tensor {
  const n = t.length
  if (spec.dtype === 'int64') {
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(t, (v) => BigInt(Math.round(v))),
      [n]
    )
  }
  return new ort.Tensor('float32', Float32Array.from(t), spec.shape.length === 0 ? [] : [n])
}

/**
 * D(x; σ, cond) for a model's denoiser session: input [B, …] → D [B, …]. Denoiser inputs in the manifest
 * are ordered [sample, timestep, …]; a class-conditional model's label input is named by its
 * conditioning.
 * @throws NonFiniteOutput when the network returns NaN or ±Inf.
 */
export function conditionalDenoiser(
  session: ComponentSession,
  manifest: ModelManifest,
  denoiserSpec: DenoiserSpec,
  options: NetworkOptions = {}
): ConditionalDenoiser<RowConditioning> {
  const [sampleSpec, timeSpec] = manifest.components.denoiser?.inputs ?? []
  if (!sampleSpec || !timeSpec) {
    throw new StudioError(
      'model-mismatch',
      `Model "${manifest.id}" declares no sample/timestep inputs.`
    )
  }
  const outputName = manifest.components.denoiser?.outputs[0]?.name ?? session.outputs[0].name
  const conditioning = manifest.conditioning
  const classInput = conditioning.type === 'class' ? conditioning.input : undefined

  return (x, sigma, cond) =>
    createDenoiser(async (input, t) => {
      const rows = input.shape[0]
      const sample = options.prepare
        ? options.prepare(input)
        : { data: Float32Array.from(input.data), shape: input.shape }
      const feeds: Record<string, ort.Tensor> = {
        [sampleSpec.name]: new ort.Tensor('float32', sample.data, [...sample.shape]),
        [timeSpec.name]: timestepTensor(timeSpec, t),
        ...options.staticFeeds?.(rows)
      }
      if (classInput !== undefined) {
        const labels = cond.labels ?? []
        if (labels.length !== rows) throw new Error(`${labels.length} labels for ${rows} rows`)
        feeds[classInput] = new ort.Tensor('int64', BigInt64Array.from(labels, BigInt), [rows])
      }
      const out = (await session.run(feeds))[outputName].data as Float32Array
      assertFinite(out, 'The denoiser')
      return { shape: input.shape, data: Float64Array.from(out) }
    }, denoiserSpec)(x, sigma)
}

/**
 * The denoiser's session for `rows` rows whose graph `sample` input is `sampleShape` ([rows, C, …], as
 * the graph takes it): every symbolic dimension of its inputs is fixed from these shapes.
 */
export function denoiserSession(
  context: PipelineContext,
  model: { dir: string; manifest: ModelManifest },
  sampleShape: readonly number[]
): Promise<ComponentSession> {
  const component = model.manifest.components.denoiser
  if (!component) {
    throw new StudioError(
      'model-mismatch',
      `Model "${model.manifest.id}" has no denoiser component.`
    )
  }
  const rows = sampleShape[0]
  const concrete: Record<string, readonly number[]> = {}
  component.inputs.forEach((input, k) => {
    concrete[input.name] = k === 0 ? sampleShape : [rows]
  })
  return context.runtime.component(model, 'denoiser', shapeOverrides(component, concrete))
}

/** Whether classifier-free guidance needs a second (unconditional) branch. */
export function needsGuidance(
  manifest: ModelManifest,
  label: number | undefined,
  scale: number
): boolean {
  return manifest.conditioning.type === 'class' && label !== undefined && scale !== 1 && scale !== 0
}

/**
 * The denoiser a sampler walks: conditional on `label` for B rows, with classifier-free guidance of
 * weight `scale` (Ho & Salimans 2022) as one call on 2B rows [unconditional; conditional] when needed.
 * scale 0 (or no label) samples the unconditional model.
 */
export function guidedDenoiser(
  model: ConditionalDenoiser<RowConditioning>,
  manifest: ModelManifest,
  rows: number,
  label: number | undefined,
  scale: number
): Denoiser {
  const nullClass = manifest.conditioning.type === 'class' ? manifest.conditioning.nullClass : 0
  const fill = (v: number, n = rows) => new Array<number>(n).fill(v)
  if (!needsGuidance(manifest, label, scale)) {
    const labels = fill(label !== undefined && scale !== 0 ? label : nullClass)
    return (x, sigma) => model(x, sigma, { labels })
  }
  return batchedClassifierFreeGuidance(
    model,
    { labels: [...fill(nullClass), ...fill(label!)] },
    { scale }
  )
}
