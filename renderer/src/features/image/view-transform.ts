/**
 * Zoom and pan of a picture in a viewport, as one affine map: screen = content × scale + (x, y). Pure,
 * shared by the mask editor and the compare view (whose two panes use one view, so they stay in step).
 */

export interface View {
  readonly scale: number
  readonly x: number
  readonly y: number
}

export interface Size {
  readonly width: number
  readonly height: number
}

export interface Pt {
  readonly x: number
  readonly y: number
}

export const zoomLimits = { min: 0.02, max: 64 } as const

export const identityView: View = { scale: 1, x: 0, y: 0 }

const clampScale = (s: number) => Math.min(zoomLimits.max, Math.max(zoomLimits.min, s))

/**
 * The view that shows `content` whole and centred in `viewport` with `margin` screen pixels around
 * it; `origin` is the content point placed at the content box's top-left (negative for an
 * outpainting frame that starts left of the image).
 */
export function fitView(
  content: Size,
  viewport: Size,
  margin = 12,
  origin: Pt = { x: 0, y: 0 }
): View {
  if (content.width <= 0 || content.height <= 0 || viewport.width <= 0 || viewport.height <= 0) {
    return identityView
  }
  const scale = clampScale(
    Math.min(
      Math.max(1, viewport.width - 2 * margin) / content.width,
      Math.max(1, viewport.height - 2 * margin) / content.height
    )
  )
  return {
    scale,
    x: (viewport.width - content.width * scale) / 2 - origin.x * scale,
    y: (viewport.height - content.height * scale) / 2 - origin.y * scale
  }
}

/** The view centred the same way at a given scale (1 = one image pixel per screen pixel). */
export function centredAt(view: View, scale: number, viewport: Size): View {
  return zoomAt(view, scale / view.scale, { x: viewport.width / 2, y: viewport.height / 2 })
}

/** Zooms by `factor` keeping the content under the screen point `at` where it is. */
export function zoomAt(view: View, factor: number, at: Pt): View {
  const scale = clampScale(view.scale * factor)
  const k = scale / view.scale
  return { scale, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k }
}

export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, x: view.x + dx, y: view.y + dy }
}

/** The content point under a screen point. */
export function toContent(view: View, p: Pt): Pt {
  return { x: (p.x - view.x) / view.scale, y: (p.y - view.y) / view.scale }
}

export function toScreen(view: View, p: Pt): Pt {
  return { x: p.x * view.scale + view.x, y: p.y * view.scale + view.y }
}

/** The zoom factor of one mouse-wheel event (deltaY in pixels; lines and pages scaled up). */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY
  return Math.exp(-Math.max(-400, Math.min(400, px)) * 0.0015)
}

/** The view as a CSS transform (origin at the top-left). */
export function cssTransform(view: View): string {
  return `translate(${round(view.x)}px, ${round(view.y)}px) scale(${round(view.scale, 5)})`
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits))

/** A percentage for display: "250%". */
export function zoomLabel(view: View): string {
  const pct = view.scale * 100
  return `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)}%`
}
