import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  CloudError,
  cloudFromXyz,
  heightColors,
  parseCloudFile,
  parseObj,
  parsePly,
  srgbToLinear,
  viridisAt
} from './cloud'
import { readPointTrajectory } from './trajectory'

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))

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
