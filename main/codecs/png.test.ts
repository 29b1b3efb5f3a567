import { describe, expect, it } from 'vitest'
import { deflateSync } from 'node:zlib'
import { decodePng, encodePng, readPngText, textChunk } from './png'
import { rgbaToTensor, tensorToRgba } from './image'

function gradient(width: number, height: number, alpha = 255): Uint8Array {
  const data = new Uint8Array(width * height * 4)
  for (let p = 0; p < width * height; p++)
    data.set([p % 256, (p * 7) % 256, 255 - (p % 256), alpha], p * 4)
  return data
}

describe('PNG with recipe metadata', () => {
  it('round-trips pixels and text chunks', () => {
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

  // Recipes must read back exactly: two different prompts may never be stored the same way.
  const hard = [
    '猫と犬',
    'a 🐱 on the moon 🚀',
    'café naïve façade Ångström',
    'back\\slash \\u00e9 literal',
    'tab\there',
    'line one\nline two\r\nthree',
    '\\u0009',
    '',
    'x'.repeat(5000)
  ]
  it.each(hard.map((t) => [JSON.stringify(t).slice(0, 40), t]))(
    '%s reads back exactly',
    (_, text) => {
      const bytes = encodePng(
        { width: 1, height: 1, data: gradient(1, 1) },
        { parameters: text, k2: text }
      )
      expect(readPngText(bytes)).toEqual({ parameters: text, k2: text })
      expect(decodePng(bytes).text.parameters).toBe(text)
    }
  )

  it('writes tEXt for printable Latin-1 and iTXt (UTF-8) for anything else', () => {
    const type = (value: string) => textChunk('k', value).toString('latin1', 4, 8)
    expect(type('plain ascii, Steps: 20\nSeed: 1')).toBe('tEXt')
    expect(type('café')).toBe('tEXt')
    expect(type('猫')).toBe('iTXt')
    expect(type('tab\there')).toBe('iTXt')
    expect(type('\r')).toBe('iTXt')
    // The escaping that made "\u00e9" and "é" collide is gone.
    expect(
      readPngText(
        encodePng({ width: 1, height: 1, data: gradient(1, 1) }, { a: '\\u00e9', b: 'é' })
      )
    ).toEqual({ a: '\\u00e9', b: 'é' })
  })

  it('reads compressed iTXt and zTXt written by other tools', () => {
    const crcless = (type: string, body: Buffer) => {
      // Chunk readers here do not check CRCs; build a minimal chunk.
      const head = Buffer.alloc(8)
      head.writeUInt32BE(body.length, 0)
      head.write(type, 4, 'latin1')
      return Buffer.concat([head, body, Buffer.alloc(4)])
    }
    const png = encodePng({ width: 1, height: 1, data: gradient(1, 1) })
    const itxt = crcless(
      'iTXt',
      Buffer.concat([
        Buffer.from('parameters\0\x01\0en\0\0', 'latin1'),
        deflateSync(Buffer.from('日本 prompt', 'utf8'))
      ])
    )
    const ztxt = crcless(
      'zTXt',
      Buffer.concat([
        Buffer.from('old\0\0', 'latin1'),
        deflateSync(Buffer.from('zipped', 'latin1'))
      ])
    )
    const bytes = Buffer.concat([png.subarray(0, 33), itxt, ztxt, png.subarray(33)])
    expect(readPngText(bytes)).toEqual({ parameters: '日本 prompt', old: 'zipped' })
  })

  it('refuses a header that claims a huge image before allocating pixels', () => {
    const png = encodePng({ width: 1, height: 1, data: gradient(1, 1) })
    png.writeUInt32BE(30000, 16)
    png.writeUInt32BE(30000, 20)
    // pngjs would fail on the CRC instead: this message means the header check came first.
    expect(() => decodePng(png)).toThrow(/claims 30000×30000 pixels; the limit is/)
  })

  it('rejects bytes that are not a PNG', () => {
    expect(() => decodePng(Buffer.from('GIF89a not a png'))).toThrow(/Not a PNG/)
    const truncated = encodePng({ width: 2, height: 2, data: gradient(2, 2) }).subarray(0, 40)
    expect(() => decodePng(truncated)).toThrow(/corrupt/)
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
