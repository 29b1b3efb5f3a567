// Image files in and out through sharp (libvips): PNG, JPEG, WebP, AVIF and TIFF in; PNG (png.ts, with
// the recipe) and lossless WebP out. Every decode checks the header's pixel count against the limit first.
import sharp, { type Metadata } from 'sharp'
import { StudioError } from '../contract'
import type { RgbaImage } from './image'
import { maxImagePixels } from './limits'
import { readPngText } from './png'

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
  if (meta.space === 'cmyk') notes.push('CMYK colours were converted to sRGB.')
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
    mime,
    width: rotated ? meta.height : meta.width,
    height: rotated ? meta.width : meta.height,
    notes,
    text: meta.format === 'png' ? readPngText(bytes) : {}
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
