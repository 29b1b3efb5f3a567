import { describe, expect, it } from 'vitest'
import { artifactDataUrl, base64ToBytes, decodePreview } from './preview'

const b64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes))

describe('decodePreview', () => {
  it('decodes RGBA8 rows into ImageData-ready bytes', () => {
    const pixels = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 40]
    const decoded = decodePreview({ width: 2, height: 2, rgbaBase64: b64(pixels) })
    expect(decoded.width).toBe(2)
    expect(decoded.height).toBe(2)
    expect(decoded.data).toBeInstanceOf(Uint8ClampedArray)
    expect([...decoded.data]).toEqual(pixels)
  })

  it('rejects a byte count that does not match the size', () => {
    expect(() => decodePreview({ width: 2, height: 2, rgbaBase64: b64([1, 2, 3, 4]) })).toThrow(
      /4 bytes; 2×2 RGBA needs 16/
    )
  })

  it('round-trips every byte value through base64', () => {
    const all = Array.from({ length: 256 }, (_, i) => i)
    expect([...base64ToBytes(b64(all))]).toEqual(all)
  })
})

describe('artifactDataUrl', () => {
  it('builds a data: URL from mime and base64', () => {
    expect(artifactDataUrl({ mime: 'image/png', dataBase64: 'iVBO' })).toBe(
      'data:image/png;base64,iVBO'
    )
  })
})
