import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { pointCloudFormatOf, readPointCloudFile, writePointCloudFile } from './point-cloud-io'

const points = Float32Array.from([0, 1, 2, -3, 4.5, 6])
const colors = Uint8Array.from([1, 2, 3, 4, 5, 6])

describe('point-cloud files by format', () => {
  it('writes each format with its extension and MIME type, and reads PLY and OBJ back', () => {
    for (const [format, ext, mime] of [
      ['ply', 'ply', 'model/ply'],
      ['obj', 'obj', 'model/obj'],
      ['glb', 'glb', 'model/gltf-binary']
    ] as const) {
      const file = writePointCloudFile(format, { points, colors }, { recipe: '{"seed":1}' })
      expect(file.ext).toBe(ext)
      expect(file.mime).toBe(mime)
      expect(pointCloudFormatOf(file.bytes)).toBe(format)
      if (format === 'glb') {
        expect(() => readPointCloudFile(file.bytes)).toThrow(/save the cloud as PLY or OBJ/)
        continue
      }
      const back = readPointCloudFile(file.bytes)
      expect(back.format).toBe(format)
      expect(back.points).toEqual(points)
      expect(back.colors).toEqual(colors)
      expect(back.recipe).toBe('{"seed":1}')
    }
    const ascii = writePointCloudFile('ply', { points }, { ascii: true })
    expect(Buffer.from(ascii.bytes).toString()).toContain('format ascii 1.0')
  })

  it('uses the hint when the bytes do not tell, and refuses what it cannot read', () => {
    const obj = Buffer.from('# a comment\n'.repeat(500) + 'v 1 2 3\n')
    expect(pointCloudFormatOf(obj)).toBeUndefined()
    expect(pointCloudFormatOf(obj, 'scan.OBJ')).toBe('obj')
    expect(readPointCloudFile(obj, { hint: 'model/obj' }).points).toEqual(
      Float32Array.from([1, 2, 3])
    )
    expect(() => readPointCloudFile(Buffer.from('hello'))).toThrow(StudioError)
    expect(() => readPointCloudFile(Buffer.from('hello'))).toThrow(/use PLY or OBJ/)
  })
})
