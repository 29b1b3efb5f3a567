// PNG files with text metadata. pngjs encodes and decodes pixels; this module adds and reads the text
// chunks that carry a job's recipe (PNG spec §11.3.4): tEXt for Latin-1 text, iTXt (UTF-8) for any
// other text, so every recipe reads back exactly, and other tools (A1111, PIL) read both.
import { crc32, inflateSync } from 'node:zlib'
import { PNG } from 'pngjs'
import { StudioError } from '../contract'
import type { RgbaImage } from './image'
import { maxImagePixels } from './limits'

const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0)
  return Buffer.concat([head, body, crc])
}

/** tEXt holds printable Latin-1 and line feeds only; anything else goes in iTXt. */
const latin1Text = /^[\x20-\x7e\xa0-\xff\n]*$/

/** A text chunk for `key` = `value`: tEXt when the value is printable Latin-1, else iTXt (UTF-8). */
export function textChunk(key: string, value: string): Buffer {
  if (!/^[\x20-\x7e]{1,79}$/.test(key)) throw new RangeError(`bad PNG text keyword "${key}"`)
  if (latin1Text.test(value)) return chunk('tEXt', Buffer.from(`${key}\0${value}`, 'latin1'))
  // iTXt: keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0.
  return chunk(
    'iTXt',
    Buffer.concat([Buffer.from(`${key}\0\0\0\0\0`, 'latin1'), Buffer.from(value, 'utf8')])
  )
}

/** Encodes RGBA8 as an RGB or RGBA PNG with `text` as text chunks after IHDR. Deterministic. */
export function encodePng(image: RgbaImage, text: Record<string, string> = {}): Buffer {
  const png = new PNG({ width: image.width, height: image.height })
  Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).copy(png.data)
  const opaque = image.data.every((v, i) => i % 4 !== 3 || v === 255)
  const encoded = PNG.sync.write(png, { colorType: opaque ? 2 : 6, deflateLevel: 9 })
  const ihdrEnd = 8 + 8 + 13 + 4
  const textChunks = Object.entries(text).map(([key, value]) => textChunk(key, value))
  return Buffer.concat([encoded.subarray(0, ihdrEnd), ...textChunks, encoded.subarray(ihdrEnd)])
}

/**
 * The text chunks of a PNG (tEXt, zTXt, iTXt), keyword → text. Reads chunk headers only; never
 * decodes pixels. A malformed chunk is skipped; a file that is not a PNG gives an empty record.
 */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const text: Record<string, string> = {}
  if (buf.length < 8 || !buf.subarray(0, 8).equals(signature)) return text
  let offset = 8
  while (offset + 12 <= buf.length) {
    const length = buf.readUInt32BE(offset)
    const type = buf.toString('latin1', offset + 4, offset + 8)
    const body = buf.subarray(offset + 8, Math.min(buf.length, offset + 8 + length))
    try {
      const zero = body.indexOf(0)
      if (zero > 0 && type === 'tEXt') {
        text[body.toString('latin1', 0, zero)] = body.toString('latin1', zero + 1)
      } else if (zero > 0 && type === 'zTXt') {
        text[body.toString('latin1', 0, zero)] = inflateSync(body.subarray(zero + 2)).toString(
          'latin1'
        )
      } else if (zero > 0 && type === 'iTXt') {
        const compressed = body[zero + 1] === 1
        const language = body.indexOf(0, zero + 3)
        const translated = body.indexOf(0, language + 1)
        const raw = body.subarray(translated + 1)
        text[body.toString('latin1', 0, zero)] = (compressed ? inflateSync(raw) : raw).toString(
          'utf8'
        )
      }
    } catch {
      // A corrupt text chunk is not worth failing the file for.
    }
    if (type === 'IEND') break
    offset += 12 + length
  }
  return text
}

/** Width and height from a PNG's IHDR, without decoding. @throws StudioError bad-input if not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (
    buf.length < 24 ||
    !buf.subarray(0, 8).equals(signature) ||
    buf.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw new StudioError('bad-input', 'Not a PNG file.')
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) }
}

export interface DecodedPng extends RgbaImage {
  readonly text: Record<string, string>
}

/**
 * Decodes a PNG to RGBA8 plus its text chunks. The size in the header is checked against
 * `maxPixels` before any pixel memory is allocated.
 * @throws StudioError bad-input for a file that is not a PNG, is corrupt, or is larger than the limit.
 */
export function decodePng(bytes: Buffer, maxPixels = maxImagePixels): DecodedPng {
  const { width, height } = pngSize(bytes)
  if (width * height > maxPixels) {
    throw new StudioError(
      'bad-input',
      `The PNG claims ${width}×${height} pixels; the limit is ${maxPixels.toLocaleString('en')} pixels.`
    )
  }
  let png: PNG
  try {
    png = PNG.sync.read(bytes)
  } catch (error) {
    throw new StudioError('bad-input', `The PNG is corrupt: ${(error as Error).message}.`)
  }
  return {
    width: png.width,
    height: png.height,
    data: new Uint8Array(png.data),
    text: readPngText(bytes)
  }
}

/**
 * A PNG's IHDR bit depth and the types of its chunks (headers only, no pixels); undefined for a file
 * that is not a PNG.
 */
export function pngChunks(bytes: Uint8Array): { bitDepth: number; types: Set<string> } | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (buf.length < 33 || !buf.subarray(0, 8).equals(signature)) return undefined
  const types = new Set<string>()
  let offset = 8
  while (offset + 12 <= buf.length) {
    const length = buf.readUInt32BE(offset)
    const type = buf.toString('latin1', offset + 4, offset + 8)
    types.add(type)
    if (type === 'IEND') break
    offset += 12 + length
  }
  return { bitDepth: buf[24], types }
}
