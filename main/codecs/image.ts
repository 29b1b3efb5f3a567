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

/**
 * RGBA8 to a `[1, C, H, W]` float tensor in `[lo, hi]` (C = 3 drops alpha; C = 1 averages RGB), of
 * premultiplied colour: each channel × α/255 (Porter & Duff 1984), so what a model sees of a pixel is
 * what the pixel shows over black, and the colour hidden under α = 0 never reaches it (two images that
 * look the same give the same tensor). Opaque pixels are unchanged.
 */
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
    const a = image.data[p * 4 + 3] / 255
    const r = image.data[p * 4] * a
    const g = image.data[p * 4 + 1] * a
    const b = image.data[p * 4 + 2] * a
    if (channels === 1) out[p] = ((r + g + b) / 3) * scale + lo
    else {
      out[p] = r * scale + lo
      out[plane + p] = g * scale + lo
      out[2 * plane + p] = b * scale + lo
    }
  }
  return out
}

/** True when some pixel of RGBA8 is not opaque. */
export function hasAlpha(image: RgbaImage): boolean {
  for (let p = 3; p < image.data.length; p += 4) if (image.data[p] !== 255) return true
  return false
}

/**
 * A model's output (premultiplied colour, opaque RGBA8) given the alpha of `alpha` (RGBA8 of the same
 * size, e.g. the input's alpha resized with the image): colour = P · 255/α rounded and clamped, 0 where
 * α = 0 (an invisible pixel has one colour, so equal-looking inputs give equal files). In place.
 */
export function withAlpha(colour: RgbaImage, alpha: RgbaImage): RgbaImage {
  if (colour.width !== alpha.width || colour.height !== alpha.height) {
    throw new Error(
      `alpha ${alpha.width}×${alpha.height} for an image of ${colour.width}×${colour.height}`
    )
  }
  const data = colour.data
  for (let p = 0; p < data.length; p += 4) {
    const a = alpha.data[p + 3]
    data[p + 3] = a
    if (a === 255) continue
    for (let c = 0; c < 3; c++)
      data[p + c] = a === 0 ? 0 : Math.min(255, Math.round((data[p + c] * 255) / a))
  }
  return colour
}
