import { describe, expect, it } from 'vitest'
import { formatDuration } from './format'

describe('formatDuration', () => {
  it('rounds once, so a minute never shows 60 seconds', () => {
    expect(formatDuration(999)).toBe('999 ms')
    expect(formatDuration(999.6)).toBe('1.0 s')
    expect(formatDuration(9_940)).toBe('9.9 s')
    expect(formatDuration(9_960)).toBe('10 s')
    expect(formatDuration(59_600)).toBe('1m 00s')
    expect(formatDuration(65_000)).toBe('1m 05s')
    expect(formatDuration(119_600)).toBe('2m 00s')
    expect(formatDuration(3_725_000)).toBe('62m 05s')
    expect(formatDuration(null)).toBe('–')
  })
})
