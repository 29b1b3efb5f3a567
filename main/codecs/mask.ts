// Masks for inpainting, pure: the composite weight with its feather band, the box the model works on,
// the exact composite back into the input. Masks are one byte per pixel, row-major, 255 = regenerate.

/** A pixel rectangle: left, top, width, height. */
export interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

/**
 * Squared Euclidean distance from every pixel to the nearest pixel where `inside` is true, exact
 * (Felzenszwalb & Huttenlocher 2012, "Distance transforms of sampled functions", §2, the lower envelope
 * of parabolas along columns then rows). Pixels with no inside pixel at all get +∞.
 * @returns Float64Array [H·W]
 */
export function squaredDistance(
  inside: (p: number) => boolean,
  width: number,
  height: number
): Float64Array {
  const out = new Float64Array(width * height)
  for (let p = 0; p < out.length; p++) out[p] = inside(p) ? 0 : Infinity
  const n = Math.max(width, height)
  const f = new Float64Array(n)
  const d = new Float64Array(n)
  const v = new Int32Array(n)
  const z = new Float64Array(n + 1)
  const pass = (len: number, get: (i: number) => number, set: (i: number, x: number) => void) => {
    for (let i = 0; i < len; i++) f[i] = get(i)
    envelope(f, len, d, v, z)
    for (let i = 0; i < len; i++) set(i, d[i])
  }
  for (let x = 0; x < width; x++) {
    pass(
      height,
      (y) => out[y * width + x],
      (y, val) => (out[y * width + x] = val)
    )
  }
  for (let y = 0; y < height; y++) {
    const row = y * width
    pass(
      width,
      (x) => out[row + x],
      (x, val) => (out[row + x] = val)
    )
  }
  return out
}

/** 1-D squared distance transform of f (length n) into d; v and z are scratch. */
function envelope(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array) {
  let k = -1
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue
    if (k < 0) {
      k = 0
      v[0] = q
      z[0] = -Infinity
      z[1] = Infinity
      continue
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k])
    while (s <= z[k]) {
      k--
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k])
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = Infinity
  }
  if (k < 0) {
    d.fill(Infinity, 0, n)
    return
  }
  let j = 0
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++
    const dq = q - v[j]
    d[q] = dq * dq + f[v[j]]
  }
}

/** Mask values at or below this (of 255) count as 0: the noise of JPEG-saved or resampled masks. */
export const maskNoiseFloor = 8

/**
 * The composite weight of each pixel, in [0, 1]: the mask's own value (m/255, soft masks blend), raised
 * to 1 − distance/feather within `feather` pixels of the painted core (m ≥ 128). Values at or below
 * `maskNoiseFloor` are 0. A pixel with weight 0 keeps the input's bytes.
 * @param mask [H·W] bytes, 255 = regenerate
 * @returns Float32Array [H·W]
 */
export function featherWeights(
  mask: Uint8Array,
  width: number,
  height: number,
  feather: number
): Float32Array {
  const out = new Float32Array(width * height)
  const value = (p: number) => (mask[p] > maskNoiseFloor ? mask[p] / 255 : 0)
  if (feather <= 0) {
    for (let p = 0; p < out.length; p++) out[p] = value(p)
    return out
  }
  const d2 = squaredDistance((p) => mask[p] >= 128, width, height)
  for (let p = 0; p < out.length; p++) {
    const ramp = 1 - Math.sqrt(d2[p]) / feather
    out[p] = Math.max(value(p), ramp > 0 ? ramp : 0)
  }
  return out
}

/** The bounding box of the pixels where weight > 0, or undefined when there are none. */
export function weightBox(weights: Float32Array, width: number, height: number): Box | undefined {
  let x0 = width
  let y0 = height
  let x1 = -1
  let y1 = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (weights[y * width + x] <= 0) continue
      if (x < x0) x0 = x
      if (x > x1) x1 = x
      if (y < y0) y0 = y
      if (y > y1) y1 = y
    }
  }
  return x1 < 0 ? undefined : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/** The box grown by `padding` on every side, clipped to the image. */
export function padBox(box: Box, padding: number, width: number, height: number): Box {
  const x = Math.max(0, box.x - padding)
  const y = Math.max(0, box.y - padding)
  return {
    x,
    y,
    width: Math.min(width, box.x + box.width + padding) - x,
    height: Math.min(height, box.y + box.height + padding) - y
  }
}

/**
 * The box grown (about its centre, kept inside the image) to the aspect ratio `aspect` = width/height,
 * as far as the image allows: a fixed-size model then sees the region without distortion.
 */
export function growToAspect(box: Box, aspect: number, width: number, height: number): Box {
  let w = box.width
  let h = box.height
  if (w / h < aspect) w = Math.min(width, Math.round(h * aspect))
  else h = Math.min(height, Math.round(w / aspect))
  return placeBox(box, w, h, width, height)
}

/** The box grown so each side is a multiple of `multiple`, where the image is large enough. */
export function growToMultiple(box: Box, multiple: number, width: number, height: number): Box {
  const up = (v: number, max: number) => {
    const m = Math.ceil(v / multiple) * multiple
    return m <= max ? m : v
  }
  return placeBox(box, up(box.width, width), up(box.height, height), width, height)
}

/** A w×h box centred on `box`'s centre, shifted to lie inside the image. */
function placeBox(box: Box, w: number, h: number, width: number, height: number): Box {
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  const x = Math.min(Math.max(0, Math.round(cx - w / 2)), width - w)
  const y = Math.min(Math.max(0, Math.round(cy - h / 2)), height - h)
  return { x, y, width: w, height: h }
}

/** Copies a box of an image with `channels` bytes per pixel. */
export function cropBytes(data: Uint8Array, width: number, channels: number, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height * channels)
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * width + box.x) * channels
    out.set(data.subarray(from, from + box.width * channels), y * box.width * channels)
  }
  return out
}

/** Copies a box of a float plane. */
export function cropPlane(plane: Float32Array, width: number, box: Box): Float32Array {
  const out = new Float32Array(box.width * box.height)
  for (let y = 0; y < box.height; y++) {
    const from = (box.y + y) * width + box.x
    out.set(plane.subarray(from, from + box.width), y * box.width)
  }
  return out
}

/**
 * Writes `generated` (RGBA8, box-sized, opaque) into `image` (RGBA8, width wide) through the weights:
 * out = round(w·generated + (1 − w)·image) per channel, α = w·255 + (1 − w)·α; over a translucent
 * pixel the colours are blended premultiplied (out = (w·g·255 + (1 − w)·c·α) / α_out), so colour
 * hidden under α = 0 never shows. Pixels with weight 0 are not touched, so they stay byte-identical. Returns how many pixels changed weight-wise (0 < w < 1: the feather band).
 */
export function compositeInto(
  image: Uint8Array,
  width: number,
  generated: Uint8Array,
  weights: Float32Array,
  box: Box
): { blended: number; replaced: number } {
  let blended = 0
  let replaced = 0
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const p = (box.y + y) * width + box.x + x
      const w = weights[p]
      if (w <= 0) continue
      const g = (y * box.width + x) * 4
      if (w >= 1) {
        replaced++
        image[p * 4] = generated[g]
        image[p * 4 + 1] = generated[g + 1]
        image[p * 4 + 2] = generated[g + 2]
        image[p * 4 + 3] = 255
        continue
      }
      blended++
      const a = image[p * 4 + 3]
      if (a === 255) {
        for (let c = 0; c < 3; c++) {
          image[p * 4 + c] = Math.round(w * generated[g + c] + (1 - w) * image[p * 4 + c])
        }
        continue
      }
      // Over a translucent input, blend premultiplied colour (the generated pixel is opaque), so
      // the colour hidden under α = 0 does not tint the blend.
      const alpha = w * 255 + (1 - w) * a
      for (let c = 0; c < 3; c++) {
        const premultiplied = w * generated[g + c] * 255 + (1 - w) * image[p * 4 + c] * a
        image[p * 4 + c] = Math.min(255, Math.round(premultiplied / alpha))
      }
      image[p * 4 + 3] = Math.round(alpha)
    }
  }
  return { blended, replaced }
}

/**
 * A plane resampled to tw×th by coverage: each target pixel is the maximum over the source pixels its
 * footprint touches, so every source pixel with weight > 0 stays covered at any scale (used for the
 * mask the model sees, at the working or latent size).
 * @returns Float32Array [th·tw]
 */
export function coverage(
  plane: Float32Array,
  width: number,
  height: number,
  tw: number,
  th: number
): Float32Array {
  const out = new Float32Array(tw * th)
  for (let ty = 0; ty < th; ty++) {
    const y0 = Math.floor((ty * height) / th)
    const y1 = Math.max(y0 + 1, Math.ceil(((ty + 1) * height) / th))
    for (let tx = 0; tx < tw; tx++) {
      const x0 = Math.floor((tx * width) / tw)
      const x1 = Math.max(x0 + 1, Math.ceil(((tx + 1) * width) / tw))
      let m = 0
      for (let y = y0; y < y1 && y < height; y++) {
        for (let x = x0; x < x1 && x < width; x++) {
          const v = plane[y * width + x]
          if (v > m) m = v
        }
      }
      out[ty * tw + tx] = m
    }
  }
  return out
}

/**
 * RGBA8 extended by `left/top/right/bottom` pixels, the new area filled by repeating the nearest edge
 * pixel (a neutral start for outpainting; every new pixel is regenerated).
 */
export function extendCanvas(
  image: { width: number; height: number; data: Uint8Array },
  sides: { left: number; top: number; right: number; bottom: number }
): { width: number; height: number; data: Uint8Array } {
  const width = image.width + sides.left + sides.right
  const height = image.height + sides.top + sides.bottom
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y - sides.top))
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.max(0, x - sides.left))
      const from = (sy * image.width + sx) * 4
      data.set(image.data.subarray(from, from + 4), (y * width + x) * 4)
    }
  }
  return { width, height, data }
}
