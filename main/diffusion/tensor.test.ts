import { describe, expect, it } from 'vitest'
import {
  clone,
  lin2,
  lin3,
  lin4,
  linComb,
  maxAbsDiff,
  numel,
  sampleView,
  scalePerSample,
  sumAbs,
  tensor,
  zerosLike
} from './tensor'

const f = (...v: number[]) => Float64Array.from(v)

describe('tensor helpers', () => {
  it('builds, clones and checks sizes', () => {
    expect(numel([2, 3, 4])).toBe(24)
    expect(() => tensor([2, 2], f(1, 2, 3))).toThrow(RangeError)
    const t = tensor([2, 2], f(1, 2, 3, 4))
    const c = clone(t)
    c.data[0] = 9
    expect(t.data[0]).toBe(1)
    expect(zerosLike(t).data).toEqual(f(0, 0, 0, 0))
    expect(sampleView(t, 1)).toEqual(f(3, 4))
  })

  it('forms linear combinations exactly, in place too', () => {
    const x = f(1, 2)
    const y = f(10, 20)
    const z = f(100, 200)
    const w = f(1000, 2000)
    expect(lin2(new Float64Array(2), 2, x, 3, y)).toEqual(f(32, 64))
    expect(lin3(new Float64Array(2), 1, x, 1, y, 1, z)).toEqual(f(111, 222))
    expect(lin4(new Float64Array(2), 1, x, 1, y, 1, z, -1, w)).toEqual(f(-889, -1778))
    expect(linComb(new Float64Array(2), [1, 2, 3, 4], [x, y, z, w])).toEqual(f(4321, 8642))
    const a = f(1, 2)
    linComb(a, [2, 1], [a, y])
    expect(a).toEqual(f(12, 24))
  })

  it('scales per sample and measures differences', () => {
    const t = tensor([2, 2], f(1, 2, 3, 4))
    expect(scalePerSample(zerosLike(t), [2, -1], t).data).toEqual(f(2, 4, -3, -4))
    expect(maxAbsDiff(f(1, 5), f(2, 2))).toBe(3)
    expect(sumAbs(f(-1, 2, -3))).toBe(6)
  })
})
