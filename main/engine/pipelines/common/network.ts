// The raw denoiser network behind the toolbox's D(x; σ): feeds the ONNX session, checks its output,
// and applies the one classifier-free guidance (the toolbox's batched CFG, diffusers' batch order).
import * as ort from 'onnxruntime-node'
import { StudioError, type ModelManifest, type TensorSpec } from '../../../contract'
import { createDenoiser, type DenoiserSpec } from '../../../diffusion/denoisers'
import {
  batchedClassifierFreeGuidance,
  type ConditionalDenoiser
} from '../../../diffusion/guidance'
import { SamplingCancelled, type Denoiser, type Tensor } from '../../../diffusion/types'
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

/** The per-row conditioning of one network call (batch B): a class index or text states per row. */
export interface RowConditioning {
  readonly labels?: readonly number[]
  /** Text-encoder hidden states [B, S, D] (`encoder_hidden_states`). */
  readonly context?: { readonly data: Float32Array; readonly shape: readonly number[] }
}

/** What a job conditions on: nothing, a class, or a prompt with its negative (both [1, S, D]). */
export type JobConditioning =
  | { readonly kind: 'none' }
  | { readonly kind: 'class'; readonly label: number | undefined }
  | { readonly kind: 'text'; readonly cond: Embedding; readonly uncond: Embedding }

interface Embedding {
  readonly data: Float32Array
  readonly shape: readonly number[]
}

/**
 * w embedded as LCM's `timestep_cond` (Luo et al. 2023; diffusers get_guidance_scale_embedding):
 * w' = (w − 1)·1000, then [sin(w'·f_k), cos(w'·f_k)] with f_k = exp(−k·ln(10⁴)/(dim/2 − 1)).
 * @returns Float32Array [dim]
 */
export function guidanceEmbedding(scale: number, dim: number): Float32Array {
  const half = dim / 2
  const w = (scale - 1) * 1000
  const out = new Float32Array(dim)
  const step = Math.log(10000) / (half - 1)
  for (let k = 0; k < half; k++) {
    const f = Math.exp(-k * step)
    out[k] = Math.sin(w * f)
    out[half + k] = Math.cos(w * f)
  }
  return out
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
  /** The guidance scale, for guidance-distilled models that take it as an input (LCM). */
  readonly guidanceScale?: number
  /**
   * Rows per session.run: a call on more rows runs in chunks of this many (the session is made for it; the
   * last chunk is padded by repeating its last row), checking `signal` before each, so a cancel lands
   * within one bounded call and the working memory is that of one chunk. Default: every row at once.
   */
  readonly rowsPerCall?: number
  readonly signal?: AbortSignal
}

/** Rows [from, from + take) of a feed whose first axis is `rows`, padded to `size` rows with the last. */
function sliceRows(tensor: ort.Tensor, rows: number, from: number, take: number, size: number) {
  if (tensor.dims[0] !== rows || rows === size) return tensor
  const data = tensor.data as Float32Array | BigInt64Array
  const per = data.length / rows
  const out = new (data.constructor as { new (n: number): typeof data })(size * per)
  out.set(data.subarray(from * per, (from + take) * per) as never)
  for (let r = take; r < size; r++) out.copyWithin(r * per, (take - 1) * per, take * per)
  return new ort.Tensor(tensor.type as 'float32', out as Float32Array, [
    size,
    ...tensor.dims.slice(1)
  ])
}

/**
 * The timestep feed in the graph's dtype and rank: [B] per row, [1] when the graph fixes one value
 * (diffusers' np.array([t])), [B, 1] (EDM), or a scalar [] (optimum ≥ 1.24). One σ per call, so every
 * row's t is equal.
 */
export function timestepTensor(spec: TensorSpec, t: Float64Array): ort.Tensor {
  const fixedOne = spec.shape.length === 1 && spec.shape[0] === 1
  const values = spec.shape.length === 0 || fixedOne ? t.subarray(0, 1) : t
  // [] scalar, [B] or [1], or [B, 1] (EDM's t).
  const dims =
    spec.shape.length === 0 ? [] : spec.shape.length === 2 ? [values.length, 1] : [values.length]
  if (spec.dtype === 'int64') {
    return new ort.Tensor(
      'int64',
      BigInt64Array.from(values, (v) => BigInt(Math.round(v))),
      dims
    )
  }
  return new ort.Tensor('float32', Float32Array.from(values), dims)
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
  const textInput = conditioning.type === 'text' ? conditioning.input : undefined
  const embedded = manifest.guidanceEmbedding
  const wEmbedding = embedded && guidanceEmbedding(options.guidanceScale ?? 1, embedded.dim)

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
      if (textInput !== undefined) {
        const states = cond.context
        if (!states || states.shape[0] !== rows)
          throw new Error(`text states for ${states?.shape[0] ?? 0} rows, ${rows} needed`)
        feeds[textInput] = new ort.Tensor('float32', states.data, [...states.shape])
      }
      if (embedded && wEmbedding) {
        const data = new Float32Array(rows * embedded.dim)
        for (let r = 0; r < rows; r++) data.set(wEmbedding, r * embedded.dim)
        feeds[embedded.input] = new ort.Tensor('float32', data, [rows, embedded.dim])
      }
      const size = Math.min(options.rowsPerCall ?? rows, rows)
      const result = new Float64Array(input.data.length)
      const per = input.data.length / rows
      for (let from = 0; from < rows; from += size) {
        if (options.signal?.aborted) throw new SamplingCancelled()
        const take = Math.min(size, rows - from)
        const chunk: Record<string, ort.Tensor> = {}
        for (const [name, t] of Object.entries(feeds))
          chunk[name] = sliceRows(t, rows, from, take, size)
        const out = (await session.run(chunk))[outputName].data as Float32Array
        assertFinite(out, 'The denoiser')
        result.set(out.subarray(0, take * per), from * per)
      }
      return { shape: input.shape, data: result }
    }, denoiserSpec)(x, sigma)
}

/**
 * The denoiser's session for `rows` rows whose graph `sample` input is `sampleShape` ([rows, C, …], as
 * the graph takes it) and, for text models, whose context is `contextShape` ([rows, S, D]): every
 * symbolic dimension of its inputs is fixed from these shapes.
 */
export function denoiserSession(
  context: PipelineContext,
  model: { dir: string; manifest: ModelManifest },
  sampleShape: readonly number[],
  contextShape?: readonly number[]
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
  const conditioning = model.manifest.conditioning
  component.inputs.forEach((input, k) => {
    concrete[input.name] = k === 0 ? sampleShape : [rows]
  })
  if (conditioning.type === 'text' && contextShape) concrete[conditioning.input] = contextShape
  return context.runtime.component(model, 'denoiser', shapeOverrides(component, concrete))
}

/**
 * Whether classifier-free guidance needs a second (unconditional) branch: class models with a label
 * and w ∉ {0, 1}; text models with w > 1 (diffusers' rule: w ≤ 1 runs the prompt alone, so
 * SD-Turbo's w = 0 is "no guidance"), unless the model takes w as an input (LCM).
 */
export function needsGuidance(
  manifest: ModelManifest,
  conditioning: JobConditioning,
  scale: number
): boolean {
  if (conditioning.kind === 'class')
    return conditioning.label !== undefined && scale !== 1 && scale !== 0
  if (conditioning.kind === 'text') return scale > 1 && !manifest.guidanceEmbedding
  return false
}

/** B copies of [1, S, D] states as [B, S, D]. */
function repeatRows(e: Embedding, rows: number): Embedding {
  const per = e.data.length
  const data = new Float32Array(per * rows)
  for (let r = 0; r < rows; r++) data.set(e.data, r * per)
  return { data, shape: [rows, ...e.shape.slice(1)] }
}

/**
 * The denoiser a sampler walks, for B = `rows` rows: conditional on the job's class or prompt, with
 * classifier-free guidance of weight `scale` (Ho & Salimans 2022, eq. 6) as one call on 2B rows
 * [unconditional or negative prompt; conditional] when needsGuidance says so. For class models scale 0
 * (or no label) samples the unconditional model.
 */
export function guidedDenoiser(
  model: ConditionalDenoiser<RowConditioning>,
  manifest: ModelManifest,
  rows: number,
  conditioning: JobConditioning,
  scale: number
): Denoiser {
  const guided = needsGuidance(manifest, conditioning, scale)
  if (conditioning.kind === 'text') {
    const cond = repeatRows(conditioning.cond, rows)
    if (!guided) return (x, sigma) => model(x, sigma, { context: cond })
    const uncond = repeatRows(conditioning.uncond, rows)
    const both = new Float32Array(cond.data.length * 2)
    both.set(uncond.data)
    both.set(cond.data, uncond.data.length)
    return batchedClassifierFreeGuidance(
      model,
      { context: { data: both, shape: [2 * rows, ...cond.shape.slice(1)] } },
      { scale }
    )
  }
  const nullClass = manifest.conditioning.type === 'class' ? manifest.conditioning.nullClass : 0
  const label = conditioning.kind === 'class' ? conditioning.label : undefined
  const fill = (v: number, n = rows) => new Array<number>(n).fill(v)
  if (!guided) {
    const labels = fill(label !== undefined && scale !== 0 ? label : nullClass)
    return (x, sigma) => model(x, sigma, { labels })
  }
  return batchedClassifierFreeGuidance(
    model,
    { labels: [...fill(nullClass), ...fill(label!)] },
    { scale }
  )
}
