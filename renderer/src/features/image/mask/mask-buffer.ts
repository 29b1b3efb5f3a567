/**
 * The inpainting mask as plain bytes: one value per image pixel, 0 = keep, 255 = regenerate, values
 * between are a soft edge. Pure functions (no DOM), so the pixel rules are unit-tested; the editor
 * (MaskEditor.svelte) draws from these buffers and exports them as a PNG of the image's size.
 */

export interface Rect {
  readonly x: number
  readonly y: number
  readonly w: number
  readonly h: number
}

export interface MaskBuffer {
  readonly width: number
  readonly height: number
  /** Row-major, width × height bytes. */
  readonly data: Uint8Array
}

export function createMask(width: number, height: number): MaskBuffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`A mask needs a positive whole size, not ${width} × ${height}.`)
  }
  return { width, height, data: new Uint8Array(width * height) }
}

export const fullRect = (mask: Pick<MaskBuffer, 'width' | 'height'>): Rect => ({
  x: 0,
  y: 0,
  w: mask.width,
  h: mask.height
})

export const isEmptyRect = (r: Rect): boolean => r.w <= 0 || r.h <= 0

/** The smallest rectangle holding both (an empty one counts as nothing). */
export function unionRect(a: Rect, b: Rect): Rect {
  if (isEmptyRect(a)) return b
  if (isEmptyRect(b)) return a
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y
  }
}

/** `r` cut to the mask's area (whole pixels). */
export function clipRect(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(r.x))
  const y0 = Math.max(0, Math.floor(r.y))
  const x1 = Math.min(width, Math.ceil(r.x + r.w))
  const y1 = Math.min(height, Math.ceil(r.y + r.h))
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) }
}

/** True when nothing is marked for regeneration. */
export function isEmptyMask(mask: MaskBuffer): boolean {
  const d = mask.data
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false
  return true
}

/** Pixels with any mask (value > 0), counted. */
export function maskedCount(mask: MaskBuffer): number {
  let n = 0
  for (const v of mask.data) if (v !== 0) n++
  return n
}

/** The bounding box of every masked pixel, or null when the mask is empty. */
export function maskBounds(mask: MaskBuffer): Rect | null {
  const { width, height, data } = mask
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      if (data[row + x] === 0) continue
      if (x < x0) x0 = x
      if (x > x1) x1 = x
      if (y < y0) y0 = y
      y1 = y
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }
}

/** Copies the bytes of `rect` (inside the mask) out, row by row. */
export function readRect(mask: MaskBuffer, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.w * rect.h)
  for (let row = 0; row < rect.h; row++) {
    const from = (rect.y + row) * mask.width + rect.x
    out.set(mask.data.subarray(from, from + rect.w), row * rect.w)
  }
  return out
}

/** Writes `bytes` (rect.w × rect.h) into the mask at `rect`. */
export function writeRect(mask: MaskBuffer, rect: Rect, bytes: Uint8Array): void {
  if (bytes.length !== rect.w * rect.h) {
    throw new RangeError(`${bytes.length} bytes do not fill a ${rect.w} × ${rect.h} rectangle.`)
  }
  for (let row = 0; row < rect.h; row++) {
    mask.data.set(
      bytes.subarray(row * rect.w, (row + 1) * rect.w),
      (rect.y + row) * mask.width + rect.x
    )
  }
}

/** Swaps keep and regenerate (255 − v), in place. */
export function invertMask(mask: MaskBuffer): void {
  const d = mask.data
  for (let i = 0; i < d.length; i++) d[i] = 255 - d[i]
}

/** Sets every pixel to `value` (255: regenerate everything, 0: clear), in place. */
export function fillMask(mask: MaskBuffer, value: number): void {
  mask.data.fill(value)
}

/**
 * A mask resized to width × height, bilinear with pixel centres aligned (a mask drawn for another size
 * of the same picture lands where it was drawn). Downscaling by more than 2 averages boxes first.
 */
export function resizeMask(src: MaskBuffer, width: number, height: number): MaskBuffer {
  const out = createMask(width, height)
  if (src.width === width && src.height === height) {
    out.data.set(src.data)
    return out
  }
  const sx = src.width / width
  const sy = src.height / height
  if (sx > 2 || sy > 2) {
    // Area average: every destination pixel is the mean of the source pixels it covers.
    for (let y = 0; y < height; y++) {
      const ya = Math.floor(y * sy)
      const yb = Math.max(ya + 1, Math.min(src.height, Math.floor((y + 1) * sy)))
      for (let x = 0; x < width; x++) {
        const xa = Math.floor(x * sx)
        const xb = Math.max(xa + 1, Math.min(src.width, Math.floor((x + 1) * sx)))
        let sum = 0
        for (let v = ya; v < yb; v++) {
          const row = v * src.width
          for (let u = xa; u < xb; u++) sum += src.data[row + u]
        }
        out.data[y * width + x] = Math.round(sum / ((yb - ya) * (xb - xa)))
      }
    }
    return out
  }
  for (let y = 0; y < height; y++) {
    const fy = Math.min(src.height - 1, Math.max(0, (y + 0.5) * sy - 0.5))
    const y0 = Math.floor(fy)
    const y1 = Math.min(src.height - 1, y0 + 1)
    const ty = fy - y0
    for (let x = 0; x < width; x++) {
      const fx = Math.min(src.width - 1, Math.max(0, (x + 0.5) * sx - 0.5))
      const x0 = Math.floor(fx)
      const x1 = Math.min(src.width - 1, x0 + 1)
      const tx = fx - x0
      const a = src.data[y0 * src.width + x0]
      const b = src.data[y0 * src.width + x1]
      const c = src.data[y1 * src.width + x0]
      const d = src.data[y1 * src.width + x1]
      const top = a + (b - a) * tx
      const bottom = c + (d - c) * tx
      out.data[y * width + x] = Math.round(top + (bottom - top) * ty)
    }
  }
  return out
}

/**
 * A mask read from RGBA pixels (a loaded mask file): white = regenerate, black or transparent = keep,
 * grey in between (luma × alpha).
 */
export function maskFromRgba(rgba: ArrayLike<number>, width: number, height: number): MaskBuffer {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`${rgba.length} bytes are not ${width} × ${height} RGBA pixels.`)
  }
  const out = createMask(width, height)
  for (let p = 0; p < width * height; p++) {
    const i = p * 4
    const luma = 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]
    out.data[p] = Math.round((luma * rgba[i + 3]) / 255)
  }
  return out
}

/** The mask as opaque grey RGBA (white = regenerate, black = keep): what the exported PNG holds. */
export function maskToRgba(mask: MaskBuffer): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(mask.width * mask.height * 4)
  for (let p = 0; p < mask.data.length; p++) {
    const v = mask.data[p]
    const i = p * 4
    out[i] = v
    out[i + 1] = v
    out[i + 2] = v
    out[i + 3] = 255
  }
  return out
}

/**
 * Paints the display overlay for `rect` into `target` (RGBA, the mask's size): `color` with alpha
 * mask × `opacity`, so the image shows through.
 */
export function paintOverlay(
  mask: MaskBuffer,
  rect: Rect,
  target: Uint8ClampedArray,
  color: readonly [number, number, number],
  opacity: number
): void {
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      const p = y * mask.width + x
      const i = p * 4
      target[i] = color[0]
      target[i + 1] = color[1]
      target[i + 2] = color[2]
      target[i + 3] = Math.round(mask.data[p] * opacity)
    }
  }
}
