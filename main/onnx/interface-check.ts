// Compares a graph's real inputs/outputs with what a manifest declares, in plain words.
import { StudioError, TensorDtypeSchema, type TensorDtype, type TensorSpec } from '../contract'

/** An input or output as found in a graph (onnxruntime metadata or the .onnx reader). */
export interface FoundValue {
  readonly name: string
  readonly type: string
  readonly shape: readonly (number | string)[]
}

export interface GraphInterface<V> {
  readonly inputs: readonly V[]
  readonly outputs: readonly V[]
}

const describe = (v: { name: string; shape: readonly (number | string)[] }, type: string) =>
  `${v.name}: ${type} [${v.shape.map((d) => (d === '' ? '?' : d)).join(', ')}]`

export const describeSpec = (v: TensorSpec): string => describe(v, v.dtype)
export const describeFound = (v: FoundValue): string => describe(v, v.type)

function shapeDifference(kind: string, want: TensorSpec, got: FoundValue): string | undefined {
  // An empty shape means "unknown rank" in onnxruntime's metadata (or a scalar): nothing to compare.
  if (want.shape.length === 0 || got.shape.length === 0) return undefined
  if (want.shape.length !== got.shape.length) {
    return `${kind} ${want.name} has rank ${got.shape.length} in the graph, ${want.shape.length} in the manifest`
  }
  for (let i = 0; i < want.shape.length; i++) {
    const w = want.shape[i]
    const g = got.shape[i]
    if (typeof w === 'number' && typeof g === 'number' && w !== g) {
      return `${kind} ${want.name} dimension ${i} is ${g} in the graph, ${w} in the manifest`
    }
  }
  return undefined
}

/** Every way the found interface differs from the declared one (empty when they agree). */
export function interfaceDifferences(
  expected: GraphInterface<TensorSpec>,
  found: GraphInterface<FoundValue>
): string[] {
  const problems: string[] = []
  const compare = (
    kind: 'input' | 'output',
    want: readonly TensorSpec[],
    got: readonly FoundValue[]
  ) => {
    const byName = new Map(got.map((v) => [v.name, v]))
    for (const w of want) {
      const g = byName.get(w.name)
      if (!g) problems.push(`${kind} ${w.name} is not in the graph`)
      else if (g.type !== w.dtype) {
        problems.push(`${kind} ${w.name} is ${g.type} in the graph, ${w.dtype} in the manifest`)
      } else {
        const shape = shapeDifference(kind, w, g)
        if (shape) problems.push(shape)
      }
    }
    if (kind === 'input') {
      const declared = new Set(want.map((w) => w.name))
      for (const g of got) {
        if (!declared.has(g.name))
          problems.push(`the graph needs input ${g.name}, which the manifest does not declare`)
      }
    }
  }
  compare('input', expected.inputs, found.inputs)
  compare('output', expected.outputs, found.outputs)
  return problems
}

/** Throws `model-mismatch` naming the file and listing expected vs found when the interfaces differ. */
export function assertInterface(
  file: string,
  expected: GraphInterface<TensorSpec>,
  found: GraphInterface<FoundValue>
): void {
  const problems = interfaceDifferences(expected, found)
  if (problems.length === 0) return
  const list = (values: readonly string[]) => values.join(', ') || 'none'
  throw new StudioError(
    'model-mismatch',
    `${file} does not match its manifest: ${problems.join('; ')}. ` +
      `Expected inputs ${list(expected.inputs.map(describeSpec))}; outputs ${list(expected.outputs.map(describeSpec))}. ` +
      `Found inputs ${list(found.inputs.map(describeFound))}; outputs ${list(found.outputs.map(describeFound))}. ` +
      `Fix the component's inputs/outputs in manifest.json, or import the model again so they are read from the graph.`
  )
}

/** Turns found values into manifest specs; a type the studio cannot feed is a `model-mismatch`. */
export function toTensorSpecs(file: string, values: readonly FoundValue[]): TensorSpec[] {
  return values.map((v) => {
    const dtype = TensorDtypeSchema.safeParse(v.type)
    if (!dtype.success) {
      throw new StudioError(
        'model-mismatch',
        `${file}: ${v.name} has type ${v.type}, which the studio cannot feed or read (supported: ${TensorDtypeSchema.options.join(', ')}).`
      )
    }
    return { name: v.name, dtype: dtype.data as TensorDtype, shape: [...v.shape] }
  })
}
