// Binary glTF 2.0 (GLB) of a point cloud (Khronos glTF 2.0 spec §4.4 "GLB file format",
// §3.7.2.1 primitive mode 0 = POINTS): one node, one mesh, one primitive with POSITION (float VEC3,
// with the min/max the spec requires) and optional COLOR_0 (float VEC3, linear), an unlit material
// (KHR_materials_unlit), the recipe in `asset.extras.recipe`. three.js's GLTFExporter is not used:
// under Node 20 it needs FileReader (a browser API). The output is checked by parsing it back with
// three's GLTFLoader in glb.test.ts.
import { StudioError } from '../contract'
import { checkCloudToWrite, writePrecision } from './point-cloud-file'
import type { PointCloudToWrite } from './point-cloud-file'

const GLB_MAGIC = 0x46546c67 // 'glTF'
const CHUNK_JSON = 0x4e4f534a // 'JSON'
const CHUNK_BIN = 0x004e4942 // 'BIN\0'
const FLOAT = 5126
const ARRAY_BUFFER = 34962

export interface GlbWriteOptions {
  /** Stored as `asset.extras.recipe`. */
  readonly recipe?: string
  /** The node's name. Default 'point cloud'. */
  readonly name?: string
}

/** sRGB byte → linear float (IEC 61966-2-1), as glTF's COLOR_0 is linear. */
export function srgbToLinear(byte: number): number {
  const c = byte / 255
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}

/**
 * A GLB file holding the cloud as a POINTS primitive. Colours (sRGB bytes) are converted to linear
 * floats, as glTF requires; a viewer shows them as the same sRGB colours. glTF positions are float32
 * only (§3.7.2.1), so a float64 cloud (map coordinates) is stored as float32 offsets from its box
 * centre with the centre, in full precision, as the node's translation: a reader that applies the
 * node transform gets the points back to float32 precision of the cloud's extent, not of its
 * distance from the origin.
 * @throws StudioError invalid-request for a malformed cloud, or an empty one (glTF accessors need
 *   at least one element).
 */
export function writeGlb(cloud: PointCloudToWrite, options: GlbWriteOptions = {}): Buffer {
  const n = checkCloudToWrite(cloud)
  if (n === 0) {
    throw new StudioError('invalid-request', 'A GLB point cloud needs at least one point.')
  }
  const origin = writePrecision(cloud) === 'float64' ? boxCentre(cloud.points) : undefined
  const positions = origin
    ? Float32Array.from(cloud.points, (v, i) => v - origin[i % 3])
    : Float32Array.from(cloud.points)
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < positions.length; i++) {
    min[i % 3] = Math.min(min[i % 3], positions[i])
    max[i % 3] = Math.max(max[i % 3], positions[i])
  }
  const colors = cloud.colors ? Float32Array.from(cloud.colors, srgbToLinear) : undefined
  const byteLength = positions.byteLength + (colors?.byteLength ?? 0)
  const gltf = {
    asset: {
      version: '2.0',
      generator: 'Diffusion Studio',
      ...(options.recipe !== undefined ? { extras: { recipe: options.recipe } } : {})
    },
    extensionsUsed: ['KHR_materials_unlit'],
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [
      { mesh: 0, name: options.name ?? 'point cloud', ...(origin ? { translation: origin } : {}) }
    ],
    meshes: [
      {
        primitives: [
          {
            attributes: { POSITION: 0, ...(colors ? { COLOR_0: 1 } : {}) },
            mode: 0,
            material: 0
          }
        ]
      }
    ],
    materials: [
      {
        pbrMetallicRoughness: {
          baseColorFactor: [1, 1, 1, 1],
          metallicFactor: 0,
          roughnessFactor: 1
        },
        extensions: { KHR_materials_unlit: {} }
      }
    ],
    buffers: [{ byteLength }],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: positions.byteLength, target: ARRAY_BUFFER },
      ...(colors
        ? [
            {
              buffer: 0,
              byteOffset: positions.byteLength,
              byteLength: colors.byteLength,
              target: ARRAY_BUFFER
            }
          ]
        : [])
    ],
    accessors: [
      { bufferView: 0, componentType: FLOAT, count: n, type: 'VEC3', min, max },
      ...(colors ? [{ bufferView: 1, componentType: FLOAT, count: n, type: 'VEC3' }] : [])
    ]
  }
  const json = Buffer.from(JSON.stringify(gltf), 'utf8')
  const jsonPadded = align4(json.length)
  const binPadded = align4(byteLength)
  const total = 12 + 8 + jsonPadded + 8 + binPadded
  const out = Buffer.alloc(total)
  out.writeUInt32LE(GLB_MAGIC, 0)
  out.writeUInt32LE(2, 4)
  out.writeUInt32LE(total, 8)
  out.writeUInt32LE(jsonPadded, 12)
  out.writeUInt32LE(CHUNK_JSON, 16)
  json.copy(out, 20)
  out.fill(0x20, 20 + json.length, 20 + jsonPadded) // JSON chunk padding: spaces
  const bin = 20 + jsonPadded
  out.writeUInt32LE(binPadded, bin)
  out.writeUInt32LE(CHUNK_BIN, bin + 4)
  const data = new DataView(out.buffer, out.byteOffset + bin + 8, byteLength)
  positions.forEach((v, i) => data.setFloat32(i * 4, v, true))
  colors?.forEach((v, i) => data.setFloat32(positions.byteLength + i * 4, v, true))
  return out
}

/** The centre of the bounding box, float64. */
function boxCentre(points: ArrayLike<number>): [number, number, number] {
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  for (let i = 0; i < points.length; i++) {
    min[i % 3] = Math.min(min[i % 3], points[i])
    max[i % 3] = Math.max(max[i % 3], points[i])
  }
  return [0, 1, 2].map((c) => (min[c] + max[c]) / 2) as [number, number, number]
}

function align4(n: number): number {
  return (n + 3) & ~3
}
