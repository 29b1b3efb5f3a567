// The video modality: its task panel, the frame-player results, the live preview, recipe rows.
import type { JobSpec } from '../../lib/contract'
import { taskPanel, type ModalityModule, type RecipeRow } from '../types'
import { generateForm } from './forms'
import GeneratePanel from './GeneratePanel.svelte'
import VideoPreview from './VideoPreview.svelte'
import VideoResults from './VideoResults.svelte'

function recipe(spec: JobSpec): RecipeRow[] {
  if (spec.task !== 'video.generate') return []
  return [
    ...(spec.frames ? [{ label: 'Frames', value: String(spec.frames), mono: true }] : []),
    ...(spec.fps ? [{ label: 'fps', value: String(spec.fps), mono: true }] : []),
    { label: 'Loop', value: spec.loop ? 'seamless' : 'no' },
    { label: 'Format', value: (spec.format ?? 'webp').toUpperCase(), mono: true }
  ]
}

export const videoModule: ModalityModule<'video'> = {
  id: 'video',
  label: 'Video',
  icon: 'film',
  panels: {
    'video.generate': taskPanel({
      task: 'video.generate',
      label: 'Generate',
      icon: 'sparkles',
      hint: 'Short clips from noise, by class',
      Panel: GeneratePanel,
      form: generateForm
    })
  },
  Results: VideoResults,
  Preview: VideoPreview,
  recipe
}
