// Point clouds as the viewer holds them, read from the files and bytes the studio hands over: PLY
// (three.js's PLYLoader: ASCII or binary, colours converted from sRGB), OBJ vertices (`v x y z [r g b]`),
// and a preview's float32 little-endian xyz. Text is read as the engine reads it
// (contract/text-files.ts: a UTF-8 byte-order mark dropped, any line end, UTF-16 refused), so the
// window counts the points the engine counts.
import { Vector3, type BufferGeometry } from 'three'
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js'
import { float32LE } from '../../lib/three/bytes'
import { linesOf, textOfFile, utf8BomLength } from '../../lib/contract'

export interface PointCloud {
  readonly count: number
  /** Interleaved xyz, 3 × count. */
  readonly positions: Float32Array
  /** Linear RGB in [0, 1], 3 × count; null when the file has no colours. */
  readonly colors: Float32Array | null
}

export class CloudError extends Error {
  override name = 'CloudError'
}

const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

/** A PLY file's vertices (faces, if any, are ignored: a point cloud is its vertices). */
export function parsePly(bytes: Uint8Array): PointCloud {
  let geometry
  try {
    geometry = new PLYLoader().parse(toArrayBuffer(bytes.subarray(utf8BomLength(bytes))))
  } catch (error) {
    throw new CloudError(`Not a readable PLY file (${(error as Error).message})`)
  }
  const position = geometry.getAttribute('position')
  if (!position || position.count === 0) throw new CloudError('The PLY file has no vertices.')
  const positions = Float32Array.from(position.array as ArrayLike<number>)
  const color = geometry.getAttribute('color')
  let colors: Float32Array | null = null
  if (color && color.count === position.count) {
    colors = new Float32Array(3 * color.count)
    for (let i = 0; i < color.count; i++) {
      colors[3 * i] = color.getX(i)
      colors[3 * i + 1] = color.getY(i)
      colors[3 * i + 2] = color.getZ(i)
    }
  }
  geometry.dispose()
  return { count: position.count, positions, colors }
}

/** The vertices of an OBJ file, with their colours when every vertex has them (0–1 sRGB). */
export function parseObj(text: string): PointCloud {
  const xyz: number[] = []
  const rgb: number[] = []
  let coloured = true
  for (const raw of linesOf(text)) {
    const line = raw.trim()
    if (!/^v[ \t]/.test(line)) continue
    const f = line.split(/\s+/).slice(1).map(Number)
    if (f.length < 3 || !f.slice(0, 3).every(Number.isFinite)) continue
    xyz.push(f[0], f[1], f[2])
    if (f.length >= 6 && f.slice(3, 6).every(Number.isFinite))
      rgb.push(...f.slice(3, 6).map(srgbToLinear))
    else coloured = false
  }
  if (xyz.length === 0) throw new CloudError('The OBJ file has no vertices (v lines).')
  const count = xyz.length / 3
  return {
    count,
    positions: Float32Array.from(xyz),
    colors: coloured && rgb.length === xyz.length ? Float32Array.from(rgb) : null
  }
}

/** A PLY or OBJ file, told apart by its first bytes (after a UTF-8 byte-order mark). */
export function parseCloudFile(bytes: Uint8Array): PointCloud {
  const bom = utf8BomLength(bytes)
  const head = new TextDecoder().decode(bytes.subarray(bom, bom + 4))
  if (head.startsWith('ply')) return parsePly(bytes)
  return parseObj(objText(bytes))
}

/** An OBJ file's text, as the engine decodes it. @throws CloudError for UTF-16/32 text. */
function objText(bytes: Uint8Array): string {
  try {
    return textOfFile(bytes, 'OBJ')
  } catch (error) {
    throw new CloudError((error as Error).message)
  }
}

/** The points of a GLB file: every POINTS (or mesh) primitive's vertices, in the scene's frame. */
export async function parseGlb(bytes: Uint8Array): Promise<PointCloud> {
  const { GLTFLoader } = await import('three/examples/jsm/loaders/GLTFLoader.js')
  const gltf = await new GLTFLoader().parseAsync(toArrayBuffer(bytes), '')
  const xyz: number[] = []
  const rgb: number[] = []
  let coloured = true
  gltf.scene.updateMatrixWorld(true)
  gltf.scene.traverse((node) => {
    const geometry = (node as { geometry?: BufferGeometry }).geometry
    const position = geometry?.getAttribute('position')
    if (!geometry || !position) return
    const color = geometry.getAttribute('color')
    if (!color) coloured = false
    const v = new Vector3()
    for (let i = 0; i < position.count; i++) {
      v.fromBufferAttribute(position, i).applyMatrix4(node.matrixWorld)
      xyz.push(v.x, v.y, v.z)
      if (color) rgb.push(color.getX(i), color.getY(i), color.getZ(i))
    }
    geometry.dispose()
  })
  if (xyz.length === 0) throw new CloudError('The GLB file has no points.')
  return {
    count: xyz.length / 3,
    positions: Float32Array.from(xyz),
    colors: coloured && rgb.length === xyz.length ? Float32Array.from(rgb) : null
  }
}

/** An output file of a point-cloud job, by its extension: .ply, .obj or .glb. */
export function readCloud(bytes: Uint8Array, path: string): Promise<PointCloud> {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase()
  if (ext === 'glb') return parseGlb(bytes)
  if (ext === 'obj') return Promise.resolve(parseObj(objText(bytes)))
  return Promise.resolve(parseCloudFile(bytes))
}

/** A live preview's points: float32 little-endian xyz. */
export function cloudFromXyz(bytes: Uint8Array, count = Math.floor(bytes.length / 12)): PointCloud {
  return { count, positions: float32LE(bytes, 3 * count), colors: null }
}

/** sRGB component (0–1) → linear, as three.js's colour management expects vertex colours. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

/** Viridis at five stops (sRGB), from low to high. */
const viridis: readonly (readonly [number, number, number])[] = [
  [0x44, 0x01, 0x54],
  [0x3b, 0x52, 0x8b],
  [0x21, 0x91, 0x8c],
  [0x5e, 0xc9, 0x62],
  [0xfd, 0xe7, 0x25]
]

/** The viridis colour at t ∈ [0, 1], linear RGB. */
export function viridisAt(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5)) * (viridis.length - 1)
  const k = Math.min(viridis.length - 2, Math.floor(x))
  const f = x - k
  const c = [0, 1, 2].map((d) =>
    srgbToLinear((viridis[k][d] * (1 - f) + viridis[k + 1][d] * f) / 255)
  )
  return [c[0], c[1], c[2]]
}

/**
 * Colours by height (y, three.js's up) through viridis, low to high across this cloud's own range;
 * a flat cloud is the middle colour. Non-finite points take the middle colour too.
 */
export function heightColors(positions: Float32Array, axis = 1, out?: Float32Array): Float32Array {
  const n = Math.floor(positions.length / 3)
  const colors = out && out.length === 3 * n ? out : new Float32Array(3 * n)
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < n; i++) {
    const v = positions[3 * i + axis]
    if (!Number.isFinite(v)) continue
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const span = hi - lo
  for (let i = 0; i < n; i++) {
    const v = positions[3 * i + axis]
    colors.set(viridisAt(span > 0 && Number.isFinite(v) ? (v - lo) / span : 0.5), 3 * i)
  }
  return colors
}
