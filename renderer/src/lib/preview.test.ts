import { describe, expect, it } from 'vitest'
import { decodePreview } from './preview'

describe('decodePreview', () => {
  it('copies RGBA8 bytes into ImageData-ready bytes', () => {
    const pixels = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 40]
    const decoded = decodePreview({
      kind: 'image',
      width: 2,
      height: 2,
      rgba: new Uint8Array(pixels)
    })
    expect(decoded.width).toBe(2)
    expect(decoded.height).toBe(2)
    expect(decoded.data).toBeInstanceOf(Uint8ClampedArray)
    expect([...decoded.data]).toEqual(pixels)
  })

  it('rejects a byte count that does not match the size', () => {
    expect(() =>
      decodePreview({ kind: 'image', width: 2, height: 2, rgba: new Uint8Array([1, 2, 3, 4]) })
    ).toThrow(/4 bytes; 2×2 RGBA needs 16/)
  })
})
