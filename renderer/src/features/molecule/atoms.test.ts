import { describe, expect, it } from 'vitest'
import { commonest, histogramBars } from './atoms'

describe('histogramBars', () => {
  it('fills the gaps between the smallest and largest counts, scaled to the tallest', () => {
    const bars = histogramBars({ '3': 5, '5': 10, '40': 1, x: 3 }, 29)
    expect(bars.map((b) => b.atoms)).toEqual([3, 4, 5])
    expect(bars.map((b) => b.share)).toEqual([0.5, 0, 1])
    expect(histogramBars(undefined, 29)).toEqual([])
    expect(histogramBars({ '99': 1 }, 29)).toEqual([])
    expect(commonest(bars)).toBe(5)
    expect(commonest([])).toBeUndefined()
  })
})
