import { describe, expect, it } from 'vitest'
import {
  centredAt,
  cssTransform,
  fitView,
  panBy,
  toContent,
  toScreen,
  wheelFactor,
  zoomAt,
  zoomLabel,
  zoomLimits
} from './view-transform'

describe('view transform', () => {
  it('fits content whole and centred', () => {
    const v = fitView({ width: 100, height: 50 }, { width: 420, height: 420 }, 10)
    expect(v.scale).toBe(4)
    expect(toScreen(v, { x: 0, y: 0 })).toEqual({ x: 10, y: 110 })
    expect(toScreen(v, { x: 100, y: 50 })).toEqual({ x: 410, y: 310 })
  })

  it('fits a frame that starts left of and above the image', () => {
    const v = fitView({ width: 120, height: 60 }, { width: 240, height: 120 }, 0, {
      x: -20,
      y: -10
    })
    expect(v.scale).toBe(2)
    expect(toScreen(v, { x: -20, y: -10 })).toEqual({ x: 0, y: 0 })
  })

  it('zooms about a point that stays put', () => {
    const v = { scale: 2, x: 30, y: -5 }
    const at = { x: 123, y: 77 }
    const before = toContent(v, at)
    const z = zoomAt(v, 3, at)
    expect(z.scale).toBe(6)
    const after = toContent(z, at)
    expect(after.x).toBeCloseTo(before.x)
    expect(after.y).toBeCloseTo(before.y)
  })

  it('clamps the zoom', () => {
    expect(zoomAt({ scale: 1, x: 0, y: 0 }, 1e6, { x: 0, y: 0 }).scale).toBe(zoomLimits.max)
    expect(zoomAt({ scale: 1, x: 0, y: 0 }, 1e-6, { x: 0, y: 0 }).scale).toBe(zoomLimits.min)
  })

  it('centres at a given scale and pans', () => {
    const v = centredAt({ scale: 2, x: 0, y: 0 }, 1, { width: 100, height: 100 })
    expect(v).toEqual({ scale: 1, x: 25, y: 25 })
    expect(panBy(v, 5, -5)).toEqual({ scale: 1, x: 30, y: 20 })
  })

  it('converts both ways', () => {
    const v = { scale: 2.5, x: -12, y: 7 }
    const p = toContent(v, toScreen(v, { x: 3, y: 9 }))
    expect(p.x).toBeCloseTo(3)
    expect(p.y).toBeCloseTo(9)
  })

  it('zooms in on wheel up and out on wheel down, lines and pages scaled', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1)
    expect(wheelFactor(100)).toBeLessThan(1)
    expect(wheelFactor(100) * wheelFactor(-100)).toBeCloseTo(1)
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(48))
  })

  it('prints a CSS transform and a zoom label', () => {
    expect(cssTransform({ scale: 2, x: 1.234, y: -3 })).toBe('translate(1.23px, -3px) scale(2)')
    expect(zoomLabel({ scale: 2.5, x: 0, y: 0 })).toBe('250%')
    expect(zoomLabel({ scale: 0.05, x: 0, y: 0 })).toBe('5.0%')
  })
})
