// Tiled super-resolution, pure: the grid of overlapping input tiles, the blend weights that feather
// their seams, and a band accumulator that holds only one row of output tiles, so memory does not grow
// with the image's height (only the finished RGBA output does).

/**
 * Overlapping tiles over an input of width × height (input pixels). Each tile is `tile` square; tiles
 * start every `stride` = tile − overlap; the input is padded (edge pixels repeated) on the right and
 * bottom to `paddedWidth` × `paddedHeight` so the last tile fits.
 */
export interface TileGrid {
  readonly tile: number
  readonly overlap: number
  readonly stride: number
  readonly cols: number
  readonly rows: number
  readonly paddedWidth: number
  readonly paddedHeight: number
}

/**
 * The grid for an input. Unless `fixed` (a model that takes one size only), `tile` is shrunk to the
 * image (rounded up to `multiple`) when one tile covers it.
 * @throws RangeError when the tile is empty.
 */
export function tileGrid(
  width: number,
  height: number,
  tile: number,
  overlap: number,
  options: { multiple?: number; fixed?: boolean } = {}
): TileGrid {
  const multiple = options.multiple ?? 1
  const roundUp = (v: number) => Math.ceil(v / multiple) * multiple
  const side = options.fixed ? tile : Math.min(tile, roundUp(Math.max(width, height)))
  if (!(side > 0)) throw new RangeError(`tile ${side} with overlap ${overlap}`)
  const o = Math.max(0, Math.min(overlap, Math.floor(side / 2) - 1))
  const stride = side - o
  const count = (n: number) => (n <= side ? 1 : Math.ceil((n - side) / stride) + 1)
  const cols = count(width)
  const rows = count(height)
  return {
    tile: side,
    overlap: o,
    stride,
    cols,
    rows,
    paddedWidth: (cols - 1) * stride + side,
    paddedHeight: (rows - 1) * stride + side
  }
}

/**
 * Blend weights of one output tile of side T: a linear ramp over `overlap` pixels on each side that has
 * a neighbour, 1 elsewhere; the product of the row and column ramps. The ramp steps once per `block`
 * pixels (the scale: one low-res pixel), so each block's weights are equal and a blend of tiles that
 * each agree with the low-res image under ×block average pooling still agrees with it (DDRM).
 * @returns Float32Array [T·T]
 */
export function tileWeights(
  T: number,
  overlap: number,
  sides: { left: boolean; right: boolean; top: boolean; bottom: boolean },
  block = 1
): Float32Array {
  const n = overlap / block
  const ramp = (k: number, before: boolean, after: boolean) => {
    const q = Math.floor(k / block)
    const Q = T / block
    let w = 1
    if (n > 0 && before && q < n) w = Math.min(w, (q + 0.5) / n)
    if (n > 0 && after && q >= Q - n) w = Math.min(w, (Q - q - 0.5) / n)
    return w
  }
  const out = new Float32Array(T * T)
  for (let y = 0; y < T; y++) {
    const wy = ramp(y, sides.top, sides.bottom)
    for (let x = 0; x < T; x++) out[y * T + x] = wy * ramp(x, sides.left, sides.right)
  }
  return out
}

/** Copies a size×size tile at (x, y) of an RGBA8 image, repeating edge pixels past its border. */
export function tileAt(
  image: { width: number; height: number; data: Uint8Array },
  x: number,
  y: number,
  size: number
): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(size * size * 4)
  for (let ty = 0; ty < size; ty++) {
    const sy = Math.min(image.height - 1, y + ty)
    for (let tx = 0; tx < size; tx++) {
      const sx = Math.min(image.width - 1, x + tx)
      const from = (sy * image.width + sx) * 4
      data.set(image.data.subarray(from, from + 4), (ty * size + tx) * 4)
    }
  }
  return { width: size, height: size, data }
}

/**
 * Accumulates weighted RGB output tiles of one tile row at a time and writes finished rows into the
 * RGBA8 output (width × height, the unpadded output size). Rows above the next tile row's start are
 * final when a tile row ends.
 */
export class BandAccumulator {
  /** [T rows, paddedWidth, 4]: r, g, b, weight (Float64: sums of weighted 0–255 values). */
  #band: Float64Array
  #bandTop = 0
  readonly #paddedWidth: number

  constructor(
    readonly output: { width: number; height: number; data: Uint8Array },
    paddedWidth: number,
    readonly tile: number
  ) {
    this.#paddedWidth = paddedWidth
    this.#band = new Float64Array(tile * paddedWidth * 4)
  }

  /**
   * Adds a tile at output (x, y) with its weights: `value(k, c)` is channel c of tile pixel k in
   * 0–255, unrounded (rounding once, when rows are written, keeps blends exact); y is the band's top.
   */
  add(value: (k: number, c: number) => number, weights: Float32Array, x: number, y: number): void {
    const T = this.tile
    if (y !== this.#bandTop) {
      throw new RangeError(`tile at row ${y}; the band is at row ${this.#bandTop}`)
    }
    const pw = this.#paddedWidth
    for (let ty = 0; ty < T; ty++) {
      const row = ty * pw
      for (let tx = 0; tx < T; tx++) {
        const k = ty * T + tx
        const w = weights[k]
        const p = (row + x + tx) * 4
        this.#band[p] += w * value(k, 0)
        this.#band[p + 1] += w * value(k, 1)
        this.#band[p + 2] += w * value(k, 2)
        this.#band[p + 3] += w
      }
    }
  }

  /** Writes rows [bandTop, nextTop) to the output and moves the band down to start at nextTop. */
  advance(nextTop: number): void {
    const pw = this.#paddedWidth
    const done = nextTop - this.#bandTop
    const out = this.output
    for (let r = 0; r < done; r++) {
      const y = this.#bandTop + r
      if (y >= out.height) break
      for (let x = 0; x < out.width; x++) {
        const p = (r * pw + x) * 4
        const w = this.#band[p + 3]
        const o = (y * out.width + x) * 4
        for (let c = 0; c < 3; c++) {
          const v = w > 0 ? this.#band[p + c] / w : 0
          out.data[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5)
        }
        out.data[o + 3] = 255
      }
    }
    const rows = this.#band.length / (pw * 4)
    const keep = Math.max(0, rows - done)
    this.#band.copyWithin(0, done * pw * 4, rows * pw * 4)
    this.#band.fill(0, keep * pw * 4)
    this.#bandTop = nextTop
  }
}
