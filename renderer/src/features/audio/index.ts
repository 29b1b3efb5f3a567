// The audio modality: its task panels (generate, regenerate a region, continue), the waveform results
// with their next steps, history thumbnails, recipe rows.
import type { JobSpec } from '../../lib/contract'
import { taskPanel, type ModalityModule, type RecipeRow } from '../types'
import { extendForm, generateForm, inpaintForm } from './forms'
import AudioResults from './AudioResults.svelte'
import AudioThumb from './AudioThumb.svelte'
import ExtendPanel from './ExtendPanel.svelte'
import GeneratePanel from './GeneratePanel.svelte'
import InpaintPanel from './InpaintPanel.svelte'

const s = (v: number) => `${Number(v.toFixed(3))} s`

function recipe(spec: JobSpec): RecipeRow[] {
  const rows: RecipeRow[] = []
  if (spec.task === 'audio.generate') {
    if (spec.seconds) rows.push({ label: 'Length', value: s(spec.seconds), mono: true })
    rows.push({ label: 'Loop', value: spec.loop ? 'seamless' : 'no' })
  }
  if (spec.task === 'audio.inpaint') {
    rows.push(
      { label: 'Clip', value: `${spec.source.slice(0, 12)}…`, mono: true },
      { label: 'Region', value: `${s(spec.region.start)}–${s(spec.region.end)}`, mono: true },
      { label: 'Feather', value: s(spec.region.feather), mono: true }
    )
  }
  if (spec.task === 'audio.extend') {
    rows.push(
      { label: 'Clip', value: `${spec.source.slice(0, 12)}…`, mono: true },
      { label: 'Added', value: s(spec.seconds), mono: true }
    )
  }
  if ('encoding' in spec) {
    rows.push({ label: 'File', value: spec.encoding === 'float32' ? 'WAV float32' : 'WAV PCM16' })
  }
  return rows
}

export const audioModule: ModalityModule<'audio'> = {
  id: 'audio',
  label: 'Audio',
  icon: 'wave',
  panels: {
    'audio.generate': taskPanel({
      task: 'audio.generate',
      label: 'Generate',
      icon: 'sparkles',
      hint: 'Clips from noise, any length, loops',
      Panel: GeneratePanel,
      form: generateForm
    }),
    'audio.inpaint': taskPanel({
      task: 'audio.inpaint',
      label: 'Region',
      icon: 'mask',
      hint: 'Regenerate a region of a clip',
      Panel: InpaintPanel,
      form: inpaintForm
    }),
    'audio.extend': taskPanel({
      task: 'audio.extend',
      label: 'Continue',
      icon: 'step-forward',
      hint: 'Continue a clip from its end',
      Panel: ExtendPanel,
      form: extendForm
    })
  },
  Results: AudioResults,
  Thumb: AudioThumb,
  recipe
}
