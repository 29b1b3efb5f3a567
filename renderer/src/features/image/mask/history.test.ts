import { describe, expect, it } from 'vitest'
import { Stroke, strokeScratch, wholePatch } from './brush'
import { MaskHistory, patchBytes } from './history'
import { createMask, fillMask, invertMask, isEmptyMask } from './mask-buffer'

const brush = { size: 3, hardness: 1, opacity: 1, mode: 'paint' } as const

describe('MaskHistory', () => {
  it('undoes and redoes at least 50 strokes exactly', () => {
    const m = createMask(64, 64)
    const scratch = strokeScratch(m)
    const history = new MaskHistory()
    const states: string[] = [m.data.join()]
    for (let i = 0; i < 60; i++) {
      const s = new Stroke(m, brush, scratch)
      // Each stroke reaches a row no earlier one did, so every stroke changes something.
      s.add({ x: (i * 13) % 64, y: i })
      s.add({ x: 63 - i, y: i })
      history.push(s.end()!)
      states.push(m.data.join())
    }
    expect(history.depth).toBe(60)
    for (let i = 59; i >= 0; i--) {
      history.undo(m)
      expect(m.data.join()).toBe(states[i])
    }
    expect(isEmptyMask(m)).toBe(true)
    expect(history.canUndo).toBe(false)
    expect(history.undo(m)).toBeNull()
    for (let i = 1; i <= 60; i++) {
      history.redo(m)
      expect(m.data.join()).toBe(states[i])
    }
    expect(history.canRedo).toBe(false)
  })

  it('keeps only dirty rectangles, not canvases', () => {
    const m = createMask(1024, 1024)
    const history = new MaskHistory()
    const s = new Stroke(m, brush, strokeScratch(m))
    s.add({ x: 10, y: 10 })
    history.push(s.end()!)
    expect(history.bytes).toBeLessThan(100)
    expect(history.bytes).toBeLessThan(m.data.length / 1000)
  })

  it('stores an invert as an operation without pixels', () => {
    const m = createMask(4, 4)
    m.data[5] = 200
    const history = new MaskHistory()
    invertMask(m)
    history.push({ kind: 'invert' })
    expect(patchBytes({ kind: 'invert' })).toBe(0)
    expect(m.data[5]).toBe(55)
    history.undo(m)
    expect(m.data[5]).toBe(200)
    expect(m.data[0]).toBe(0)
    history.redo(m)
    expect(m.data[0]).toBe(255)
  })

  it('drops the redo side on a new edit', () => {
    const m = createMask(4, 4)
    const history = new MaskHistory()
    history.push(wholePatch(m, () => fillMask(m, 255))!)
    history.undo(m)
    expect(history.canRedo).toBe(true)
    history.push(wholePatch(m, () => fillMask(m, 9))!)
    expect(history.canRedo).toBe(false)
    expect(history.bytes).toBe(32)
  })

  it('drops the oldest edits beyond its entry and byte limits', () => {
    const m = createMask(10, 10)
    const byCount = new MaskHistory({ entries: 3, bytes: 1 << 20 })
    for (let v = 1; v <= 5; v++) byCount.push(wholePatch(m, () => fillMask(m, v))!)
    expect(byCount.depth).toBe(3)
    byCount.undo(m)
    byCount.undo(m)
    byCount.undo(m)
    expect(m.data[0]).toBe(2)

    const byBytes = new MaskHistory({ entries: 100, bytes: 450 })
    for (let v = 1; v <= 5; v++) byBytes.push(wholePatch(m, () => fillMask(m, 10 + v))!)
    expect(byBytes.depth).toBe(2)
    expect(byBytes.bytes).toBeLessThanOrEqual(450)
  })
})
