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
      expect(back.points).toEqual(Float64Array.from(points))
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
      Float64Array.from([1, 2, 3])
    )
    expect(() => readPointCloudFile(Buffer.from('hello'))).toThrow(StudioError)
    expect(() => readPointCloudFile(Buffer.from('hello'))).toThrow(/use PLY or OBJ/)
  })

  describe('text encodings: every reader counts the same vertices', () => {
    const vertices = ['v 1 2 3', 'v 4 5 6', 'v 7 8 9', 'v -1 -2 -3', 'v 0.5 0.25 0.125']
    const bom = Buffer.from([0xef, 0xbb, 0xbf])
    const all = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -2, -3, 0.5, 0.25, 0.125])

    it('a UTF-8 byte-order mark, CRLF or lone CR line ends change nothing (no hint needed)', () => {
      for (const end of ['\n', '\r\n', '\r']) {
        for (const text of [vertices.join(end) + end, vertices.join(end)]) {
          for (const bytes of [Buffer.from(text), Buffer.concat([bom, Buffer.from(text)])]) {
            expect(pointCloudFormatOf(bytes)).toBe('obj')
            expect(readPointCloudFile(bytes).points).toEqual(all)
          }
        }
      }
      // One vertex after a byte-order mark is a one-point cloud, not "not a point cloud".
      const one = Buffer.concat([bom, Buffer.from('v 1 2 3')])
      expect(readPointCloudFile(one).points).toEqual(Float64Array.from([1, 2, 3]))
      // A PLY after a byte-order mark.
      const ply = writePointCloudFile(
        'ply',
        { points: Float32Array.from([1, 2, 3]) },
        { ascii: true }
      )
      expect(readPointCloudFile(Buffer.concat([bom, ply.bytes])).points).toEqual(
        Float64Array.from([1, 2, 3])
      )
    })

    it('UTF-16 and UTF-32 files are refused with the fix, not misread', () => {
      const text = vertices.join('\n')
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
      const be = Buffer.from(le)
      be.swap16()
      for (const bytes of [le, be, Buffer.from(text, 'utf16le')]) {
        expect(() => readPointCloudFile(bytes)).toThrow(
          /OBJ file is UTF-16 text .*save it as UTF-8 or ASCII/
        )
      }
      const ply = Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('ply\nformat ascii 1.0\n', 'utf16le')
      ])
      expect(() => readPointCloudFile(ply, { hint: 'a.ply' })).toThrow(
        /PLY file's header is UTF-16/
      )
    })

    it('an OBJ of faces without vertices says so precisely', () => {
      const faces = Buffer.from('# mesh\no part\nf 1 2 3\nf 2 3 4\n')
      expect(() => readPointCloudFile(faces)).toThrow(
        /OBJ file has no vertices \(no "v" lines: it has 2 faces \("f" lines\) whose vertices it does not define\)/
      )
      expect(() => readPointCloudFile(Buffer.from('vn 0 0 1\n'))).toThrow(/it has 1 "vn" line\)/)
    })
  })
})
