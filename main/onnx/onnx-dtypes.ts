// ONNX TensorProto.DataType codes and their names as onnxruntime-node reports them.

export const onnxTypeCodes = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16
} as const

export type OnnxTypeName = keyof typeof onnxTypeCodes

const byCode = new Map<number, OnnxTypeName>(
  Object.entries(onnxTypeCodes).map(([name, code]) => [code, name as OnnxTypeName])
)

/** The type name of an ONNX data-type code, or `type<code>` for codes this table does not know. */
export function onnxTypeName(code: number): string {
  return byCode.get(code) ?? `type${code}`
}

/** Bytes per element (0 for variable-size strings). */
export function elementSize(type: OnnxTypeName): number {
  switch (type) {
    case 'uint8':
    case 'int8':
    case 'bool':
      return 1
    case 'uint16':
    case 'int16':
    case 'float16':
    case 'bfloat16':
      return 2
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4
    case 'int64':
    case 'uint64':
    case 'float64':
      return 8
    case 'string':
      return 0
  }
}
