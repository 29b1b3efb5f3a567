// Rules of the image editing tasks that both the UI and the engine apply: what "auto" picks, which
// scales a model can upscale by, and what a tile side must be a multiple of. Pure.
import type { ModelManifest } from './models'

/** What inpainting method "auto" means for a model: its own, else mask blending (latent) or RePaint. */
export function autoInpaintMethod(manifest: ModelManifest): 'dedicated' | 'repaint' | 'blend' {
  if (manifest.imageInputs.inpaint) return 'dedicated'
  return manifest.sample.kind === 'image' && manifest.sample.vaeScale > 1 ? 'blend' : 'repaint'
}

/**
 * The scales a model can upscale by: a super-resolution model any scale from 2 up to its own (smaller
 * ones are its output resized down); DDRM with a pixel model, the scales its tile side divides by.
 */
export function upscaleScales(manifest: ModelManifest): number[] {
  const own = manifest.imageInputs.upscale
  if (own) return Array.from({ length: own.scale - 1 }, (_, k) => k + 2)
  if (manifest.sample.kind !== 'image' || manifest.sample.vaeScale > 1) return []
  const side = Math.min(manifest.sample.width, manifest.sample.height)
  return [2, 3, 4, 5, 6, 7, 8].filter((s) => side % s === 0)
}

/**
 * Output tile sides must be a multiple of this many pixels for a model at `scale` (a super-resolution
 * model always runs at its own scale).
 */
export function upscaleTileMultiple(manifest: ModelManifest, scale: number): number {
  const s = manifest.sample
  const runs = manifest.imageInputs.upscale?.scale ?? scale
  return s.kind === 'image' ? Math.max(1, s.sizeMultiple) * s.vaeScale * runs : runs
}
