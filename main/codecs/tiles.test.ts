import { describe, expect, it } from 'vitest'
import { BandAccumulator, tileAt, tileGrid, tileWeights } from './tiles'

describe('tile grid', () => {
  it('covers the input with overlapping tiles and pads the last one', () => {
    expect(tileGrid(100, 40, 32, 8)).toEqual({
      tile: 32,
      overlap: 8,
      stride: 24,
      cols: 4,
      rows: 2,
      paddedWidth: 104,
      paddedHeight: 56
    })
    // One tile shrinks to the image, rounded up to the multiple.
    expect(tileGrid(20, 13, 64, 8, { multiple: 8 })).toMatchObject({ tile: 24, cols: 1, rows: 1 })
    // A fixed-size model keeps its tile; the input is padded up to it.
    expect(tileGrid(5, 3, 8, 2, { fixed: true })).toMatchObject({ tile: 8, paddedWidth: 8 })
    expect(() => tileGrid(10, 10, 0, 0)).toThrow(RangeError)
  })
})

describe('tile weights', () => {
  it('ramps only on sides with a neighbour', () => {
    const w = tileWeights(4, 2, { left: true, right: false, top: false, bottom: false })
    expect(Array.from(w.slice(0, 4))).toEqual([0.25, 0.75, 1, 1])
    // Per block of 2 pixels: equal weights inside each block.
    const blocks = tileWeights(8, 4, { left: true, right: false, top: false, bottom: false }, 2)
    expect(Array.from(blocks.slice(0, 8))).toEqual([0.25, 0.25, 0.75, 0.75, 1, 1, 1, 1])
  })
})

describe('band accumulator', () => {
  it('reassembles an image exactly from overlapping tiles of itself', () => {
    const width = 23
    const height = 17
    const image = {
      width,
      height,
      data: Uint8Array.from({ length: width * height * 4 }, (_, k) =>
        k % 4 === 3 ? 255 : (k * 37) % 256
      )
    }
    const grid = tileGrid(width, height, 8, 3)
    const out = { width, height, data: new Uint8Array(width * height * 4) }
    const band = new BandAccumulator(out, grid.paddedWidth, grid.tile)
    for (let r = 0; r < grid.rows; r++) {
      for (let c = 0; c < grid.cols; c++) {
        const tile = tileAt(image, c * grid.stride, r * grid.stride, grid.tile)
        const w = tileWeights(grid.tile, grid.overlap, {
          left: c > 0,
          right: c < grid.cols - 1,
          top: r > 0,
          bottom: r < grid.rows - 1
        })
        band.add((k, ch) => tile.data[k * 4 + ch], w, c * grid.stride, r * grid.stride)
      }
      band.advance(r === grid.rows - 1 ? grid.paddedHeight : (r + 1) * grid.stride)
    }
    expect(Buffer.from(out.data).equals(Buffer.from(image.data))).toBe(true)
  })
})
