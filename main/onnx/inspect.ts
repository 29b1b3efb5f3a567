// Graph inspection for the model registry and importer: what an .onnx file takes and returns, and
// whether the files it points at are there. No weights are loaded; main/models imports only this module.
import { stat } from 'node:fs/promises'
import { dirname, join, posix } from 'node:path'
import { StudioError, type TensorSpec } from '../contract'
import { notRegularFile } from '../platform/regular-file'
import { readOnnxFile, type OnnxGraphInfo } from './onnx-reader'
import { ProtoError } from './protobuf'
import { toTensorSpecs } from './interface-check'

export { assertInterface, interfaceDifferences, toTensorSpecs } from './interface-check'
export type { OnnxGraphInfo } from './onnx-reader'

/** A session's working memory is estimated as its weight bytes × this (arena, activations, copies). */
export const sessionMemoryFactor = 1.5

/**
 * Whether `path` is relative and stays below its folder on every platform: not empty, no leading `/` or
 * `\`, no drive letter, no `..` part (split on either slash).
 */
export function isContainedPath(path: string): boolean {
  if (!path || /^[\\/]/.test(path) || /^[a-zA-Z]:/.test(path)) return false
  return !path.split(/[\\/]/).includes('..')
}

/**
 * An external-data location in the form onnxruntime resolves it, relative to the graph's folder:
 * `./weights.pb`, `sub//w.bin` and `sub/./w.bin` all name the same file as `weights.pb` / `sub/w.bin`.
 * undefined for a location that is absolute, names a drive, or has a `..` part (refused like a path
 * leaving the folder, whether or not it would).
 */
export function externalLocation(location: string): string | undefined {
  if (!isContainedPath(location)) return undefined
  const normal = posix.normalize(location.replace(/\\/g, '/'))
  return normal === '.' || normal === '' ? undefined : normal
}

/** `model-corrupt` for the first external-data location that would leave the graph's folder. */
function assertContainedLocations(file: string, info: OnnxGraphInfo): void {
  const bad = info.externalData.find((ref) => externalLocation(ref.location) === undefined)
  if (!bad) return
  throw new StudioError(
    'model-corrupt',
    `${file} keeps tensor ${bad.tensor} in external data at "${bad.location}", outside the model's folder; such a graph is damaged or hostile and is not used. Export the model again with its weights beside the .onnx file.`
  )
}

export interface InspectedGraph {
  info: OnnxGraphInfo
  inputs: TensorSpec[]
  outputs: TensorSpec[]
  /** External-data files, relative to the .onnx file's folder, each listed once. */
  externalFiles: string[]
}

/**
 * Reads an .onnx file's interface. Missing file: `model-missing`; unreadable, or external data outside
 * the file's folder: `model-corrupt`.
 */
export async function inspectOnnx(file: string): Promise<InspectedGraph> {
  let info: OnnxGraphInfo
  try {
    info = await readOnnxFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StudioError(
        'model-missing',
        `${file} is missing. Download or import the model again.`
      )
    }
    if (error instanceof ProtoError) {
      throw new StudioError(
        'model-corrupt',
        `${file} is not a readable ONNX model (${error.message}); it is probably truncated or was replaced. Download or import the model again.`,
        { cause: error }
      )
    }
    throw error
  }
  assertContainedLocations(file, info)
  return {
    info,
    inputs: toTensorSpecs(file, info.inputs),
    outputs: toTensorSpecs(file, info.outputs),
    externalFiles: [...new Set(info.externalData.map((ref) => externalLocation(ref.location)!))]
  }
}

/**
 * Checks that every external-data file the graph references exists and is long enough for the tensors
 * stored in it: `model-missing` or `model-corrupt`, naming the data file and the graph that needs it.
 */
export async function checkExternalData(file: string, info: OnnxGraphInfo): Promise<void> {
  assertContainedLocations(file, info)
  const needed = new Map<string, number>()
  for (const ref of info.externalData) {
    const end = ref.offset + (ref.length ?? 0)
    const location = externalLocation(ref.location)!
    needed.set(location, Math.max(needed.get(location) ?? 0, end))
  }
  for (const [location, end] of needed) {
    const path = join(dirname(file), location)
    const found = await stat(path).catch(() => undefined)
    if (found && !found.isFile()) throw notRegularFile(path, found)
    const size = found ? found.size : -1
    if (size < 0) {
      throw new StudioError(
        'model-missing',
        `${path} is missing: ${file} keeps its weights there. Download or import the model again.`
      )
    }
    if (size < end) {
      throw new StudioError(
        'model-corrupt',
        `${path} is truncated: ${file} needs ${end} bytes of it, the file has ${size}. Download or import the model again.`
      )
    }
  }
}
