// The image modality: its task panels, how its results, previews and thumbnails look, its recipe rows.
import type { JobSpec } from '../../lib/contract'
import type { ModalityModule, RecipeRow } from '../types'
import GeneratePanel from './GeneratePanel.svelte'
import ImagePreview from './ImagePreview.svelte'
import ImageResults from './ImageResults.svelte'
import ImageThumb from './ImageThumb.svelte'
import Img2ImgPanel from './Img2ImgPanel.svelte'

function recipe(spec: JobSpec): RecipeRow[] {
  const rows: RecipeRow[] = []
  if (spec.task === 'image.img2img') {
    rows.push({
      label: 'Input',
      value: `${spec.image.slice(0, 12)}…`,
      mono: true,
      input: spec.image
    })
    rows.push({ label: 'Strength', value: String(spec.strength), mono: true })
  }
  if (spec.width && spec.height)
    rows.push({ label: 'Size', value: `${spec.width} × ${spec.height}`, mono: true })
  if (spec.format && spec.format !== 'png') rows.push({ label: 'Format', value: spec.format })
  return rows
}

export const imageModule: ModalityModule = {
  id: 'image',
  label: 'Image',
  icon: 'image',
  tasks: [
    {
      task: 'image.generate',
      label: 'Generate',
      icon: 'sparkles',
      hint: 'From noise, by class or prompt',
      Panel: GeneratePanel
    },
    {
      task: 'image.img2img',
      label: 'Image to image',
      icon: 'reuse',
      hint: 'Rework an image you bring',
      Panel: Img2ImgPanel
    }
  ],
  Results: ImageResults,
  Preview: ImagePreview,
  Thumb: ImageThumb,
  recipe
}
