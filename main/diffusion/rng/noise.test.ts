import { describe, expect, it } from 'vitest'
import { philox4x32 } from './philox'
import { createNoise, normalsAt, seedKey } from './noise'
import { createStream } from './stream'

describe('seedKey', () => {
  it('splits a 64-bit seed low word first and wraps negatives', () => {
    expect(seedKey(0)).toEqual([0, 0])
    expect(seedKey(0x1_0000_0002)).toEqual([2, 1])
    expect(seedKey(0xfedcba9876543210n)).toEqual([0x76543210, 0xfedcba98])
    expect(seedKey(-1)).toEqual([0xffffffff, 0xffffffff])
    expect(() => seedKey(1.5)).toThrow(RangeError)
  })
})

describe('createNoise', () => {
  it('is Box–Muller of the documented Philox words (key = seed, counter = (j, k, b, 0))', () => {
    const seed = 0x0123456789abcdefn
    const x = createNoise(seed).randn([2, 6]).data
    const [k0, k1] = seedKey(seed)
    const bm = (a: number, b: number) => {
      const r = Math.sqrt(-2 * Math.log((a + 1) / 2 ** 32))
      const t = (2 * Math.PI * b) / 2 ** 32
      return [r * Math.cos(t), r * Math.sin(t)]
    }
    for (let b = 0; b < 2; b++) {
      const want: number[] = []
      for (let j = 0; j < 2; j++) {
        const w = philox4x32([j, 0, b, 0], [k0, k1])
        want.push(...bm(w[0], w[1]), ...bm(w[2], w[3]))
      }
      expect(Array.from(x.subarray(b * 6, b * 6 + 6))).toEqual(want.slice(0, 6))
    }
  })

  it('gives sample b the same noise for batch size 1 or 8, draw after draw', () => {
    const one = createNoise(42)
    const eight = createNoise(42)
    for (let draw = 0; draw < 3; draw++) {
      const a = one.randn([1, 3, 5, 5]).data
      const b = eight.randn([8, 3, 5, 5]).data
      expect(Array.from(b.subarray(0, 75))).toEqual(Array.from(a))
      expect(Array.from(b.subarray(5 * 75, 6 * 75))).toEqual(Array.from(normalsAt(42, 5, draw, 75)))
    }
    expect(eight.drawsOf(7)).toBe(3)
    expect(one.drawsOf(7)).toBe(0)
  })

  it('gives different noise to different seeds, streams and draws', () => {
    const a = normalsAt(1, 0, 0, 16)
    expect(normalsAt(2, 0, 0, 16)).not.toEqual(a)
    expect(normalsAt(1, 1, 0, 16)).not.toEqual(a)
    expect(normalsAt(1, 0, 1, 16)).not.toEqual(a)
    expect(normalsAt(1, 0, 0, 16)).toEqual(a)
  })

  it('has mean 0, variance 1 and kurtosis 3 within 5 standard errors', () => {
    const n = 200_000
    const x = createNoise(7).randn([1, n]).data
    let m1 = 0
    let m2 = 0
    let m4 = 0
    for (const v of x) {
      m1 += v
      m2 += v * v
      m4 += v ** 4
    }
    m1 /= n
    m2 /= n
    m4 /= n
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(n))
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n))
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n))
  })
})

describe('createStream', () => {
  it('emits the words of counter (n, 0, stream, 1) in block order', () => {
    const s = createStream(9, 3)
    const w0 = philox4x32([0, 0, 3, 1], [9, 0])
    const w1 = philox4x32([1, 0, 3, 1], [9, 0])
    const got = Array.from({ length: 8 }, () => s.nextUint32())
    expect(got).toEqual([...w0, ...w1])
  })

  it('forms uniforms in [0, 1) from 53 bits and pairs normals', () => {
    const s = createStream(5)
    const t = createStream(5)
    const a = t.nextUint32()
    const b = t.nextUint32()
    expect(s.nextUniform()).toBe(((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53)
    const u = createStream(11)
    const v = createStream(11)
    const [p, q] = [v.nextUint32(), v.nextUint32()]
    const r = Math.sqrt(-2 * Math.log((p + 1) / 2 ** 32))
    expect(u.nextNormal()).toBe(r * Math.cos((2 * Math.PI * q) / 2 ** 32))
    expect(u.nextNormal()).toBe(r * Math.sin((2 * Math.PI * q) / 2 ** 32))
  })
})
