import { describe, expect, it } from 'vitest'
import {
  Stroke,
  composite,
  coverageAt,
  maxBrushSize,
  nextBrushSize,
  segmentDistance,
  stampSegment,
  strokeScratch,
  wholePatch,
  type BrushSettings
} from './brush'
import { createMask, fillMask, isEmptyMask, maskBounds, type MaskBuffer } from './mask-buffer'

const hard: BrushSettings = { size: 4, hardness: 1, opacity: 1, mode: 'paint' }

function paint(mask: MaskBuffer, brush: BrushSettings, points: [number, number][]) {
  const stroke = new Stroke(mask, brush, strokeScratch(mask))
  for (const [x, y] of points) stroke.add({ x, y })
  return stroke.end()
}

describe('brush coverage', () => {
  it('is binary for a hard brush and falls off linearly for a soft one', () => {
    expect(coverageAt(0, 4, 1)).toBe(1)
    expect(coverageAt(4, 4, 1)).toBe(1)
    expect(coverageAt(4.01, 4, 1)).toBe(0)
    expect(coverageAt(2, 4, 0.5)).toBe(1)
    expect(coverageAt(3, 4, 0.5)).toBeCloseTo(0.5)
    expect(coverageAt(2, 4, 0)).toBeCloseTo(0.5)
  })

  it('measures the distance to a segment, and to a point when the segment is one', () => {
    expect(segmentDistance({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3)
    expect(segmentDistance({ x: -4, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5)
    expect(segmentDistance({ x: 3, y: 4 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBe(5)
  })

  it('stamps a capsule and reports a rectangle inside the mask', () => {
    const cov = new Uint8Array(20 * 10)
    const rect = stampSegment(cov, 20, 10, { x: 2, y: 5 }, { x: 30, y: 5 }, 2, 1)
    expect(rect.x).toBe(0)
    expect(rect.x + rect.w).toBe(20)
    expect(cov[5 * 20 + 10]).toBe(255)
    expect(cov[0]).toBe(0)
  })

  it('composites paint and erase with opacity', () => {
    const brush = { ...hard, opacity: 0.5 }
    expect(composite(0, 255, brush)).toBe(128)
    expect(composite(200, 255, { ...brush, mode: 'erase' })).toBe(100)
    expect(composite(90, 0, brush)).toBe(90)
  })
})

describe('Stroke', () => {
  it('paints along the pointer path and returns the patch of its rectangle', () => {
    const m = createMask(32, 32)
    const patch = paint(m, hard, [
      [4, 16],
      [12, 16],
      [20, 16]
    ])
    expect(patch?.kind).toBe('rect')
    const b = maskBounds(m)!
    expect(b.y).toBeGreaterThanOrEqual(13)
    expect(b.y + b.h).toBeLessThanOrEqual(19)
    expect(m.data[16 * 32 + 12]).toBe(255)
    if (patch?.kind !== 'rect') throw new Error('no patch')
    expect(patch.before.every((v) => v === 0)).toBe(true)
    expect(patch.after.length).toBe(patch.rect.w * patch.rect.h)
    // A hard brush at full opacity gives a binary mask.
    expect([...m.data].every((v) => v === 0 || v === 255)).toBe(true)
  })

  it('does not build up over itself within one stroke (opacity caps it)', () => {
    const m = createMask(16, 16)
    paint(m, { ...hard, opacity: 0.5 }, [
      [8, 8],
      [9, 8],
      [8, 8],
      [9, 8]
    ])
    expect(m.data[8 * 16 + 8]).toBe(128)
    // A second stroke does add.
    paint(m, { ...hard, opacity: 0.5 }, [[8, 8]])
    expect(m.data[8 * 16 + 8]).toBe(192)
  })

  it('erases, and a soft brush leaves grey edges', () => {
    const m = createMask(16, 16)
    fillMask(m, 255)
    paint(m, { size: 8, hardness: 0, opacity: 1, mode: 'erase' }, [[8, 8]])
    expect(m.data[8 * 16 + 8]).toBeLessThan(60)
    const edge = m.data[8 * 16 + 11]
    expect(edge).toBeGreaterThan(0)
    expect(edge).toBeLessThan(255)
    expect(m.data[0]).toBe(255)
  })

  it('returns no patch when nothing changed (erasing an empty mask, a stroke outside)', () => {
    const m = createMask(8, 8)
    expect(paint(m, { ...hard, mode: 'erase' }, [[4, 4]])).toBeNull()
    expect(paint(m, hard, [[-20, -20]])).toBeNull()
    expect(isEmptyMask(m)).toBe(true)
  })

  it('leaves the scratch coverage clean for the next stroke', () => {
    const m = createMask(8, 8)
    const scratch = strokeScratch(m)
    const s = new Stroke(m, hard, scratch)
    s.add({ x: 4, y: 4 })
    s.end()
    expect(scratch.coverage.every((v) => v === 0)).toBe(true)
  })
})

describe('wholePatch', () => {
  it('records a whole-mask change, or nothing when nothing changed', () => {
    const m = createMask(3, 3)
    expect(wholePatch(m, () => fillMask(m, 0))).toBeNull()
    const p = wholePatch(m, () => fillMask(m, 255))
    expect(p?.kind === 'rect' && p.rect).toEqual({ x: 0, y: 0, w: 3, h: 3 })
  })
})

describe('nextBrushSize', () => {
  it('steps by 1 when small and by about 15% when large, within 1 … max', () => {
    expect(nextBrushSize(4, 1)).toBe(5)
    expect(nextBrushSize(4, -1)).toBe(3)
    expect(nextBrushSize(1, -1)).toBe(1)
    expect(nextBrushSize(100, 1)).toBe(115)
    expect(nextBrushSize(100, -1)).toBe(85)
    expect(nextBrushSize(maxBrushSize, 1)).toBe(maxBrushSize)
    // Up then down comes back near where it started.
    expect(Math.abs(nextBrushSize(nextBrushSize(40, 1), -1) - 40)).toBeLessThanOrEqual(1)
  })
})
