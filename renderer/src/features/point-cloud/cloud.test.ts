import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CloudError,
  cloudFromXyz,
  heightColors,
  parseCloudFile,
  parseObj,
  parsePly,
  readCloud,
  srgbToLinear,
  viridisAt
} from './cloud'
import { readPointTrajectory } from './trajectory'

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))

describe('text encodings: the window counts the points the engine counts', () => {
  // The same cases as main/codecs/point-cloud-io.test.ts.
  const vertices = ['v 1 2 3', 'v 4 5 6', '  v 7 8 9', 'v -1 -2 -3', 'v 0.5 0.25 0.125']
  const bom = [0xef, 0xbb, 0xbf]
  const bytesOf = (text: string, withBom: boolean) =>
    Uint8Array.from([...(withBom ? bom : []), ...new TextEncoder().encode(text)])

  it('a UTF-8 byte-order mark, CRLF, lone CR and indented v lines: 5 of 5 points', async () => {
    for (const end of ['\n', '\r\n', '\r']) {
      for (const withBom of [false, true]) {
        const bytes = bytesOf(vertices.join(end), withBom)
        expect(parseCloudFile(bytes).count).toBe(5)
        expect((await readCloud(bytes, 'part.obj')).count).toBe(5)
      }
    }
    expect(parseCloudFile(bytesOf('v 1 2 3', true)).count).toBe(1)
    const ply =
      'ply\r\nformat ascii 1.0\r\nelement vertex 1\r\nproperty float x\r\nproperty float y\r\nproperty float z\r\nend_header\r\n1 2 3\r\n'
    expect(Array.from(parseCloudFile(bytesOf(ply, true)).positions)).toEqual([1, 2, 3])
  })

  it('UTF-16 text is refused with the fix', () => {
    const text = vertices.join('\n')
    const le = new Uint8Array(2 + text.length * 2)
    le.set([0xff, 0xfe])
    for (let i = 0; i < text.length; i++) le[2 + 2 * i] = text.charCodeAt(i)
    expect(() => parseCloudFile(le)).toThrow(/UTF-16 text .*save it as UTF-8 or ASCII/)
  })
})

describe('reading clouds', () => {
  it('reads a binary PLY with colours (linear RGB)', () => {
    const cloud = parsePly(fixture('cube.ply'))
    expect(cloud.count).toBe(8)
    expect(Array.from(cloud.positions.subarray(0, 6))).toEqual([-1, -1, -1, 1, -1, -1])
    expect(Array.from(cloud.colors!.subarray(3, 6))).toEqual([1, 0, 0])
    expect(parseCloudFile(fixture('cube.ply')).count).toBe(8)
  })

  it('reads an ASCII PLY without colours', () => {
    const text =
      'ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n0 0 0\n1 2 3\n'
    const cloud = parsePly(new TextEncoder().encode(text))
    expect(Array.from(cloud.positions)).toEqual([0, 0, 0, 1, 2, 3])
    expect(cloud.colors).toBeNull()
  })

  it('reads OBJ vertices, ignoring faces, with colours only when every vertex has them', () => {
    const half = parseCloudFile(fixture('partial.obj'))
    expect(half.count).toBe(64)
    expect(half.colors).toBeNull()
    for (let i = 0; i < half.count; i++) expect(half.positions[3 * i + 1]).toBeLessThanOrEqual(1e-6)
    const coloured = parseObj('v 0 0 0 1 0.5 0\nv 1 1 1 0 0 1\n')
    expect(coloured.colors![1]).toBeCloseTo(srgbToLinear(0.5), 6)
    expect(() => parseObj('# nothing\nf 1 2 3\n')).toThrow(CloudError)
    expect(() => parsePly(new TextEncoder().encode('ply\nformat nonsense\n'))).toThrow(CloudError)
  })

  it('reads a preview’s float32 little-endian xyz', () => {
    const xyz = Float32Array.from([1, 2, 3, -4, 5.5, 6])
    const cloud = cloudFromXyz(new Uint8Array(xyz.buffer), 2)
    expect(Array.from(cloud.positions)).toEqual([1, 2, 3, -4, 5.5, 6])
  })

  it('replays a trajectory file frame by frame', () => {
    const t = readPointTrajectory(fixture('trajectory.dspt'))
    expect(t.frames).toBe(6)
    expect(t.points).toBe(32)
    expect(Array.from(t.sigmas)).toEqual(Array.from(Float32Array.from([80, 20, 5, 1, 0.2, 0])))
    const last = t.frame(5)
    expect(last).toHaveLength(96)
    expect(Math.hypot(last[0], last[1])).toBeCloseTo(1, 5)
    expect(() => readPointTrajectory(fixture('cube.ply'))).toThrow(RangeError)
  })
})

/** A GLB of one POINTS primitive (mode 0) under a node translated by +1 in x. */
function pointsGlb(xyz: number[]): Uint8Array {
  const bin = new Uint8Array(Float32Array.from(xyz).buffer)
  const json = JSON.stringify({
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, translation: [1, 0, 0] }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0 }, mode: 0 }] }],
    buffers: [{ byteLength: bin.length }],
    bufferViews: [{ buffer: 0, byteLength: bin.length }],
    accessors: [
      {
        bufferView: 0,
        componentType: 5126,
        count: xyz.length / 3,
        type: 'VEC3',
        min: [0, 0, 0],
        max: [9, 9, 9]
      }
    ]
  })
  const text = new TextEncoder().encode(json.padEnd(Math.ceil(json.length / 4) * 4, ' '))
  const out = new Uint8Array(12 + 8 + text.length + 8 + bin.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0x46546c67, true)
  view.setUint32(4, 2, true)
  view.setUint32(8, out.length, true)
  view.setUint32(12, text.length, true)
  view.setUint32(16, 0x4e4f534a, true)
  out.set(text, 20)
  view.setUint32(20 + text.length, bin.length, true)
  view.setUint32(24 + text.length, 0x004e4942, true)
  out.set(bin, 28 + text.length)
  return out
}

describe('output files by extension', () => {
  it('reads GLB points in the scene frame, OBJ and PLY', async () => {
    const glb = await readCloud(pointsGlb([0, 0, 0, 1, 2, 3]), '/o/x-s1.glb')
    expect(Array.from(glb.positions)).toEqual([1, 0, 0, 2, 2, 3])
    expect((await readCloud(fixture('partial.obj'), 'a.obj')).count).toBe(64)
    expect((await readCloud(fixture('cube.ply'), 'a.ply')).count).toBe(8)
  })
})

describe('colour by height', () => {
  it('runs viridis from the lowest to the highest point, flat clouds in the middle', () => {
    const p = Float32Array.from([0, -2, 0, 0, 0, 0, 0, 2, 0, 0, NaN, 0])
    const c = heightColors(p)
    const f32 = (v: number[]) => Array.from(Float32Array.from(v))
    expect(Array.from(c.subarray(0, 3))).toEqual(f32(viridisAt(0)))
    expect(Array.from(c.subarray(6, 9))).toEqual(f32(viridisAt(1)))
    expect(Array.from(c.subarray(9, 12))).toEqual(f32(viridisAt(0.5)))
    const flat = heightColors(Float32Array.from([0, 1, 0, 5, 1, 5]))
    expect(Array.from(flat.subarray(0, 3))).toEqual(f32(viridisAt(0.5)))
    expect(viridisAt(0)[2]).toBeGreaterThan(viridisAt(0)[1])
    expect(viridisAt(1)[0]).toBeGreaterThan(0.9)
  })
})
