import { maxBrushSize, strokeScratch, type StrokeScratch } from './brush'
import { MaskHistory, type Patch } from './history'
import {
  createMask,
  fullRect,
  isEmptyMask,
  maskedCount,
  unionRect,
  type MaskBuffer,
  type Rect
} from './mask-buffer'

/**
 * The mask being painted over one input image, with its undo history. Kept here (not in the panel) so
 * it survives re-runs, switching tasks and opening the editor larger; keyed by the image's input ref.
 * The form only keeps the ref of the mask as last uploaded (`values.mask`), which survives reloads.
 */
export class MaskSession {
  readonly imageRef: string
  readonly mask: MaskBuffer
  readonly history = new MaskHistory()
  readonly scratch: StrokeScratch
  /** Bumped on every finished change (stroke end, undo, fill, load): the reactive signal. */
  version = $state(0)
  /** The stored mask input equal to the mask at `syncedVersion` (uploaded for a run, or loaded). */
  syncedRef = ''
  syncedVersion = -1
  /** The form's `restored` count this session last followed (a reused recipe reloads its mask). */
  seenRestore = 0
  #dirty: Rect | null = null

  empty = $derived.by(() => {
    void this.version
    return isEmptyMask(this.mask)
  })
  /** Share of the image marked for regeneration, 0 … 1. */
  coverage = $derived.by(() => {
    void this.version
    return maskedCount(this.mask) / this.mask.data.length
  })
  canUndo = $derived.by(() => {
    void this.version
    return this.history.canUndo
  })
  canRedo = $derived.by(() => {
    void this.version
    return this.history.canRedo
  })

  constructor(imageRef: string, width: number, height: number) {
    this.imageRef = imageRef
    this.mask = createMask(width, height)
    this.scratch = strokeScratch(this.mask)
  }

  get width(): number {
    return this.mask.width
  }
  get height(): number {
    return this.mask.height
  }

  /** Notes a change in progress (a stroke moving) for the overlay, without a reactive update. */
  touch = (rect: Rect): void => {
    this.#dirty = this.#dirty ? unionRect(this.#dirty, rect) : rect
  }

  /** Records a finished edit (already applied to the mask). */
  commit = (patch: Patch | null, rect: Rect = fullRect(this.mask)): void => {
    if (!patch) return
    this.history.push(patch)
    this.touch(patch.kind === 'rect' ? patch.rect : rect)
    this.version++
  }

  undo = (): boolean => this.#step(this.history.undo(this.mask))
  redo = (): boolean => this.#step(this.history.redo(this.mask))

  /** The area changed since the last call (for the overlay to repaint), or null. */
  takeDirty = (): Rect | null => {
    const rect = this.#dirty
    this.#dirty = null
    return rect
  }

  #step(rect: Rect | null): boolean {
    if (!rect) return false
    this.touch(rect)
    this.version++
    return true
  }
}

const sessions: MaskSession[] = []
/** Sessions kept for images painted recently (switching back to one finds its mask). */
const keep = 4

/** The session of an image (created empty at its size, or replaced if the size changed). */
export function maskSession(imageRef: string, width: number, height: number): MaskSession {
  const at = sessions.findIndex((s) => s.imageRef === imageRef)
  const found = at >= 0 ? sessions[at] : undefined
  if (at >= 0) sessions.splice(at, 1)
  const session =
    found && found.width === width && found.height === height
      ? found
      : new MaskSession(imageRef, width, height)
  sessions.unshift(session)
  sessions.length = Math.min(sessions.length, keep)
  return session
}

/** The session of an image if one exists. */
export function findMaskSession(imageRef: string): MaskSession | undefined {
  return sessions.find((s) => s.imageRef === imageRef)
}

export type MaskTool = 'paint' | 'erase'

const BRUSH_KEY = 'diffusion-studio.mask-brush'

/** Brush settings, shared by every mask and remembered across reloads. */
export const brush = $state(loadBrush())

function loadBrush(): { tool: MaskTool; size: number; hardness: number; opacity: number } {
  const base = { tool: 'paint' as MaskTool, size: 16, hardness: 1, opacity: 1 }
  try {
    const saved = JSON.parse(localStorage.getItem(BRUSH_KEY) ?? 'null') as Record<string, unknown>
    if (!saved || typeof saved !== 'object') return base
    const num = (v: unknown, min: number, max: number, d: number) =>
      typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : d
    return {
      tool: saved.tool === 'erase' ? 'erase' : 'paint',
      size: num(saved.size, 1, maxBrushSize, base.size),
      hardness: num(saved.hardness, 0, 1, base.hardness),
      opacity: num(saved.opacity, 0.05, 1, base.opacity)
    }
  } catch {
    return base
  }
}

export function saveBrush(): void {
  try {
    localStorage.setItem(BRUSH_KEY, JSON.stringify($state.snapshot(brush)))
  } catch {
    // Not remembered; fine.
  }
}
