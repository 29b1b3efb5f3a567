// Turns onnxruntime's error strings into typed studio errors that name the file and the fix.
import { StudioError } from '../../contract'

/** onnxruntime messages carry C++ source locations; keep the sentence a user can act on. */
export function shortOrtMessage(message: string): string {
  const text = message.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').trim() // colour codes
  const status = /Status Message: (.*)$/s.exec(text)?.[1] ?? text
  const withoutLocation = status.replace(/\/?[\w./-]*onnxruntime_src\/[^\s]+:\d+\s+/g, '')
  // "…Initialize(...)::<lambda()> cond was false. Failed to get X" -> "Failed to get X"
  const sentence = /(?:was false\.|\] : \d+ : \w+ : )\s*(.*)$/s.exec(withoutLocation)?.[1]
  return (sentence ?? withoutLocation).replace(/\s+/g, ' ').trim()
}

const outOfMemory =
  /Failed to allocate|bad_alloc|out of memory|OutOfMemory|ALLOC_FAILED|CUDNN_STATUS_ALLOC|E_OUTOFMEMORY|Failed to create buffer|allocation failed/i

export interface OrtErrorContext {
  /** The .onnx file, as the user should read it. */
  file: string
  stage: 'load' | 'run'
  provider: string
}

/** A typed error for an onnxruntime failure while loading or running `file`. */
export function classifyOrtError(error: unknown, context: OrtErrorContext): StudioError {
  if (error instanceof StudioError) return error
  const raw = error instanceof Error ? error.message : String(error)
  const short = shortOrtMessage(raw)
  const { file, provider } = context
  if (outOfMemory.test(raw)) {
    return new StudioError(
      'out-of-memory',
      `Not enough memory to ${context.stage === 'load' ? 'load' : 'run'} ${file} on ${provider} (${short}). ` +
        'Close other GPU/CPU-heavy programs, lower the resolution or batch, or lower the memory budget in Settings so fewer models stay loaded.',
      { cause: error }
    )
  }
  const missingExternal = /External data path does not exist: "?([^"\n]+)"?/.exec(raw)
  if (missingExternal) {
    return new StudioError(
      'model-missing',
      `${missingExternal[1]} is missing: ${file} keeps its weights there. Download or import the model again.`,
      { cause: error }
    )
  }
  if (/GetExtDataFromTensorProto|are out of bounds or can not be read/.test(raw)) {
    return new StudioError(
      'model-corrupt',
      `The external weights of ${file} are truncated (${short}). Verify the model (models verify) and download or import it again.`,
      { cause: error }
    )
  }
  if (/File doesn't exist|No such file|ENOENT/.test(raw)) {
    return new StudioError(
      'model-missing',
      `${file} is missing. Download or import the model again.`,
      {
        cause: error
      }
    )
  }
  if (
    /Protobuf parsing failed|INVALID_PROTOBUF|ModelProto does not have|No graph was found/.test(raw)
  ) {
    return new StudioError(
      'model-corrupt',
      `${file} is not a readable ONNX model (${short}); it is probably truncated or was replaced. Download or import the model again.`,
      { cause: error }
    )
  }
  if (context.stage === 'load') {
    return new StudioError(
      'runtime-failure',
      `onnxruntime could not load ${file} on ${provider}: ${short}. If the model needs operators this device lacks, choose the CPU device in Settings.`,
      { cause: error }
    )
  }
  return new StudioError(
    'runtime-failure',
    `${file} failed while running on ${provider}: ${short}`,
    {
      cause: error
    }
  )
}
