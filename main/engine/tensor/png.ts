// PNG files with text metadata. pngjs encodes and decodes pixels; this module adds and reads the
// tEXt chunks (PNG spec §11.3.4.3) that carry a job's recipe.
import { crc32 } from 'node:zlib'
import { PNG } from 'pngjs'
import type { RgbaImage } from './image'

const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0)
  return Buffer.concat([head, body, crc])
}

/** tEXt holds Latin-1; non-Latin-1 characters are written as JSON-style \u escapes. */
function latin1Safe(text: string): string {
  return text.replace(
    /[^\x20-\x7e\n]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** Encodes RGBA8 as an RGB or RGBA PNG with `text` as tEXt chunks after IHDR. Deterministic. */
export function encodePng(image: RgbaImage, text: Record<string, string> = {}): Buffer {
  const png = new PNG({ width: image.width, height: image.height })
  Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).copy(png.data)
  const opaque = image.data.every((v, i) => i % 4 !== 3 || v === 255)
  const encoded = PNG.sync.write(png, { colorType: opaque ? 2 : 6, deflateLevel: 9 })
  const ihdrEnd = 8 + 8 + 13 + 4
  const textChunks = Object.entries(text).map(([key, value]) =>
    chunk('tEXt', Buffer.from(`${key}\0${latin1Safe(value)}`, 'latin1'))
  )
  return Buffer.concat([encoded.subarray(0, ihdrEnd), ...textChunks, encoded.subarray(ihdrEnd)])
}

export interface DecodedPng extends RgbaImage {
  readonly text: Record<string, string>
}

/** Decodes a PNG to RGBA8 plus its tEXt chunks. Throws on a corrupt file. */
export function decodePng(bytes: Buffer): DecodedPng {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(signature)) throw new Error('not a PNG file')
  const text: Record<string, string> = {}
  let offset = 8
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    if (type === 'tEXt') {
      const body = bytes.subarray(offset + 8, offset + 8 + length)
      const zero = body.indexOf(0)
      if (zero > 0) text[body.toString('latin1', 0, zero)] = body.toString('latin1', zero + 1)
    }
    if (type === 'IEND') break
    offset += 12 + length
  }
  const png = PNG.sync.read(bytes)
  return { width: png.width, height: png.height, data: new Uint8Array(png.data), text }
}
