import {
  clipRect,
  fullRect,
  isEmptyRect,
  readRect,
  unionRect,
  type MaskBuffer,
  type Rect
} from './mask-buffer'
import type { Patch } from './history'

/**
 * Brush strokes on a mask. A stroke is a polyline of capsules (a disc swept from point to point); each
 * pixel's coverage is the most any capsule of the stroke gives it, so a stroke never builds up over
 * itself, and the stroke's opacity caps what it adds. Hardness 1 is a hard, binary edge (pixel centres
 * inside the radius); below 1 the outer part of the radius falls off linearly to 0.
 */

export interface Point {
  readonly x: number
  readonly y: number
}

export interface BrushSettings {
  /** Diameter in image pixels. */
  readonly size: number
  /** 0 … 1: 1 is a hard edge; 0 falls off from the centre. */
  readonly hardness: number
  /** 0 … 1: how far one stroke moves a pixel toward its target. */
  readonly opacity: number
  readonly mode: 'paint' | 'erase'
}

/** Coverage 0 … 1 of a pixel whose centre is `distance` from the stroke's spine. */
export function coverageAt(distance: number, radius: number, hardness: number): number {
  if (distance > radius) return 0
  const inner = radius * Math.min(1, Math.max(0, hardness))
  if (distance <= inner) return 1
  return (radius - distance) / (radius - inner)
}

/** Distance from p to the segment a–b. */
export function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2))
  const cx = a.x + t * dx - p.x
  const cy = a.y + t * dy - p.y
  return Math.sqrt(cx * cx + cy * cy)
}

/**
 * Raises `coverage` (0 … 255 per pixel, the mask's size) to the capsule a–b of `radius`; returns the
 * rectangle it may have touched (clipped to the mask).
 */
export function stampSegment(
  coverage: Uint8Array,
  width: number,
  height: number,
  a: Point,
  b: Point,
  radius: number,
  hardness: number
): Rect {
  const r = Math.max(0.5, radius)
  const rect = clipRect(
    {
      x: Math.min(a.x, b.x) - r - 1,
      y: Math.min(a.y, b.y) - r - 1,
      w: Math.abs(a.x - b.x) + 2 * r + 2,
      h: Math.abs(a.y - b.y) + 2 * r + 2
    },
    width,
    height
  )
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      const c = coverageAt(segmentDistance({ x: x + 0.5, y: y + 0.5 }, a, b), r, hardness)
      if (c <= 0) continue
      const v = Math.round(c * 255)
      const i = y * width + x
      if (v > coverage[i]) coverage[i] = v
    }
  }
  return rect
}

/** The mask value a pixel gets: `base` moved toward 255 (paint) or 0 (erase) by coverage × opacity. */
export function composite(base: number, coverage: number, brush: BrushSettings): number {
  const t = (coverage / 255) * Math.min(1, Math.max(0, brush.opacity))
  return brush.mode === 'paint' ? Math.round(base + (255 - base) * t) : Math.round(base * (1 - t))
}

/** Working memory for strokes on one mask, reused from stroke to stroke. */
export interface StrokeScratch {
  /** The mask as it was when the stroke began. */
  readonly base: Uint8Array
  /** The stroke's coverage so far, 0 … 255 (zero outside the stroke's rectangle between strokes). */
  readonly coverage: Uint8Array
}

export function strokeScratch(mask: MaskBuffer): StrokeScratch {
  const n = mask.width * mask.height
  return { base: new Uint8Array(n), coverage: new Uint8Array(n) }
}

/**
 * One stroke in progress: `add` each pointer position (image pixels), then `end` for the undo patch
 * (the stroke's rectangle, before and after). The mask is updated as the stroke goes.
 */
export class Stroke {
  readonly mask: MaskBuffer
  readonly brush: BrushSettings
  readonly scratch: StrokeScratch
  #last: Point | null = null
  #dirty: Rect = { x: 0, y: 0, w: 0, h: 0 }

  constructor(mask: MaskBuffer, brush: BrushSettings, scratch: StrokeScratch) {
    this.mask = mask
    this.brush = brush
    this.scratch = scratch
    scratch.base.set(mask.data)
  }

  /** Extends the stroke to `point`; returns the rectangle of the mask that changed. */
  add = (point: Point): Rect => {
    const { width, height, data } = this.mask
    const from = this.#last ?? point
    this.#last = point
    const rect = stampSegment(
      this.scratch.coverage,
      width,
      height,
      from,
      point,
      this.brush.size / 2,
      this.brush.hardness
    )
    const { base, coverage } = this.scratch
    for (let y = rect.y; y < rect.y + rect.h; y++) {
      for (let x = rect.x; x < rect.x + rect.w; x++) {
        const i = y * width + x
        if (coverage[i] !== 0) data[i] = composite(base[i], coverage[i], this.brush)
      }
    }
    this.#dirty = unionRect(this.#dirty, rect)
    return rect
  }

  /** Ends the stroke: its undo patch, or null when it changed nothing. */
  end = (): Patch | null => {
    const rect = this.#dirty
    if (isEmptyRect(rect)) return null
    const { width } = this.mask
    const before = new Uint8Array(rect.w * rect.h)
    let changed = false
    for (let row = 0; row < rect.h; row++) {
      const from = (rect.y + row) * width + rect.x
      before.set(this.scratch.base.subarray(from, from + rect.w), row * rect.w)
      this.scratch.coverage.fill(0, from, from + rect.w)
    }
    const after = readRect(this.mask, rect)
    for (let i = 0; i < after.length && !changed; i++) changed = after[i] !== before[i]
    return changed ? { kind: 'rect', rect, before, after } : null
  }
}

/** A patch that replaces the whole mask (fill, clear, load): before and after in full. */
export function wholePatch(mask: MaskBuffer, apply: () => void): Patch | null {
  const rect = fullRect(mask)
  const before = readRect(mask, rect)
  apply()
  const after = readRect(mask, rect)
  for (let i = 0; i < after.length; i++) {
    if (after[i] !== before[i]) return { kind: 'rect', rect, before, after }
  }
  return null
}

export const maxBrushSize = 512

/** `]` and `[`: the next brush size up or down (steps of 1 when small, about 15% when large). */
export function nextBrushSize(size: number, direction: 1 | -1): number {
  const step = size < 10 ? 1 : Math.max(1, Math.round(size * 0.15))
  return Math.min(maxBrushSize, Math.max(1, Math.round(size) + direction * step))
}
