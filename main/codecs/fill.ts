// Classical hole fills, pure: the harmonic (coarse-to-fine Laplace) fill that starts photo-inpaint's
// truncated chain, Telea's fast-marching fill (the benchmark's classical baseline), and the bilinear
// resize both the fill and the super-resolution start use (PyTorch's `interpolate(..., 'bilinear',
// align_corners=False)`, so the app and the training scripts compute the same numbers).

/**
 * Planes [C, h, w] resized to [C, H, W] bilinearly with half-pixel centres (source x = (X + ½)·w/W − ½,
 * clamped at 0, the last column repeated): PyTorch `F.interpolate(mode='bilinear', align_corners=False)`.
 * @returns Float32Array [C·H·W]
 */
export function bilinearResize(
  planes: ArrayLike<number>,
  channels: number,
  w: number,
  h: number,
  W: number,
  H: number
): Float32Array {
  const axis = (n: number, N: number) => {
    const i0 = new Int32Array(N)
    const i1 = new Int32Array(N)
    const t = new Float64Array(N)
    for (let X = 0; X < N; X++) {
      const src = Math.max(0, ((X + 0.5) * n) / N - 0.5)
      const lo = Math.min(n - 1, Math.floor(src))
      i0[X] = lo
      i1[X] = lo < n - 1 ? lo + 1 : lo
      t[X] = src - lo
    }
    return { i0, i1, t }
  }
  const xs = axis(w, W)
  const ys = axis(h, H)
  const out = new Float32Array(channels * W * H)
  for (let c = 0; c < channels; c++) {
    const src = c * w * h
    for (let Y = 0; Y < H; Y++) {
      const r0 = src + ys.i0[Y] * w
      const r1 = src + ys.i1[Y] * w
      const ty = ys.t[Y]
      for (let X = 0; X < W; X++) {
        const a = xs.i0[X]
        const b = xs.i1[X]
        const tx = xs.t[X]
        const top = planes[r0 + a] * (1 - tx) + planes[r0 + b] * tx
        const bottom = planes[r1 + a] * (1 - tx) + planes[r1 + b] * tx
        out[(c * H + Y) * W + X] = top * (1 - ty) + bottom * ty
      }
    }
  }
  return out
}

/** ×2 mean pooling with ceil (edge windows average the pixels they cover): torch avg_pool2d(2, ceil_mode). */
function pool2(planes: Float64Array, channels: number, w: number, h: number) {
  const W = Math.ceil(w / 2)
  const H = Math.ceil(h / 2)
  const out = new Float64Array(channels * W * H)
  for (let c = 0; c < channels; c++) {
    for (let Y = 0; Y < H; Y++) {
      for (let X = 0; X < W; X++) {
        let sum = 0
        let n = 0
        for (let y = 2 * Y; y < Math.min(h, 2 * Y + 2); y++)
          for (let x = 2 * X; x < Math.min(w, 2 * X + 2); x++) {
            sum += planes[(c * h + y) * w + x]
            n++
          }
        out[(c * H + Y) * W + X] = sum / n
      }
    }
  }
  return { data: out, w: W, h: H }
}

/** Iterations of the 3×3 relaxation in harmonicFill (photo-inpaint was trained on fills made with these). */
export const harmonicIterations = 100

/**
 * The hole filled smoothly from what surrounds it: a coarse-to-fine guess (the mean of the known pixels
 * over a ×2 pyramid, bilinearly upsampled where a level has no known pixel) relaxed by `iterations` sweeps
 * of 3×3 averaging inside the hole (edges replicated, known pixels fixed): a Jacobi solve of Laplace's
 * equation, i.e. harmonic interpolation, started close to its solution. The same algorithm and order of
 * operations as the training scripts' `data.blur_fill` (native-models/train/images/data.py).
 * @param planes [C, H, W], any range; @param hole [H·W], > 0 = fill.
 * @returns Float32Array [C·H·W]: known pixels unchanged, the hole filled.
 */
export function harmonicFill(
  planes: ArrayLike<number>,
  hole: ArrayLike<number>,
  channels: number,
  width: number,
  height: number,
  iterations = harmonicIterations
): Float32Array {
  const n = width * height
  const known = new Float64Array(n)
  for (let p = 0; p < n; p++) known[p] = hole[p] > 0 ? 0 : 1
  const x0 = new Float64Array(channels * n)
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < n; p++) x0[c * n + p] = planes[c * n + p] * known[p]
  const pyramid = [{ x: x0, k: known, w: width, h: height }]
  while (Math.min(pyramid[pyramid.length - 1].w, pyramid[pyramid.length - 1].h) > 4) {
    const top = pyramid[pyramid.length - 1]
    const x = pool2(top.x, channels, top.w, top.h)
    const k = pool2(top.k, 1, top.w, top.h)
    pyramid.push({ x: x.data, k: k.data, w: x.w, h: x.h })
  }
  // The coarsest level: the known mean where there is one, else the mean over the level.
  const last = pyramid[pyramid.length - 1]
  const m = last.w * last.h
  let kSum = 0
  for (let p = 0; p < m; p++) kSum += last.k[p]
  let fill = new Float64Array(channels * m)
  for (let c = 0; c < channels; c++) {
    let xSum = 0
    for (let p = 0; p < m; p++) xSum += last.x[c * m + p]
    const mean = xSum / Math.max(kSum, 1e-6)
    for (let p = 0; p < m; p++) {
      const k = last.k[p]
      fill[c * m + p] = k > 0 ? last.x[c * m + p] / Math.max(k, 1e-6) : mean
    }
  }
  let fw = last.w
  let fh = last.h
  for (let level = pyramid.length - 2; level >= 0; level--) {
    const { x, k, w, h } = pyramid[level]
    const up = bilinearResize(fill, channels, fw, fh, w, h)
    const next = new Float64Array(channels * w * h)
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < w * h; p++) {
        const wl = k[p]
        const est = x[c * w * h + p] / Math.max(wl, 1e-6)
        const u = up[c * w * h + p]
        next[c * w * h + p] = wl > 0.999 ? est : wl > 0 ? wl * est + (1 - wl) * u : u
      }
    }
    fill = next
    fw = w
    fh = h
  }
  // Jacobi sweeps inside the hole; the known pixels stay the input's.
  let out = new Float64Array(channels * n)
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < n; p++) out[c * n + p] = known[p] ? planes[c * n + p] : fill[c * n + p]
  let next = new Float64Array(channels * n)
  const holes: number[] = []
  for (let p = 0; p < n; p++) if (!known[p]) holes.push(p)
  for (let it = 0; it < iterations; it++) {
    next.set(out)
    for (let c = 0; c < channels; c++) {
      const base = c * n
      for (const p of holes) {
        const x = p % width
        const y = (p - x) / width
        const xl = x > 0 ? x - 1 : 0
        const xr = x < width - 1 ? x + 1 : width - 1
        const yu = y > 0 ? y - 1 : 0
        const yd = y < height - 1 ? y + 1 : height - 1
        let sum = 0
        for (const yy of [yu, y, yd]) {
          const row = base + yy * width
          sum += out[row + xl] + out[row + x] + out[row + xr]
        }
        next[base + p] = sum / 9
      }
    }
    ;[out, next] = [next, out]
  }
  return Float32Array.from(out)
}

/** An 8-bit RGBA image (alpha carried through). */
export interface Rgba8Image {
  readonly width: number
  readonly height: number
  readonly data: Uint8Array
}

const KNOWN = 0
const BAND = 1
const INSIDE = 2

/** A binary min-heap of pixels keyed by T, ties in insertion order (the order of the narrow band). */
class MinHeap {
  private keys: number[] = []
  private items: number[] = []
  private order: number[] = []
  private count = 0
  get size(): number {
    return this.items.length
  }
  push(item: number, key: number): void {
    this.keys.push(key)
    this.items.push(item)
    this.order.push(this.count++)
    let i = this.items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }
  pop(): number {
    const top = this.items[0]
    const last = this.items.length - 1
    this.swap(0, last)
    this.keys.pop()
    this.items.pop()
    this.order.pop()
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < this.items.length && this.less(l, m)) m = l
      if (r < this.items.length && this.less(r, m)) m = r
      if (m === i) break
      this.swap(i, m)
      i = m
    }
    return top
  }
  private less(a: number, b: number): boolean {
    return (
      this.keys[a] < this.keys[b] ||
      (this.keys[a] === this.keys[b] && this.order[a] < this.order[b])
    )
  }
  private swap(a: number, b: number): void {
    for (const arr of [this.keys, this.items, this.order]) [arr[a], arr[b]] = [arr[b], arr[a]]
  }
}

/**
 * The fast-marching arrival time at (x, y) (Sethian's upwind solution of |∇T| = 1, as OpenCV's
 * FastMarching_solve): the least over the four quadrants of the one- or two-neighbour update, from the
 * neighbours `known` says are fixed.
 */
function arrival(
  x: number,
  y: number,
  t: (x: number, y: number) => number,
  known: (x: number, y: number) => boolean
): number {
  const solve = (x1: number, y1: number, x2: number, y2: number): number => {
    const a = t(x1, y1)
    const b = t(x2, y2)
    if (known(x1, y1)) {
      if (known(x2, y2)) {
        const d = a - b
        return Math.abs(d) >= 1 ? 1 + Math.min(a, b) : (a + b + Math.sqrt(2 - d * d)) * 0.5
      }
      return 1 + a
    }
    return known(x2, y2) ? 1 + b : 1 + Math.min(a, b)
  }
  return Math.min(
    solve(x, y - 1, x - 1, y),
    solve(x, y + 1, x - 1, y),
    solve(x, y - 1, x + 1, y),
    solve(x, y + 1, x + 1, y)
  )
}

/** The 4-neighbours of pixel p (up, left, down, right), as [x, y], some possibly outside the image. */
function around(p: number, width: number): [number, number][] {
  const x = p % width
  const y = (p - x) / width
  return [
    [x, y - 1],
    [x - 1, y],
    [x, y + 1],
    [x + 1, y]
  ]
}

/**
 * Telea's fill (A. Telea 2004, "An image inpainting technique based on the fast marching method", J.
 * Graphics Tools 9(1)) as OpenCV's `cv::inpaint(..., INPAINT_TELEA)` computes it (a port of its
 * `icvTeleaInpaintFMM`, so the benchmark's baseline is the fill the literature and users compare with;
 * OpenCV itself is not used). The hole is filled from its border inwards in the order of the
 * fast-marching distance T (Sethian's upwind solution of |∇T| = 1); pixel p, per channel, is the
 * weighted mean of the known (or already filled, 8-bit) q within `radius`, w = dir · dst · lev (the
 * paper's eq. 4: dir = |(p − q)·∇T(p)|, dst = 1 / |p − q|³, lev = 1 / (1 + |T(q) − T(p)|), with T of
 * the known pixels minus their distance to the hole), plus OpenCV's form of the gradient term of eq. 2:
 * J = −Σ w (∂ₓI·rₓ, ∂ᵧI·rᵧ) enters as (Jₓ + Jᵧ)/|J| (at most √2 levels), and + ½ before rounding.
 * @param mask [H·W], > 0 = fill. @returns the filled image (pixels outside the mask unchanged).
 */
export function teleaFill(image: Rgba8Image, mask: ArrayLike<number>, radius = 5): Rgba8Image {
  const { width, height } = image
  const n = width * height
  const flag = new Uint8Array(n)
  const T = new Float64Array(n).fill(1e6)
  const data = image.data.slice()
  for (let p = 0; p < n; p++) if (mask[p] > 0) flag[p] = INSIDE
  const inImage = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height
  // Outside the image counts as known, T = 1e6 (OpenCV's one-pixel frame).
  const flagAt = (x: number, y: number) => (inImage(x, y) ? flag[y * width + x] : KNOWN)
  const tAt = (x: number, y: number) => (inImage(x, y) ? T[y * width + x] : 1e6)
  // The narrow band: known pixels 4-adjacent to the hole, T = 0, in raster order.
  const band: number[] = []
  for (let p = 0; p < n; p++) {
    if (flag[p] !== KNOWN) continue
    const x = p % width
    const y = (p - x) / width
    if ([flagAt(x, y - 1), flagAt(x - 1, y), flagAt(x, y + 1), flagAt(x + 1, y)].includes(INSIDE))
      band.push(p)
  }
  for (const p of band) T[p] = 0
  outsideDistance(flag, T, band, width, height, radius)
  const heap = new MinHeap()
  for (const p of band) {
    flag[p] = BAND
    heap.push(p, 0)
  }
  const fixed = (x: number, y: number) => flagAt(x, y) !== INSIDE
  const value = (x: number, y: number, c: number) => data[(y * width + x) * 4 + c]
  const r2 = radius * radius
  while (heap.size > 0) {
    const p0 = heap.pop()
    flag[p0] = KNOWN
    for (const [x, y] of around(p0, width)) {
      if (!inImage(x, y) || flagAt(x, y) !== INSIDE) continue
      const p = y * width + x
      T[p] = arrival(x, y, tAt, fixed)
      const gT = (dx: number, dy: number) => {
        const fwd = flagAt(x + dx, y + dy) !== INSIDE
        const back = flagAt(x - dx, y - dy) !== INSIDE
        if (fwd)
          return back
            ? (tAt(x + dx, y + dy) - tAt(x - dx, y - dy)) * 0.5
            : tAt(x + dx, y + dy) - T[p]
        return back ? T[p] - tAt(x - dx, y - dy) : 0
      }
      const gx = gT(1, 0)
      const gy = gT(0, 1)
      for (let c = 0; c < 3; c++) {
        let jx = 0
        let jy = 0
        let ia = 0
        let s = 1e-20
        for (let k = y - radius; k <= y + radius; k++) {
          for (let l = x - radius; l <= x + radius; l++) {
            if (!inImage(l, k) || flagAt(l, k) === INSIDE) continue
            const ry = y - k
            const rx = x - l
            const d2 = rx * rx + ry * ry
            if (d2 > r2) continue
            const dst = 1 / (d2 * Math.sqrt(d2))
            const lev = 1 / (1 + Math.abs(tAt(l, k) - T[p]))
            let dir = rx * gx + ry * gy
            if (Math.abs(dir) <= 0.01) dir = 0.000001
            const w = Math.abs(dst * lev * dir)
            // q's value and gradient as OpenCV reads them: one pixel in at the image's edges (its km/kp,
            // lm/lp indices), central differences ×2, one-sided at the hole's edge.
            const ym = k === 0 ? 1 : k
            const yp = k === height - 1 ? k - 1 : k
            const xm = l === 0 ? 1 : l
            const xp = l === width - 1 ? l - 1 : l
            const right = flagAt(l + 1, k) !== INSIDE
            const left = flagAt(l - 1, k) !== INSIDE
            const ix = right
              ? left
                ? (value(xp + 1, ym, c) - value(xm - 1, ym, c)) * 2
                : value(xp + 1, ym, c) - value(xm, ym, c)
              : left
                ? value(xp, ym, c) - value(xm - 1, ym, c)
                : 0
            const below = flagAt(l, k + 1) !== INSIDE
            const above = flagAt(l, k - 1) !== INSIDE
            const iy = below
              ? above
                ? (value(xm, yp + 1, c) - value(xm, ym - 1, c)) * 2
                : value(xm, yp + 1, c) - value(xm, ym, c)
              : above
                ? value(xm, yp, c) - value(xm, ym - 1, c)
                : 0
            ia += w * value(xm, ym, c)
            jx -= w * ix * rx
            jy -= w * iy * ry
            s += w
          }
        }
        const sat = ia / s + (jx + jy) / (Math.sqrt(jx * jx + jy * jy) + 1e-20) + 0.5
        data[p * 4 + c] = Math.min(255, Math.max(0, roundHalfEven(sat)))
      }
      flag[p] = BAND
      heap.push(p, T[p])
    }
  }
  return { width, height, data }
}

/** Round to the nearest integer, halves to even (lrint, as OpenCV's cvRound). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v)
  const d = v - f
  if (d > 0.5) return f + 1
  if (d < 0.5) return f
  return f % 2 === 0 ? f : f + 1
}

/**
 * T of the known pixels near the hole (OpenCV's `icvCalcFMM(..., negate)`): the fast-marching distance
 * from the band over the ring of known pixels within `radius` (Chebyshev) of the hole, negated. T holds
 * 0 on the band and 1e6 elsewhere on entry.
 */
function outsideDistance(
  flag: Uint8Array,
  T: Float64Array,
  band: readonly number[],
  width: number,
  height: number,
  radius: number
): void {
  const n = width * height
  const RING = 1
  const DONE = 2
  const f = new Uint8Array(n)
  for (let p = 0; p < n; p++) {
    if (flag[p] !== INSIDE) continue
    const x = p % width
    const y = (p - x) / width
    for (let k = Math.max(0, y - radius); k <= Math.min(height - 1, y + radius); k++)
      for (let l = Math.max(0, x - radius); l <= Math.min(width - 1, x + radius); l++)
        if (flag[k * width + l] !== INSIDE) f[k * width + l] = RING
  }
  for (const p of band) f[p] = 0
  const inImage = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height
  const tAt = (x: number, y: number) => (inImage(x, y) ? T[y * width + x] : 1e6)
  const open = (x: number, y: number) => inImage(x, y) && f[y * width + x] === RING
  const heap = new MinHeap()
  for (const p of band) heap.push(p, 0)
  const popped: number[] = []
  while (heap.size > 0) {
    const p0 = heap.pop()
    f[p0] = DONE
    popped.push(p0)
    for (const [x, y] of around(p0, width)) {
      if (!open(x, y)) continue
      const p = y * width + x
      T[p] = arrival(x, y, tAt, (x, y) => !open(x, y))
      f[p] = 3 // in the heap
      heap.push(p, T[p])
    }
  }
  for (const p of popped) T[p] = -T[p]
}
