import { describe, expect, it } from 'vitest'
import { jobLimit, keptOf, parseDiscarded, toggleDiscard } from './kept'

describe('discarded samples', () => {
  it('toggles a sample out and back in, per job', () => {
    let s = toggleDiscard({}, 'a', 2)
    s = toggleDiscard(s, 'a', 0)
    s = toggleDiscard(s, 'b', 1)
    expect(s).toEqual({ a: [0, 2], b: [1] })
    expect(keptOf(s, 'a', [0, 1, 2, 3])).toEqual([1, 3])
    s = toggleDiscard(s, 'b', 1)
    expect(s).toEqual({ a: [0, 2] })
  })

  it('forgets the oldest jobs beyond the limit', () => {
    let s = {}
    for (let j = 0; j < jobLimit + 5; j++) s = toggleDiscard(s, `job${j}`, 0)
    expect(Object.keys(s)).toHaveLength(jobLimit)
    expect(s).not.toHaveProperty('job0')
    expect(s).toHaveProperty(`job${jobLimit + 4}`)
  })

  it('reads only well-formed stored state', () => {
    expect(parseDiscarded('{"a":[1,2],"b":"x","c":[-1]}')).toEqual({ a: [1, 2] })
    expect(parseDiscarded('not json')).toEqual({})
    expect(parseDiscarded(null)).toEqual({})
    expect(parseDiscarded('[1]')).toEqual({})
  })
})
