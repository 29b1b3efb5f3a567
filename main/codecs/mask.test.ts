import { describe, expect, it } from 'vitest'
import {
  compositeInto,
  coverage,
  extendCanvas,
  featherWeights,
  growToAspect,
  growToMultiple,
  padBox,
  squaredDistance,
  weightBox
} from './mask'

function bruteForce(inside: boolean[], width: number): number[] {
  return inside.map((_, p) => {
    let best = Infinity
    inside.forEach((on, q) => {
      if (!on) return
      const dx = (p % width) - (q % width)
      const dy = Math.floor(p / width) - Math.floor(q / width)
      best = Math.min(best, dx * dx + dy * dy)
    })
    return best
  })
}

describe('squared distance transform', () => {
  it('matches brute force on random masks, including empty and full ones', () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const [width, height, density] of [
      [13, 9, 0.1],
      [1, 17, 0.2],
      [20, 1, 0.3],
      [8, 8, 0],
      [6, 5, 1],
      [31, 23, 0.02]
    ]) {
      const inside = Array.from({ length: width * height }, () => rand() < density)
      const got = Array.from(squaredDistance((p) => inside[p], width, height))
      expect(got).toEqual(bruteForce(inside, width))
    }
  })
})

describe('feather weights', () => {
  it('is the mask inside, a linear ramp over `feather` pixels outside, and exactly 0 beyond', () => {
    const width = 11
    const mask = new Uint8Array(width) // one row, pixel 5 masked
    mask[5] = 255
    const w = Array.from(featherWeights(mask, width, 1, 4))
    expect(w.map((v) => Math.round(v * 100) / 100)).toEqual([
      0, 0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25, 0, 0
    ])
  })

  it('ramps only from the painted core (≥ 128): grey masks blend, faint noise is nothing', () => {
    // A grey-100 mask with a feather: its own weight everywhere, no ramp to 1.
    const grey = new Uint8Array(9).fill(100)
    expect(Array.from(featherWeights(grey, 3, 3, 4))).toEqual(
      Array.from(new Float32Array(9).fill(100 / 255))
    )
    // JPEG-like faint values around a painted pixel are dropped.
    const noisy = Uint8Array.from([3, 8, 255, 9, 0])
    const w = Array.from(featherWeights(noisy, 5, 1, 1))
    expect(w[0]).toBe(0)
    expect(w[2]).toBe(1)
    expect(w[4]).toBe(0)
  })

  it('keeps soft mask values and has no band with feather 0', () => {
    const mask = Uint8Array.from([0, 51, 255, 0])
    expect(Array.from(featherWeights(mask, 4, 1, 0))).toEqual(
      Array.from(Float32Array.from([0, 0.2, 1, 0]))
    )
  })
})

describe('boxes', () => {
  it('bounds the weighted pixels, pads within the image, grows to an aspect and a multiple', () => {
    const weights = new Float32Array(10 * 8)
    weights[2 * 10 + 3] = 1
    weights[4 * 10 + 6] = 0.5
    const box = weightBox(weights, 10, 8)!
    expect(box).toEqual({ x: 3, y: 2, width: 4, height: 3 })
    expect(weightBox(new Float32Array(4), 2, 2)).toBeUndefined()
    expect(padBox(box, 2, 10, 8)).toEqual({ x: 1, y: 0, width: 8, height: 7 })
    expect(growToAspect(box, 1, 10, 8)).toEqual({ x: 3, y: 2, width: 4, height: 4 })
    expect(growToAspect({ x: 0, y: 0, width: 10, height: 2 }, 1, 10, 8)).toEqual({
      x: 0,
      y: 0,
      width: 10,
      height: 8
    })
    expect(growToMultiple(box, 8, 10, 8)).toEqual({ x: 1, y: 0, width: 8, height: 8 })
  })
})

describe('composite', () => {
  it('leaves weight-0 pixels byte-identical and blends the band', () => {
    const image = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120])
    const generated = Uint8Array.from([200, 200, 200, 200, 0, 0, 0, 0])
    const weights = Float32Array.from([0, 1, 0.5])
    const result = compositeInto(image, 3, generated, weights, { x: 1, y: 0, width: 2, height: 1 })
    // Over the translucent third pixel (α 120) colours blend premultiplied: α = ½·255 + ½·120 = 187.5,
    // c = ½·90·120 / 187.5 = 28.8 → 29 (100 → 32, 110 → 35.2 → 35).
    expect(Array.from(image)).toEqual([10, 20, 30, 40, 200, 200, 200, 255, 29, 32, 35, 188])
    expect(result).toEqual({ blended: 1, replaced: 1 })
  })

  it('never lets the colour under α = 0 tint the blend; opaque pixels blend as before', () => {
    const hidden = (r: number, g: number, b: number) =>
      Uint8Array.from([r, g, b, 0, 100, 50, 0, 255])
    const generated = Uint8Array.from([10, 10, 10, 255, 200, 150, 100, 255])
    const weights = Float32Array.from([0.5, 0.25])
    const box = { x: 0, y: 0, width: 2, height: 1 }
    const green = hidden(0, 255, 0)
    const magenta = hidden(255, 0, 255)
    compositeInto(green, 2, generated, weights, box)
    compositeInto(magenta, 2, generated, weights, box)
    // α = ½·255 → 128, c = ½·10·255 / 127.5 = 10: the generated colour alone.
    expect(Array.from(green)).toEqual([10, 10, 10, 128, 125, 75, 25, 255])
    expect(Array.from(magenta)).toEqual(Array.from(green))
  })
})

describe('coverage and canvas extension', () => {
  it('keeps every weighted source pixel covered when shrinking and copies when growing', () => {
    const plane = new Float32Array(16)
    plane[5] = 0.3 // (1, 1) of 4×4
    expect(Array.from(coverage(plane, 4, 4, 2, 2))).toEqual(
      Array.from(Float32Array.from([0.3, 0, 0, 0]))
    )
    const grown = coverage(Float32Array.from([1, 0]), 2, 1, 4, 1)
    expect(Array.from(grown)).toEqual([1, 1, 0, 0])
    // A non-integer ratio still covers: 3 → 2 pixels.
    expect(Array.from(coverage(Float32Array.from([0, 0, 1]), 3, 1, 2, 1))).toEqual([0, 1])
  })

  it('extends a canvas by repeating edge pixels', () => {
    const image = { width: 2, height: 1, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }
    const out = extendCanvas(image, { left: 1, top: 0, right: 0, bottom: 1 })
    expect([out.width, out.height]).toEqual([3, 2])
    expect(Array.from(out.data)).toEqual([
      1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8
    ])
  })
})
