import { fullRect, invertMask, writeRect, type MaskBuffer, type Rect } from './mask-buffer'

/**
 * Undo and redo for the mask editor. An entry keeps only the rectangle an edit touched (its bytes
 * before and after), not a copy of the canvas; an invert keeps nothing (it undoes itself). The stack
 * holds at most `entries` edits and `bytes` of patch data, dropping the oldest first.
 */

export type Patch =
  | {
      readonly kind: 'rect'
      readonly rect: Rect
      readonly before: Uint8Array
      readonly after: Uint8Array
    }
  | { readonly kind: 'invert' }

export const patchBytes = (p: Patch): number =>
  p.kind === 'rect' ? p.before.byteLength + p.after.byteLength : 0

export interface HistoryLimits {
  readonly entries: number
  readonly bytes: number
}

export const defaultHistoryLimits: HistoryLimits = { entries: 200, bytes: 256 << 20 }

export class MaskHistory {
  readonly limits: HistoryLimits
  #done: Patch[] = []
  #undone: Patch[] = []
  #bytes = 0

  constructor(limits: HistoryLimits = defaultHistoryLimits) {
    this.limits = limits
  }

  get canUndo(): boolean {
    return this.#done.length > 0
  }
  get canRedo(): boolean {
    return this.#undone.length > 0
  }
  /** Edits that can be undone now. */
  get depth(): number {
    return this.#done.length
  }
  /** Bytes held by every patch (undo and redo sides). */
  get bytes(): number {
    return this.#bytes
  }

  /** Records an edit already applied to the mask; the redo side is dropped. */
  push = (patch: Patch): void => {
    for (const p of this.#undone) this.#bytes -= patchBytes(p)
    this.#undone = []
    this.#done.push(patch)
    this.#bytes += patchBytes(patch)
    while (
      this.#done.length > 1 &&
      (this.#done.length > this.limits.entries || this.#bytes > this.limits.bytes)
    ) {
      this.#bytes -= patchBytes(this.#done.shift()!)
    }
  }

  /** Reverts the newest edit; returns the rectangle that changed, or null when there is none. */
  undo = (mask: MaskBuffer): Rect | null => {
    const patch = this.#done.pop()
    if (!patch) return null
    this.#undone.push(patch)
    return apply(mask, patch, 'before')
  }

  /** Applies the newest undone edit again; returns the rectangle that changed, or null. */
  redo = (mask: MaskBuffer): Rect | null => {
    const patch = this.#undone.pop()
    if (!patch) return null
    this.#done.push(patch)
    return apply(mask, patch, 'after')
  }

  clear = (): void => {
    this.#done = []
    this.#undone = []
    this.#bytes = 0
  }
}

function apply(mask: MaskBuffer, patch: Patch, side: 'before' | 'after'): Rect {
  if (patch.kind === 'invert') {
    invertMask(mask)
    return fullRect(mask)
  }
  writeRect(mask, patch.rect, patch[side])
  return patch.rect
}
