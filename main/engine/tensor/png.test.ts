import { describe, expect, it } from 'vitest'
import { decodePng, encodePng } from './png'
import { rgbaToTensor, tensorToRgba } from './image'

function gradient(width: number, height: number, alpha = 255): Uint8Array {
  const data = new Uint8Array(width * height * 4)
  for (let p = 0; p < width * height; p++)
    data.set([p % 256, (p * 7) % 256, 255 - (p % 256), alpha], p * 4)
  return data
}

describe('PNG with recipe metadata', () => {
  it('round-trips pixels and tEXt chunks, escaping non-Latin-1 text', () => {
    const image = { width: 5, height: 3, data: gradient(5, 3) }
    const bytes = encodePng(image, {
      parameters: 'a cat, Steps: 20',
      'diffusion-studio': '{"prompt":"猫"}'
    })
    const decoded = decodePng(bytes)
    expect(decoded.width).toBe(5)
    expect(decoded.height).toBe(3)
    expect(Array.from(decoded.data)).toEqual(Array.from(image.data))
    expect(decoded.text.parameters).toBe('a cat, Steps: 20')
    expect(JSON.parse(decoded.text['diffusion-studio'])).toEqual({ prompt: '猫' })
  })

  it('is deterministic and keeps alpha when it is not opaque', () => {
    const image = { width: 4, height: 4, data: gradient(4, 4, 128) }
    const a = encodePng(image, { k: 'v' })
    expect(a.equals(encodePng(image, { k: 'v' }))).toBe(true)
    expect(decodePng(a).data[3]).toBe(128)
  })

  it('rejects bytes that are not a PNG', () => {
    expect(() => decodePng(Buffer.from('GIF89a not a png'))).toThrow(/not a PNG/)
    const truncated = encodePng({ width: 2, height: 2, data: gradient(2, 2) }).subarray(0, 40)
    expect(() => decodePng(truncated)).toThrow()
  })
})

describe('tensor ↔ pixels', () => {
  it('maps [-1, 1] to 0..255 with clamping and rounding', () => {
    // [1, 3, 1, 3]: R = -1, 0, 1; G = -2 (clamped), 2 (clamped), 0.5; B = 0
    const data = [-1, 0, 1, -2, 2, 0.5, 0, 0, 0]
    const rgba = tensorToRgba(data, [1, 3, 1, 3], 0, [-1, 1])
    expect(Array.from(rgba.data)).toEqual([0, 0, 128, 255, 128, 255, 128, 255, 255, 191, 128, 255])
  })

  it('picks the requested image of a batch and inverts rgbaToTensor', () => {
    const one = rgbaToTensor(
      { width: 2, height: 1, data: new Uint8Array([0, 51, 255, 255, 102, 204, 153, 255]) },
      3,
      [0, 1]
    )
    const batch = new Float64Array(12)
    batch.set(one, 6)
    const back = tensorToRgba(batch, [2, 3, 1, 2], 1, [0, 1])
    expect(Array.from(back.data)).toEqual([0, 51, 255, 255, 102, 204, 153, 255])
  })
})
