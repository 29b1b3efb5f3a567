import { describe, expect, it } from 'vitest'
import { advance, formatSigma, holdMs, newPlayer, onKey, seek, step, toggle } from './player'

describe('trajectory player', () => {
  it('starts paused on the final frame, and plays from the first', () => {
    const s = newPlayer(5)
    expect(s).toMatchObject({ frame: 4, playing: false })
    const p = toggle(s)
    expect(p).toMatchObject({ frame: 0, playing: true })
    expect(toggle(newPlayer(1)).playing).toBe(false)
  })

  it('advances by fps, carrying the remainder', () => {
    let s = toggle(newPlayer(10, { fps: 10, frame: 0 }))
    s = advance(s, 250)
    expect(s.frame).toBe(2)
    expect(s.carry).toBeCloseTo(50)
    s = advance(s, 60)
    expect(s.frame).toBe(3)
  })

  it('stops at the end without loop; holds then wraps with loop', () => {
    const once = advance(toggle(newPlayer(3, { loop: false, fps: 10, frame: 0 })), 1000)
    expect(once).toMatchObject({ frame: 2, playing: false })
    let s = toggle(newPlayer(3, { loop: true, fps: 10, frame: 0 }))
    s = advance(s, 200)
    expect(s.frame).toBe(2)
    s = advance(s, holdMs - 1)
    expect(s).toMatchObject({ frame: 2, playing: true })
    s = advance(s, 1)
    expect(s.frame).toBe(0)
  })

  it('steps, seeks and answers keys, pausing', () => {
    const s = toggle(newPlayer(4, { frame: 1 }))
    expect(step(s, -5)).toMatchObject({ frame: 0, playing: false })
    expect(step(s, 1).frame).toBe(2)
    expect(seek(s, 99).frame).toBe(3)
    expect(onKey(s, 'ArrowRight')?.frame).toBe(2)
    expect(onKey(s, 'Home')?.frame).toBe(0)
    expect(onKey(s, 'End')?.frame).toBe(3)
    expect(onKey(s, ' ')?.playing).toBe(false)
    expect(onKey(s, 'x')).toBeNull()
  })

  it('formats σ', () => {
    expect(formatSigma(0)).toBe('0')
    expect(formatSigma(80)).toBe('80')
    expect(formatSigma(0.123456)).toBe('0.123')
    expect(formatSigma(14.617)).toBe('14.6')
    expect(formatSigma(12345)).toBe('1.23e+4')
    expect(formatSigma(Infinity)).toBe('∞')
    expect(formatSigma(null)).toBe('–')
  })
})
