import type { Attachment } from 'svelte/attachments'
import type { Preview } from './contract'
import { decodePreview } from './preview'

/**
 * Draws a step preview (RGBA8) into a canvas at its own resolution; CSS scales it up with
 * `image-rendering: pixelated`. Used as `<canvas {@attach paintPreview(entry.preview)}>`: a new preview
 * makes a new attachment, which repaints.
 */
export function paintPreview(preview: Preview | null): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    if (preview?.kind !== 'image') return
    let decoded
    try {
      decoded = decodePreview(preview)
    } catch (error) {
      console.warn(String(error))
      return
    }
    if (canvas.width !== decoded.width) canvas.width = decoded.width
    if (canvas.height !== decoded.height) canvas.height = decoded.height
    const ctx = canvas.getContext('2d')
    ctx?.putImageData(new ImageData(decoded.data, decoded.width, decoded.height), 0, 0)
  }
}

/** Runs `onVisible` once, the first time the element scrolls into view (lazy thumbnails). */
export function whenVisible(onVisible: () => void): Attachment<HTMLElement> {
  return (element) => {
    if (typeof IntersectionObserver === 'undefined') {
      onVisible()
      return
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect()
          onVisible()
        }
      },
      { rootMargin: '200px' }
    )
    observer.observe(element)
    return () => observer.disconnect()
  }
}

/** Opens a <dialog> modally when attached; closing it (Esc, backdrop, button) calls `onClose`. */
export function modal(onClose: () => void): Attachment<HTMLDialogElement> {
  return (dialog) => {
    dialog.showModal()
    const close = () => onClose()
    const backdrop = (event: MouseEvent) => {
      if (event.target === dialog) dialog.close()
    }
    dialog.addEventListener('close', close)
    dialog.addEventListener('click', backdrop)
    return () => {
      dialog.removeEventListener('close', close)
      dialog.removeEventListener('click', backdrop)
      if (dialog.open) dialog.close()
    }
  }
}
