import * as ort from 'onnxruntime-node'
import { StudioError, type ModelManifest, type TensorSpec } from '../../contract'
import type { ModelFn } from '../diffusion/denoisers'
import type { Tensor } from '../diffusion/types'
import type { ComponentSession } from '../runtime'

export interface Guidance {
  /** Class index of the conditional branch, or undefined for unconditional sampling. */
  readonly label?: number
  /** Classifier-free guidance weight w (Ho & Salimans 2022): out = u + w·(c − u). 1 = conditional only. */
  readonly scale: number
}

/** 2 when classifier-free guidance needs an unconditional branch, else 1: the model's batch is B × this. */
export function guidanceBranches(manifest: ModelManifest, guidance: Guidance): 1 | 2 {
  const classModel = manifest.conditioning.type === 'class'
  return classModel && guidance.label !== undefined && guidance.scale !== 1 && guidance.scale !== 0
    ? 2
    : 1
}

function timestepTensor(spec: TensorSpec, t: Float64Array, copies: number): ort.Tensor {
  const n = t.length * copies
  if (spec.dtype === 'int64') {
    const data = new BigInt64Array(n)
    for (let i = 0; i < n; i++) data[i] = BigInt(Math.round(t[i % t.length]))
    return new ort.Tensor('int64', data, [n])
  }
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = t[i % t.length]
  return new ort.Tensor('float32', data, [n])
}

/**
 * The raw network as a ModelFn `(input [B, C, H, W], t [B]) → output [B, C, H, W]`, with
 * classifier-free guidance folded in: conditional and unconditional branches run as one batch of 2B
 * (one session.run per step), then mix. Guidance is affine, so mixing the raw output (ε, v or x0)
 * equals mixing D at the same σ.
 * Denoiser inputs in the manifest are ordered [sample, timestep, conditioning…].
 */
export function denoiserModel(
  session: ComponentSession,
  manifest: ModelManifest,
  guidance: Guidance
): ModelFn {
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
  const nullClass = conditioning.type === 'class' ? conditioning.nullClass : 0
  const branches = guidanceBranches(manifest, guidance)
  const guided = branches === 2

  return async (input: Tensor, t: Float64Array): Promise<Tensor> => {
    const [batch] = input.shape
    const per = input.data.length / batch
    const sample = new Float32Array(input.data.length * branches)
    for (let k = 0; k < branches; k++) sample.set(input.data, k * input.data.length)
    const feeds: Record<string, ort.Tensor> = {
      [sampleSpec.name]: new ort.Tensor('float32', sample, [
        batch * branches,
        ...input.shape.slice(1)
      ]),
      [timeSpec.name]: timestepTensor(timeSpec, t, branches)
    }
    if (classInput !== undefined) {
      const labels = new BigInt64Array(batch * branches)
      for (let i = 0; i < batch * branches; i++) {
        const conditional = i < batch && guidance.label !== undefined && guidance.scale !== 0
        labels[i] = BigInt(conditional ? guidance.label! : nullClass)
      }
      feeds[classInput] = new ort.Tensor('int64', labels, [batch * branches])
    }
    const result = (await session.run(feeds))[outputName]
    const out = result.data as Float32Array
    const data = new Float64Array(input.data.length)
    if (!guided) {
      for (let i = 0; i < data.length; i++) data[i] = out[i]
    } else {
      const w = guidance.scale
      const offset = batch * per
      for (let i = 0; i < data.length; i++)
        data[i] = out[offset + i] + w * (out[i] - out[offset + i])
    }
    return { shape: input.shape, data }
  }
}
