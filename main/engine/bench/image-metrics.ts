// Image quality measures and baselines for the image benchmark, pure: PSNR and SSIM on 8-bit RGB(A)
// (SSIM as scikit-image's structural_similarity with its defaults, so figures compare with the training
// scripts'), ×k area downsampling (the super-resolution models' degradation), and a smooth fill of a
// hole from its border (the "blur fill" baseline of inpainting papers).

/** An 8-bit image, 4 bytes per pixel (RGBA; alpha ignored by the measures). */
export interface Rgba8 {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

/**
 * PSNR in dB of RGB over the pixels where `where(p)` (default: all): 10·log10(255² / MSE).
 * @returns Infinity for identical images.
 */
export function psnr(a: Rgba8, b: Rgba8, where?: (p: number) => boolean): number {
  let sum = 0
  let n = 0
  const pixels = a.width * a.height
  for (let p = 0; p < pixels; p++) {
    if (where && !where(p)) continue
    for (let c = 0; c < 3; c++) {
      const d = a.data[p * 4 + c] - b.data[p * 4 + c]
      sum += d * d
      n++
    }
  }
  return n === 0 || sum === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sum / n))
}

/** Mean absolute error of RGB over the pixels where `where(p)`, in 8-bit levels. */
export function meanAbsoluteError(a: Rgba8, b: Rgba8, where: (p: number) => boolean): number {
  let sum = 0
  let n = 0
  for (let p = 0; p < a.width * a.height; p++) {
    if (!where(p)) continue
    for (let c = 0; c < 3; c++) sum += Math.abs(a.data[p * 4 + c] - b.data[p * 4 + c])
    n += 3
  }
  return n ? sum / n : 0
}

/**
 * SSIM (Wang et al. 2004, eq. 13) per RGB channel, averaged: 7×7 uniform windows, sample covariance
 * (N/(N − 1)), K1 = 0.01, K2 = 0.03, L = 255, the mean over window centres at least 3 pixels from the
 * border — scikit-image's `structural_similarity(channel_axis=2, data_range=255)`.
 */
export function ssim(a: Rgba8, b: Rgba8): number {
  const { width, height } = a
  const win = 7
  const r = (win - 1) / 2
  const n = win * win
  const cov = n / (n - 1)
  const c1 = (0.01 * 255) ** 2
  const c2 = (0.03 * 255) ** 2
  let total = 0
  for (let c = 0; c < 3; c++) {
    // Integral images of x, y, x², y², xy.
    const W = width + 1
    const sums = Array.from({ length: 5 }, () => new Float64Array(W * (height + 1)))
    for (let y = 0; y < height; y++) {
      const row = new Float64Array(5)
      for (let x = 0; x < width; x++) {
        const u = a.data[(y * width + x) * 4 + c]
        const v = b.data[(y * width + x) * 4 + c]
        row[0] += u
        row[1] += v
        row[2] += u * u
        row[3] += v * v
        row[4] += u * v
        const k = (y + 1) * W + x + 1
        for (let s = 0; s < 5; s++) sums[s][k] = sums[s][k - W] + row[s]
      }
    }
    const box = (s: number, x0: number, y0: number) =>
      sums[s][(y0 + win) * W + x0 + win] -
      sums[s][y0 * W + x0 + win] -
      sums[s][(y0 + win) * W + x0] +
      sums[s][y0 * W + x0]
    let acc = 0
    let count = 0
    for (let y = r; y < height - r; y++) {
      for (let x = r; x < width - r; x++) {
        const mx = box(0, x - r, y - r) / n
        const my = box(1, x - r, y - r) / n
        const vx = cov * (box(2, x - r, y - r) / n - mx * mx)
        const vy = cov * (box(3, x - r, y - r) / n - my * my)
        const vxy = cov * (box(4, x - r, y - r) / n - mx * my)
        acc += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        count++
      }
    }
    total += acc / count
  }
  return total / 3
}

/** ×k area downsampling (the mean of each k×k block, rounded): sides must be multiples of k. */
export function areaDownsample(image: Rgba8, k: number): Rgba8 {
  const width = image.width / k
  const height = image.height / k
  if (!Number.isInteger(width) || !Number.isInteger(height)) {
    throw new RangeError(`${image.width}×${image.height} is not a multiple of ${k}`)
  }
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let sum = 0
        for (let dy = 0; dy < k; dy++)
          for (let dx = 0; dx < k; dx++)
            sum += image.data[((y * k + dy) * image.width + x * k + dx) * 4 + c]
        data[(y * width + x) * 4 + c] = Math.round(sum / (k * k))
      }
    }
  }
  return { width, height, data }
}

/**
 * The hole (mask > 0) filled smoothly from its border: Jacobi relaxation of Laplace's equation
 * (harmonic interpolation) started from the mean of the known pixels, `iterations` sweeps.
 */
export function blurFill(image: Rgba8, mask: Uint8Array, iterations = 500): Rgba8 {
  const { width, height } = image
  const data = image.data.slice()
  const hole: number[] = []
  const mean = [0, 0, 0]
  let known = 0
  for (let p = 0; p < width * height; p++) {
    if (mask[p] > 0) hole.push(p)
    else {
      for (let c = 0; c < 3; c++) mean[c] += image.data[p * 4 + c]
      known++
    }
  }
  const values = new Float64Array(width * height * 3)
  for (let p = 0; p < width * height; p++)
    for (let c = 0; c < 3; c++)
      values[p * 3 + c] = mask[p] > 0 ? mean[c] / Math.max(1, known) : image.data[p * 4 + c]
  // The 4-neighbours inside the image of each hole pixel, found once.
  const neighbours = hole.map((p) => {
    const x = p % width
    const y = (p - x) / width
    return [
      ...(x > 0 ? [p - 1] : []),
      ...(x < width - 1 ? [p + 1] : []),
      ...(y > 0 ? [p - width] : []),
      ...(y < height - 1 ? [p + width] : [])
    ]
  })
  for (let it = 0; it < iterations; it++) {
    hole.forEach((p, k) => {
      const around = neighbours[k]
      for (let c = 0; c < 3; c++) {
        let sum = 0
        for (const q of around) sum += values[q * 3 + c]
        values[p * 3 + c] = sum / around.length
      }
    })
  }
  for (const p of hole) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(values[p * 3 + c])
    data[p * 4 + 3] = 255
  }
  return { width, height, data }
}

/** Keys' cubic convolution kernel with a = −0.5 (PIL's BICUBIC). */
export function cubicKernel(x: number): number {
  const a = -0.5
  const t = Math.abs(x)
  if (t < 1) return (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1
  if (t < 2) return a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a
  return 0
}

/** The Lanczos window of order 3: sinc(x)·sinc(x/3) for |x| < 3. */
export function lanczos3Kernel(x: number): number {
  if (x === 0) return 1
  if (Math.abs(x) >= 3) return 0
  const px = Math.PI * x
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px)
}

/**
 * Separable enlargement by an integer factor with a convolution kernel of `support` (2 for cubic, 3 for
 * Lanczos 3) as PIL's resize does it for upscaling: pixel centres aligned (source x = (X + 0.5)/k),
 * taps cut at the image's edges and the weights renormalised, the horizontal pass rounded to 8 bits
 * before the vertical one — the classical baselines of super-resolution papers.
 */
export function enlarge(
  image: Rgba8,
  k: number,
  kernel: (x: number) => number,
  support: number
): Rgba8 {
  const taps = (n: number) =>
    Array.from({ length: n * k }, (_, X) => {
      const centre = (X + 0.5) / k
      const first = Math.max(0, Math.floor(centre - support + 0.5))
      const last = Math.min(n, Math.floor(centre + support + 0.5))
      const idx: number[] = []
      const w: number[] = []
      for (let i = first; i < last; i++) {
        idx.push(i)
        w.push(kernel(i - centre + 0.5))
      }
      const sum = w.reduce((a, b) => a + b, 0)
      return { idx, w: w.map((v) => v / sum) }
    })
  const clip = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v))
  const { width, height } = image
  const W = width * k
  const H = height * k
  const cols = taps(width)
  const rows = taps(height)
  const mid = new Uint8Array(W * height * 3)
  for (let y = 0; y < height; y++)
    for (let X = 0; X < W; X++) {
      const { idx, w } = cols[X]
      for (let c = 0; c < 3; c++) {
        let v = 0
        for (let t = 0; t < idx.length; t++) v += w[t] * image.data[(y * width + idx[t]) * 4 + c]
        mid[(y * W + X) * 3 + c] = clip(v)
      }
    }
  const data = new Uint8Array(W * H * 4)
  for (let Y = 0; Y < H; Y++) {
    const { idx, w } = rows[Y]
    for (let X = 0; X < W; X++) {
      for (let c = 0; c < 3; c++) {
        let v = 0
        for (let t = 0; t < idx.length; t++) v += w[t] * mid[(idx[t] * W + X) * 3 + c]
        data[(Y * W + X) * 4 + c] = clip(v)
      }
      data[(Y * W + X) * 4 + 3] = 255
    }
  }
  return { width: W, height: H, data }
}

/**
 * Mean of a − b per RGB channel over the pixels where `where(p)` (8-bit levels, signed): [3]. A fill
 * that tints its holes shows the same sign across images.
 */
export function meanDifference(a: Rgba8, b: Rgba8, where: (p: number) => boolean): number[] {
  const sum = [0, 0, 0]
  let n = 0
  for (let p = 0; p < a.width * a.height; p++) {
    if (!where(p)) continue
    for (let c = 0; c < 3; c++) sum[c] += a.data[p * 4 + c] - b.data[p * 4 + c]
    n++
  }
  return sum.map((v) => (n ? v / n : 0))
}

/**
 * Colour shift of a fill: |mean of a − mean of b| over the pixels where `where(p)`, per RGB channel,
 * averaged over the channels (8-bit levels). 0 when the fill keeps the hole's mean colour.
 */
export function colourShift(a: Rgba8, b: Rgba8, where: (p: number) => boolean): number {
  const d = meanDifference(a, b, where)
  return (Math.abs(d[0]) + Math.abs(d[1]) + Math.abs(d[2])) / 3
}

/**
 * Gradient energy across a region's border: the mean over 4-adjacent pixel pairs with one pixel in the
 * region and one outside of the squared RGB difference, Σ_c (a_c(p) − a_c(q))² / 3 (levels²). A seam
 * (a fill that does not meet its surroundings) raises it; compare with the same border on the original.
 */
export function seamEnergy(a: Rgba8, region: (p: number) => boolean): number {
  const { width, height, data } = a
  let sum = 0
  let pairs = 0
  const pair = (p: number, q: number) => {
    if (region(p) === region(q)) return
    for (let c = 0; c < 3; c++) {
      const d = data[p * 4 + c] - data[q * 4 + c]
      sum += (d * d) / 3
    }
    pairs++
  }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x
      if (x + 1 < width) pair(p, p + 1)
      if (y + 1 < height) pair(p, p + width)
    }
  return pairs ? sum / pairs : 0
}

/**
 * A no-reference texture measure: the mean squared 4-neighbour Laplacian of the luma (BT.601) over the
 * pixels where `inside(p)`, divided by the same over the pixels where `ring(p)` (the surroundings).
 * About 1 when the fill is as detailed as what surrounds it; 0 for a perfectly smooth fill. Pixels on
 * the image's edge are skipped.
 */
export function textureRatio(
  a: Rgba8,
  inside: (p: number) => boolean,
  ring: (p: number) => boolean
): number {
  const { width, height, data } = a
  const luma = (p: number) =>
    0.299 * data[p * 4] + 0.587 * data[p * 4 + 1] + 0.114 * data[p * 4 + 2]
  let si = 0
  let ni = 0
  let sr = 0
  let nr = 0
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x
      const inHole = inside(p)
      const inRing = !inHole && ring(p)
      if (!inHole && !inRing) continue
      const lap = luma(p - 1) + luma(p + 1) + luma(p - width) + luma(p + width) - 4 * luma(p)
      if (inHole) {
        si += lap * lap
        ni++
      } else {
        sr += lap * lap
        nr++
      }
    }
  return ni && nr && sr > 0 ? si / ni / (sr / nr) : NaN
}

/**
 * A mask (255 = hole) painted as the studio's mask editor paints a hard brush
 * (renderer/src/features/image/mask/brush.ts, hardness 1): every pixel whose centre lies within
 * `diameter`/2 of the polyline through `points` (capsules from point to point).
 */
export function brushMask(
  width: number,
  height: number,
  points: readonly { x: number; y: number }[],
  diameter: number
): Uint8Array {
  const mask = new Uint8Array(width * height)
  const r = Math.max(0.5, diameter / 2)
  for (let k = 0; k < points.length; k++) {
    const a = points[k]
    const b = points[Math.min(k + 1, points.length - 1)]
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - r - 1))
    const x1 = Math.min(width - 1, Math.ceil(Math.max(a.x, b.x) + r + 1))
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - r - 1))
    const y1 = Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + r + 1))
    const dx = b.x - a.x
    const dy = b.y - a.y
    const len2 = dx * dx + dy * dy
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5
        const py = y + 0.5
        const t =
          len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - a.x) * dx + (py - a.y) * dy) / len2))
        const cx = a.x + t * dx - px
        const cy = a.y + t * dy - py
        if (cx * cx + cy * cy <= r * r) mask[y * width + x] = 255
      }
  }
  return mask
}
