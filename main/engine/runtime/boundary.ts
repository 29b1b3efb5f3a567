// Dtype conversion at the graph boundary: the sampler side works in Float32/Float64 (and int32/int64 for
// ids); a graph may take float16, int64, … as its manifest declares. Outputs in float16 come back Float32.
import * as ort from 'onnxruntime-node'
import { StudioError, type TensorSpec } from '../../contract'
import { fromHalfArray, toHalfArray } from '../../onnx/float16'

type Numeric = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint16Array | Uint8Array

function floatValues(tensor: ort.Tensor): ArrayLike<number> | undefined {
  switch (tensor.type) {
    case 'float32':
    case 'float64':
      return tensor.data as Float32Array | Float64Array
    case 'float16':
      return fromHalfArray(tensor.data as Uint16Array)
    default:
      return undefined
  }
}

function integerValues(tensor: ort.Tensor): ArrayLike<number> | undefined {
  if (tensor.type === 'int32') return tensor.data as Int32Array
  if (tensor.type === 'int64') {
    const data = tensor.data as BigInt64Array
    const out = new Float64Array(data.length)
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i])
    return out
  }
  // Floats that hold whole numbers (a timestep passed as a float) are accepted for integer inputs.
  const floats = floatValues(tensor)
  if (floats && Array.prototype.every.call(floats, (v: number) => Number.isInteger(v)))
    return floats
  return undefined
}

function convert(spec: TensorSpec, tensor: ort.Tensor): Numeric | undefined {
  switch (spec.dtype) {
    case 'float32': {
      const values = floatValues(tensor)
      return values && Float32Array.from(values)
    }
    case 'float16': {
      const values = floatValues(tensor)
      return values && toHalfArray(values)
    }
    case 'int64': {
      const values = integerValues(tensor)
      return values && BigInt64Array.from(Array.from(values, (v) => BigInt(v)))
    }
    case 'int32': {
      const values = integerValues(tensor)
      if (!values || !Array.prototype.every.call(values, (v: number) => v === (v | 0)))
        return undefined
      return Int32Array.from(values)
    }
    default:
      return undefined
  }
}

/** The feed for `spec`: the tensor itself when its type matches, else converted (exactly where possible). */
export function toGraphFeed(component: string, spec: TensorSpec, tensor: ort.Tensor): ort.Tensor {
  if (tensor.type === spec.dtype) return tensor
  const data = convert(spec, tensor)
  if (!data) {
    throw new StudioError(
      'internal',
      `${component} input ${spec.name} takes ${spec.dtype}; it was given ${tensor.type}, which cannot be converted exactly`
    )
  }
  return new ort.Tensor(spec.dtype, data, tensor.dims)
}

/** What the caller sees of an output: float16 widened to Float32, everything else as is. */
export function fromGraphOutput(tensor: ort.OnnxValue): ort.Tensor {
  const t = tensor as ort.Tensor
  if (t.type !== 'float16') return t
  return new ort.Tensor('float32', fromHalfArray(t.data as Uint16Array), t.dims)
}

/** Zeros of a fully known shape, for the warm-up run. */
export function zerosFor(spec: TensorSpec, shape: readonly number[]): ort.Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  switch (spec.dtype) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(n), shape)
    case 'float16':
      return new ort.Tensor('float16', new Uint16Array(n), shape)
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n), shape)
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n), shape)
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(n), shape)
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), shape)
  }
}
