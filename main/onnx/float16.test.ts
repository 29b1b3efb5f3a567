import { describe, expect, it } from 'vitest'
import { fromHalfArray, fromHalfBits, toHalfArray, toHalfBits } from './float16'

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0

describe('float16', () => {
  it('round-trips all 65536 half bit patterns (NaNs stay NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const value = fromHalfBits(h)
      if (isNaNBits(h)) {
        expect(Number.isNaN(value)).toBe(true)
        expect(isNaNBits(toHalfBits(value))).toBe(true)
      } else if (toHalfBits(value) !== h) {
        throw new Error(`bits ${h.toString(16)} -> ${value} -> ${toHalfBits(value).toString(16)}`)
      }
    }
  })

  it('decodes the special values exactly', () => {
    expect(fromHalfBits(0x0000)).toBe(0)
    expect(Object.is(fromHalfBits(0x8000), -0)).toBe(true)
    expect(fromHalfBits(0x0001)).toBe(2 ** -24) // smallest subnormal
    expect(fromHalfBits(0x03ff)).toBe(1023 * 2 ** -24) // largest subnormal
    expect(fromHalfBits(0x0400)).toBe(2 ** -14) // smallest normal
    expect(fromHalfBits(0x3c00)).toBe(1)
    expect(fromHalfBits(0x7bff)).toBe(65504)
    expect(fromHalfBits(0x7c00)).toBe(Infinity)
    expect(fromHalfBits(0xfc00)).toBe(-Infinity)
  })

  it('rounds every midpoint between neighbouring halves to the even one, and just off it to the nearer', () => {
    // Positive finite halves 0..0x7bfe and their upper neighbours; the sign is symmetric.
    for (let h = 0; h < 0x7bff; h++) {
      for (const sign of [0, 0x8000]) {
        const a = fromHalfBits(h | sign)
        const b = fromHalfBits((h + 1) | sign)
        const mid = (a + b) / 2 // exact in float64
        const even = h % 2 === 0 ? h : h + 1
        const gap = Math.abs(b - a)
        const got = toHalfBits(mid)
        if (got !== (even | sign))
          throw new Error(`midpoint after ${h.toString(16)}: ${got.toString(16)}`)
        // A hair either side (far below float32 resolution, so a float32 detour would get these wrong).
        const towardB = mid + (b > a ? 1 : -1) * gap * 2 ** -40
        const towardA = mid - (b > a ? 1 : -1) * gap * 2 ** -40
        if (toHalfBits(towardB) !== ((h + 1) | sign)) throw new Error(`above midpoint after ${h}`)
        if (toHalfBits(towardA) !== (h | sign)) throw new Error(`below midpoint after ${h}`)
      }
    }
  })

  it('overflows to infinity at the right boundary and flushes tiny values to signed zero', () => {
    expect(toHalfBits(65504)).toBe(0x7bff)
    expect(toHalfBits(65519.99)).toBe(0x7bff)
    expect(toHalfBits(65520)).toBe(0x7c00) // the midpoint to the next (infinite) step rounds to even: inf
    expect(toHalfBits(1e10)).toBe(0x7c00)
    expect(toHalfBits(-1e10)).toBe(0xfc00)
    expect(toHalfBits(Infinity)).toBe(0x7c00)
    expect(toHalfBits(-Infinity)).toBe(0xfc00)
    expect(isNaNBits(toHalfBits(NaN))).toBe(true)
    expect(toHalfBits(2 ** -25)).toBe(0) // exactly half the smallest subnormal: ties to even (0)
    expect(toHalfBits(2 ** -25 * 1.0000001)).toBe(1)
    expect(toHalfBits(-(2 ** -26))).toBe(0x8000)
    expect(toHalfBits(Number.MIN_VALUE)).toBe(0)
    expect(toHalfBits(-0)).toBe(0x8000)
  })

  it('converts arrays both ways', () => {
    const values = Float32Array.from([0, 1, -2.5, 0.1, 65504, 1e-7])
    const back = fromHalfArray(toHalfArray(values))
    expect(Array.from(back)).toEqual([
      0,
      1,
      -2.5,
      fromHalfBits(toHalfBits(0.1)),
      65504,
      fromHalfBits(toHalfBits(1e-7))
    ])
    expect(back[3]).toBeCloseTo(0.1, 3)
  })
})
