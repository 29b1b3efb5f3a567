import { describe, expect, it } from 'vitest'
import {
  clipRect,
  createMask,
  fillMask,
  invertMask,
  isEmptyMask,
  maskBounds,
  maskFromRgba,
  maskToRgba,
  maskedCount,
  paintOverlay,
  readRect,
  resizeMask,
  unionRect,
  writeRect
} from './mask-buffer'

describe('mask buffer', () => {
  it('starts empty, and knows its bounds once painted', () => {
    const m = createMask(8, 6)
    expect(isEmptyMask(m)).toBe(true)
    expect(maskBounds(m)).toBeNull()
    m.data[2 * 8 + 3] = 255
    m.data[4 * 8 + 5] = 10
    expect(isEmptyMask(m)).toBe(false)
    expect(maskedCount(m)).toBe(2)
    expect(maskBounds(m)).toEqual({ x: 3, y: 2, w: 3, h: 3 })
  })

  it('refuses a size that is not a positive whole number', () => {
    expect(() => createMask(0, 3)).toThrow(/positive whole size/)
    expect(() => createMask(2.5, 3)).toThrow()
  })

  it('inverts, fills and clears in place', () => {
    const m = createMask(2, 2)
    m.data.set([0, 255, 100, 7])
    invertMask(m)
    expect([...m.data]).toEqual([255, 0, 155, 248])
    fillMask(m, 255)
    expect([...m.data]).toEqual([255, 255, 255, 255])
    fillMask(m, 0)
    expect(isEmptyMask(m)).toBe(true)
  })

  it('reads and writes rectangles row by row', () => {
    const m = createMask(4, 3)
    writeRect(m, { x: 1, y: 1, w: 2, h: 2 }, Uint8Array.from([1, 2, 3, 4]))
    expect([...m.data]).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0])
    expect([...readRect(m, { x: 1, y: 1, w: 2, h: 2 })]).toEqual([1, 2, 3, 4])
    expect(() => writeRect(m, { x: 0, y: 0, w: 2, h: 2 }, new Uint8Array(3))).toThrow(RangeError)
  })

  it('unions and clips rectangles', () => {
    expect(unionRect({ x: 0, y: 0, w: 0, h: 0 }, { x: 2, y: 3, w: 1, h: 1 })).toEqual({
      x: 2,
      y: 3,
      w: 1,
      h: 1
    })
    expect(unionRect({ x: 0, y: 0, w: 2, h: 2 }, { x: 3, y: 1, w: 2, h: 4 })).toEqual({
      x: 0,
      y: 0,
      w: 5,
      h: 5
    })
    expect(clipRect({ x: -2.5, y: 1.2, w: 5, h: 100 }, 10, 8)).toEqual({ x: 0, y: 1, w: 3, h: 7 })
    expect(clipRect({ x: 20, y: 0, w: 5, h: 5 }, 10, 8).w).toBe(0)
  })
})

describe('resizeMask', () => {
  it('copies at the same size', () => {
    const m = createMask(3, 2)
    m.data.set([1, 2, 3, 4, 5, 6])
    const r = resizeMask(m, 3, 2)
    expect([...r.data]).toEqual([1, 2, 3, 4, 5, 6])
    expect(r.data).not.toBe(m.data)
  })

  it('upscales a binary block so it stays where it was drawn', () => {
    const m = createMask(4, 4)
    writeRect(m, { x: 1, y: 1, w: 2, h: 2 }, new Uint8Array(4).fill(255))
    const r = resizeMask(m, 8, 8)
    // The centre of the block is fully masked, the corners of the image are not.
    expect(r.data[3 * 8 + 3]).toBe(255)
    expect(r.data[4 * 8 + 4]).toBe(255)
    expect(r.data[0]).toBe(0)
    expect(r.data[63]).toBe(0)
    const b = maskBounds(r)!
    expect(b.x).toBeGreaterThanOrEqual(1)
    expect(b.x + b.w).toBeLessThanOrEqual(7)
  })

  it('averages areas when shrinking a lot', () => {
    const m = createMask(8, 8)
    // Left half masked.
    for (let y = 0; y < 8; y++) m.data.fill(255, y * 8, y * 8 + 4)
    const r = resizeMask(m, 2, 2)
    expect([...r.data]).toEqual([255, 0, 255, 0])
    const q = resizeMask(m, 1, 1)
    expect(q.data[0]).toBe(128)
  })

  it('gives any requested size, including non-proportional ones', () => {
    const m = createMask(5, 3)
    fillMask(m, 200)
    const r = resizeMask(m, 7, 11)
    expect(r.width).toBe(7)
    expect(r.height).toBe(11)
    expect(r.data.every((v) => v === 200)).toBe(true)
  })
})

describe('RGBA conversion', () => {
  it('reads white as regenerate, black and transparent as keep, grey in between', () => {
    const rgba = Uint8Array.from([
      255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 0, 128, 128, 128, 255
    ])
    const m = maskFromRgba(rgba, 2, 2)
    expect([...m.data]).toEqual([255, 0, 0, 128])
    expect(() => maskFromRgba(rgba, 3, 2)).toThrow(RangeError)
  })

  it('writes opaque grey pixels, the exported PNG', () => {
    const m = createMask(2, 1)
    m.data.set([255, 40])
    expect([...maskToRgba(m)]).toEqual([255, 255, 255, 255, 40, 40, 40, 255])
  })

  it('round-trips through RGBA', () => {
    const m = createMask(3, 3)
    m.data.set([0, 1, 2, 127, 128, 129, 253, 254, 255])
    expect([...maskFromRgba(maskToRgba(m), 3, 3).data]).toEqual([...m.data])
  })

  it('paints the overlay of a rectangle only', () => {
    const m = createMask(2, 2)
    m.data.set([255, 255, 0, 100])
    const target = new Uint8ClampedArray(16)
    paintOverlay(m, { x: 1, y: 0, w: 1, h: 2 }, target, [10, 20, 30], 0.5)
    expect([...target.subarray(0, 4)]).toEqual([0, 0, 0, 0])
    expect([...target.subarray(4, 8)]).toEqual([10, 20, 30, 128])
    expect([...target.subarray(12, 16)]).toEqual([10, 20, 30, 50])
  })
})
