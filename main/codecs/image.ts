// Conversions between model tensors and 8-bit pixels. Pure: no I/O.

export interface RgbaImage {
  readonly width: number
  readonly height: number
  /** RGBA8, row-major, 4 bytes per pixel. */
  readonly data: Uint8Array
}

/**
 * One image of a batch `[B, C, H, W]` (C = 1 or 3) in the model's pixel range `[lo, hi]` to RGBA8,
 * clamped and rounded half-up.
 */
export function tensorToRgba(
  data: ArrayLike<number>,
  shape: readonly number[],
  index: number,
  range: readonly [number, number]
): RgbaImage {
  const [, channels, height, width] = shape
  if (channels !== 1 && channels !== 3) throw new Error(`expected 1 or 3 channels, got ${channels}`)
  const plane = height * width
  const offset = index * channels * plane
  const [lo, hi] = range
  const scale = 255 / (hi - lo)
  const out = new Uint8Array(plane * 4)
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = (data[offset + (channels === 3 ? c : 0) * plane + p] - lo) * scale
      out[p * 4 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5)
    }
    out[p * 4 + 3] = 255
  }
  return { width, height, data: out }
}

/** RGBA8 to a `[1, C, H, W]` float tensor in `[lo, hi]` (C = 3 drops alpha; C = 1 averages RGB). */
export function rgbaToTensor(
  image: RgbaImage,
  channels: 1 | 3,
  range: readonly [number, number]
): Float32Array {
  const plane = image.width * image.height
  const out = new Float32Array(channels * plane)
  const [lo, hi] = range
  const scale = (hi - lo) / 255
  for (let p = 0; p < plane; p++) {
    const r = image.data[p * 4]
    const g = image.data[p * 4 + 1]
    const b = image.data[p * 4 + 2]
    if (channels === 1) out[p] = ((r + g + b) / 3) * scale + lo
    else {
      out[p] = r * scale + lo
      out[plane + p] = g * scale + lo
      out[2 * plane + p] = b * scale + lo
    }
  }
  return out
}
