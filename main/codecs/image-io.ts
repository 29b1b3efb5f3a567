// Image files in and out through sharp (libvips): PNG, JPEG, WebP, AVIF and TIFF in; PNG (png.ts, with
// the recipe) and lossless WebP out. Every decode checks the header's pixel count against the limit first.
import sharp, { type Metadata } from 'sharp'
import { StudioError } from '../contract'
import type { RgbaImage } from './image'
import { maxImagePixels } from './limits'
import { pngChunks, readPngText } from './png'

sharp.cache(false)

const mimeOf: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heif: 'image/avif',
  tiff: 'image/tiff'
}

/** What an image file is, before its pixels are decoded. */
export interface ImageProbe {
  readonly mime: string
  /** Upright size (after the EXIF orientation is applied). */
  readonly width: number
  readonly height: number
  /** What decoding will change, in plain words (CMYK, 16-bit, alpha, orientation). */
  readonly notes: readonly string[]
  /** PNG text chunks (a recipe from this studio or A1111's `parameters`), if any. */
  readonly text: Readonly<Record<string, string>>
  /** One grey channel (with or without alpha). */
  readonly grey: boolean
  /** More than 8 bits per sample (decoded to 8). */
  readonly highBitDepth: boolean
  /** Some pixels are not opaque. */
  readonly alpha: boolean
  /** An embedded colour profile's description (converted to sRGB on decode), if any. */
  readonly profile?: string
}

function badInput(error: unknown, maxPixels = maxImagePixels, what = 'image'): StudioError {
  const message = error instanceof Error ? error.message : String(error)
  if (/pixel limit/i.test(message)) {
    return new StudioError(
      'bad-input',
      `The ${what} is larger than ${maxPixels.toLocaleString('en')} pixels (the limit).`
    )
  }
  return new StudioError(
    'bad-input',
    `The ${what} could not be read: ${message.replace(/\.$/, '')}.`
  )
}

const open = (bytes: Uint8Array, maxPixels: number) =>
  sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true })

/**
 * Reads an image file's header: format, upright size, and what decoding will convert.
 * @throws StudioError bad-input for an unsupported, corrupt or oversized file.
 */
export async function probeImage(
  bytes: Uint8Array,
  maxPixels = maxImagePixels,
  what = 'image'
): Promise<ImageProbe> {
  let meta: Metadata
  try {
    meta = await open(bytes, maxPixels).metadata()
  } catch (error) {
    throw badInput(error, maxPixels, what)
  }
  const mime = meta.format ? mimeOf[meta.format] : undefined
  if (!mime || !meta.width || !meta.height) {
    throw new StudioError(
      'bad-input',
      `Unsupported image format "${meta.format ?? 'unknown'}": use PNG, JPEG, WebP, AVIF or TIFF.`
    )
  }
  if (meta.width * meta.height > maxPixels)
    throw badInput(new Error('pixel limit'), maxPixels, what)
  const rotated = (meta.orientation ?? 1) >= 5
  const notes: string[] = []
  const profile = meta.icc ? iccDescription(meta.icc) : undefined
  if (meta.space === 'cmyk') {
    notes.push(
      meta.icc
        ? `CMYK colours were converted to sRGB through the file's profile (${profile}).`
        : 'CMYK colours were converted to sRGB through a press profile (the file has none; libvips assumes US Web Coated SWOP).'
    )
  } else if (profile && !/^s?RGB\b|sRGB/i.test(profile)) {
    notes.push(`Colours were converted to sRGB from the file's profile (${profile}).`)
  }
  if (meta.depth && meta.depth !== 'uchar' && meta.depth !== 'char') {
    notes.push(`${meta.depth === 'ushort' ? '16' : 'high'}-bit samples were reduced to 8 bits.`)
  }
  if ((meta.orientation ?? 1) > 1) notes.push('The EXIF orientation was applied.')
  const grey = meta.space === 'b-w' || meta.channels === 1 || meta.channels === 2
  const highBitDepth = Boolean(meta.depth && meta.depth !== 'uchar' && meta.depth !== 'char')
  if (grey) notes.push('A grayscale image: it is used as RGB.')
  if (meta.hasAlpha) notes.push('It has transparency.')
  // Decode once at 1×1 to catch a corrupt body early (sharp reads the header above only).
  try {
    await open(bytes, maxPixels).resize(1, 1).raw().toBuffer()
  } catch (error) {
    throw badInput(error, maxPixels, what)
  }
  return {
    grey,
    highBitDepth,
    alpha: Boolean(meta.hasAlpha),
    ...(profile ? { profile } : {}),
    mime,
    width: rotated ? meta.height : meta.width,
    height: rotated ? meta.width : meta.height,
    notes,
    text: meta.format === 'png' ? readPngText(bytes) : {}
  }
}

/** The description tag ('desc') of an ICC profile, or 'embedded' when it cannot be read. */
function iccDescription(icc: Buffer): string {
  try {
    const count = icc.readUInt32BE(128)
    for (let k = 0; k < count; k++) {
      const at = 132 + k * 12
      if (icc.toString('latin1', at, at + 4) !== 'desc') continue
      const offset = icc.readUInt32BE(at + 4)
      const kind = icc.toString('latin1', offset, offset + 4)
      if (kind === 'desc') {
        const length = icc.readUInt32BE(offset + 8)
        return icc
          .toString('latin1', offset + 12, offset + 12 + length)
          .replace(/\0+$/, '')
          .trim()
      }
      if (kind === 'mluc') {
        const size = icc.readUInt32BE(offset + 20)
        const start = icc.readUInt32BE(offset + 24)
        const text = icc.subarray(offset + start, offset + start + size)
        return Buffer.from(text).swap16().toString('utf16le').replace(/\0+$/, '').trim()
      }
    }
  } catch {
    // A truncated or odd profile: say only that there is one.
  }
  return 'embedded'
}

/**
 * An image file as the one set of pixels both sides use: undefined when the browser and libvips
 * decode it to the same bytes already (a PNG of 8 bits or fewer per sample with no colour profile,
 * gamma or chromaticity chunk, no EXIF orientation, not animated); otherwise an 8-bit sRGB PNG of what
 * `decodeRgba` makes of it (upright, profile or CMYK converted, 16 bits reduced; grey stays grey and
 * alpha is kept only when some pixel is not opaque) and the note that says so. The input store keeps
 * that PNG, so the engine decodes it and the window shows it: a CMYK JPEG, a Display P3 PNG or a
 * rotated photo look the same on both sides of Compare.
 * @throws StudioError bad-input as `decodeRgba` does.
 */
export async function normaliseImage(
  bytes: Uint8Array,
  probe: ImageProbe
): Promise<{ bytes: Buffer; note: string } | undefined> {
  const png = pngChunks(bytes)
  const plain =
    png &&
    png.bitDepth <= 8 &&
    !['iCCP', 'gAMA', 'cHRM', 'eXIf', 'acTL'].some((type) => png.types.has(type))
  if (plain) return undefined
  const rgba = await decodeRgba(bytes)
  const { width, height, data } = rgba
  const pixels = width * height
  let opaque = true
  for (let p = 3; p < data.length && opaque; p += 4) opaque = data[p] === 255
  const channels = (probe.grey ? 1 : 3) + (opaque ? 0 : 1)
  const packed = Buffer.alloc(pixels * channels)
  for (let p = 0; p < pixels; p++) {
    const o = p * channels
    if (probe.grey) packed[o] = data[p * 4]
    else {
      packed[o] = data[p * 4]
      packed[o + 1] = data[p * 4 + 1]
      packed[o + 2] = data[p * 4 + 2]
    }
    if (!opaque) packed[o + channels - 1] = data[p * 4 + 3]
  }
  let pipeline = sharp(packed, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } })
  if (probe.grey && !opaque) pipeline = pipeline.toColourspace('b-w')
  const out = await pipeline.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
  const from = png ? 'PNG' : probe.mime.replace('image/', '').toUpperCase()
  return {
    bytes: out,
    note: `Decoded once, when it was added, from ${from} to an 8-bit sRGB PNG: the engine and the window use these same pixels.`
  }
}

export interface DecodeOptions {
  /** Resize to this size (both or neither), with `fit`. */
  readonly width?: number
  readonly height?: number
  /** cover: fill and crop the centre; contain: fit inside, pad; fill: stretch. Default cover. */
  readonly fit?: 'cover' | 'contain' | 'fill'
  /** Transparent pixels are composited onto this colour (default white), so RGB is well defined. */
  readonly background?: { r: number; g: number; b: number }
  readonly maxPixels?: number
}

/**
 * Decodes any supported image to upright sRGB RGBA8 (alpha kept), optionally resized.
 * @throws StudioError bad-input for an unsupported, corrupt or oversized file.
 */
export async function decodeRgba(
  bytes: Uint8Array,
  options: DecodeOptions = {}
): Promise<RgbaImage> {
  try {
    let pipeline = open(bytes, options.maxPixels ?? maxImagePixels)
      .rotate()
      .toColourspace('srgb')
    if (options.width && options.height) {
      pipeline = pipeline.resize(options.width, options.height, {
        fit: options.fit ?? 'cover',
        kernel: 'lanczos3',
        background: { ...(options.background ?? { r: 255, g: 255, b: 255 }), alpha: 1 }
      })
    }
    const { data, info } = await pipeline
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length)
    }
  } catch (error) {
    throw badInput(error)
  }
}

/**
 * Decodes a mask image to one byte per pixel, 255 = change, 0 = keep: transparent areas count as keep
 * (the image is composited onto black), then luminance. Resized (fill) to width×height when given.
 * @throws StudioError bad-input for an unsupported, corrupt or oversized file.
 */
export async function decodeMask(
  bytes: Uint8Array,
  options: { width?: number; height?: number; maxPixels?: number } = {}
): Promise<{ width: number; height: number; data: Uint8Array }> {
  try {
    let pipeline = open(bytes, options.maxPixels ?? maxImagePixels)
      .rotate()
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('b-w')
    if (options.width && options.height) {
      pipeline = pipeline.resize(options.width, options.height, { fit: 'fill', kernel: 'linear' })
    }
    const { data, info } = await pipeline
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    const plane = info.width * info.height
    const out = new Uint8Array(plane)
    for (let p = 0; p < plane; p++) out[p] = data[p * info.channels]
    return { width: info.width, height: info.height, data: out }
  } catch (error) {
    throw badInput(error, options.maxPixels ?? maxImagePixels, 'mask')
  }
}

/** Resamples RGBA8 to width×height (Lanczos 3, or cubic/linear/nearest). */
export async function resizeRgba(
  image: RgbaImage,
  width: number,
  height: number,
  kernel: 'lanczos3' | 'cubic' | 'linear' | 'nearest' = 'lanczos3'
): Promise<RgbaImage> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 4 },
    limitInputPixels: false
  })
    .resize(width, height, { fit: 'fill', kernel })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length)
  }
}

/** Lossless WebP of RGBA8, with the recipe as XMP (dc:description) when given. Deterministic. */
export async function encodeWebp(image: RgbaImage, recipe?: string): Promise<Buffer> {
  let pipeline = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 4 },
    limitInputPixels: false
  }).webp({ lossless: true, effort: 4 })
  if (recipe !== undefined) pipeline = pipeline.withXmp(xmpPacket(recipe))
  return pipeline.toBuffer()
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function xmpPacket(recipe: string): string {
  return (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">' +
    `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(recipe)}</rdf:li></rdf:Alt></dc:description>` +
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  )
}
