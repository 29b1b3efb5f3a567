import type { Preview } from './contract'

export type DecodedPreview = { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> }

/**
 * An image step preview (RGBA8, row-major, `width × height × 4` bytes) as what `new ImageData` takes.
 * Throws when the byte count does not match the stated size, rather than drawing garbage.
 */
export function decodePreview(preview: Extract<Preview, { kind: 'image' }>): DecodedPreview {
  const { width, height, rgba } = preview
  const expected = width * height * 4
  if (rgba.length !== expected) {
    throw new Error(`Preview is ${rgba.length} bytes; ${width}×${height} RGBA needs ${expected}.`)
  }
  const data = new Uint8ClampedArray(new ArrayBuffer(expected))
  data.set(rgba)
  return { width, height, data }
}
