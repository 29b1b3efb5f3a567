// The image modality: its task panels, how its results, previews and thumbnails look, its recipe rows.
import { defaultFormat, type JobSpec } from '../../lib/contract'
import { taskPanel, type ModalityModule, type RecipeRow } from '../types'
import { generateForm, img2imgForm, inpaintForm, upscaleForm } from './forms'
import GeneratePanel from './GeneratePanel.svelte'
import ImagePreview from './ImagePreview.svelte'
import ImageResults from './ImageResults.svelte'
import ImageThumb from './ImageThumb.svelte'
import Img2ImgPanel from './Img2ImgPanel.svelte'
import InpaintPanel from './InpaintPanel.svelte'
import UpscalePanel from './UpscalePanel.svelte'

const inputRow = (label: string, ref: string): RecipeRow => ({
  label,
  value: `${ref.slice(0, 12)}…`,
  mono: true,
  input: ref
})
const mono = (label: string, value: string | number | boolean): RecipeRow => ({
  label,
  value: String(value),
  mono: true
})

function recipe(spec: JobSpec): RecipeRow[] {
  const rows: RecipeRow[] = []
  if (spec.task === 'image.img2img') {
    rows.push(inputRow('Input', spec.image), mono('Strength', spec.strength))
  }
  if (spec.task === 'image.inpaint') {
    rows.push(inputRow('Input', spec.image))
    if (spec.mask) rows.push(inputRow('Mask', spec.mask))
    rows.push({ label: 'Method', value: spec.method }, mono('Feather', `${spec.feather} px`))
    rows.push({
      label: 'Area',
      value: spec.maskedOnly ? `masked only, ${spec.padding} px padding` : 'whole image'
    })
    const o = spec.outpaint
    if (o.left + o.top + o.right + o.bottom > 0) {
      rows.push(mono('Outpaint', `←${o.left} ↑${o.top} →${o.right} ↓${o.bottom}`))
    }
    rows.push(mono('Strength', spec.strength))
  }
  if (spec.task === 'image.upscale') {
    rows.push(inputRow('Input', spec.image), mono('Scale', `×${spec.scale}`))
    rows.push({ label: 'Method', value: spec.method })
    rows.push(mono('Tile', spec.tile > 0 ? `${spec.tile} px, overlap ${spec.tileOverlap}` : 'auto'))
    if (spec.noiseLevel !== undefined) rows.push(mono('Noise level', spec.noiseLevel))
  }
  if ('width' in spec && spec.width && spec.height)
    rows.push({ label: 'Size', value: `${spec.width} × ${spec.height}`, mono: true })
  if (spec.format && spec.format !== defaultFormat(spec.task).ext)
    rows.push({ label: 'Format', value: spec.format })
  return rows
}

export const imageModule: ModalityModule<'image'> = {
  id: 'image',
  label: 'Image',
  icon: 'image',
  panels: {
    'image.generate': taskPanel({
      task: 'image.generate',
      label: 'Generate',
      icon: 'sparkles',
      hint: 'From noise, by class or prompt',
      Panel: GeneratePanel,
      form: generateForm
    }),
    'image.img2img': taskPanel({
      task: 'image.img2img',
      label: 'Image to image',
      icon: 'reuse',
      hint: 'Rework an image you bring',
      Panel: Img2ImgPanel,
      form: img2imgForm
    }),
    'image.inpaint': taskPanel({
      task: 'image.inpaint',
      label: 'Inpaint',
      icon: 'mask',
      hint: 'Regenerate a painted area, or extend the canvas',
      Panel: InpaintPanel,
      form: inpaintForm
    }),
    'image.upscale': taskPanel({
      task: 'image.upscale',
      label: 'Upscale',
      icon: 'upscale',
      hint: 'Super-resolve an image, tile by tile',
      Panel: UpscalePanel,
      form: upscaleForm
    })
  },
  Results: ImageResults,
  Preview: ImagePreview,
  Thumb: ImageThumb,
  recipe
}
