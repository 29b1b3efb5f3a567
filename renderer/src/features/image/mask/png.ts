import { maskFromRgba, maskToRgba, resizeMask, type MaskBuffer } from './mask-buffer'

/**
 * The browser side of masks: PNG out (canvas encoder) and any image file in (decoded without colour
 * management or premultiplication, so white stays 255), resized to the image.
 */

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  return canvas
}

/** The mask as a PNG of exactly its size: white = regenerate, black = keep, grey = soft. */
export async function maskToPng(mask: MaskBuffer): Promise<Blob> {
  const canvas = canvasOf(mask.width, mask.height)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('This window cannot draw (no 2D canvas).')
  ctx.putImageData(new ImageData(maskToRgba(mask), mask.width, mask.height), 0, 0)
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The mask could not be encoded.'))),
      'image/png'
    )
  )
}

/** Reads a mask file (white = regenerate; transparent = keep) and fits it to width × height. */
export async function maskFromBlob(
  blob: Blob,
  width: number,
  height: number
): Promise<{ mask: MaskBuffer; resizedFrom: { width: number; height: number } | null }> {
  const bitmap = await createImageBitmap(blob, {
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none'
  })
  try {
    const canvas = canvasOf(bitmap.width, bitmap.height)
    const ctx = canvas.getContext('2d', { willReadFrequently: true })
    if (!ctx) throw new Error('This window cannot draw (no 2D canvas).')
    ctx.drawImage(bitmap, 0, 0)
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data
    const read = maskFromRgba(pixels, bitmap.width, bitmap.height)
    const same = read.width === width && read.height === height
    return {
      mask: same ? read : resizeMask(read, width, height),
      resizedFrom: same ? null : { width: read.width, height: read.height }
    }
  } finally {
    bitmap.close()
  }
}

/** Saves a blob as a download named `name` (shared with the 3D viewers). */
export { download } from '../../../lib/download'
