// The point-cloud modality (the "3D" workspace): its task panels, how its results, previews and
// thumbnails look, its recipe rows.
import { defaultFormat, type JobSpec } from '../../lib/contract'
import { trajectoryText } from '../../lib/three/recipe'
import { taskPanel, type ModalityModule, type RecipeRow } from '../types'
import { completeForm, generateForm } from './forms'
import CompletePanel from './CompletePanel.svelte'
import GeneratePanel from './GeneratePanel.svelte'
import PointCloudPreview from './PointCloudPreview.svelte'
import PointCloudResults from './PointCloudResults.svelte'
import PointCloudThumb from './PointCloudThumb.svelte'

const placementText = { auto: 'automatic', 'as-is': 'as it is', normalise: 'normalised' } as const
const startText = { auto: 'automatic', noise: 'noise', mirror: 'the part’s mirror image' } as const

function recipe(spec: JobSpec): RecipeRow[] {
  const rows: RecipeRow[] = []
  if (spec.task === 'point-cloud.complete') {
    rows.push(
      { label: 'Partial', value: `${spec.partial.slice(0, 12)}…`, mono: true },
      { label: 'Placement', value: placementText[spec.placement] },
      {
        label: 'Start',
        value:
          spec.start === 'noise'
            ? startText.noise
            : `${startText[spec.start]}, strength ${spec.strength}`
      }
    )
  }
  if (spec.task === 'point-cloud.generate' && spec.points) {
    rows.push({ label: 'Points', value: spec.points.toLocaleString(), mono: true })
  }
  if ('trajectoryEvery' in spec) {
    rows.push({ label: 'Trajectory', value: trajectoryText(spec.trajectoryEvery) })
  }
  rows.push({
    label: 'Format',
    value: (spec.format ?? defaultFormat(spec.task).ext).toUpperCase(),
    mono: true
  })
  return rows
}

export const pointCloudModule: ModalityModule<'point-cloud'> = {
  id: 'point-cloud',
  label: '3D',
  icon: 'cube',
  panels: {
    'point-cloud.generate': taskPanel({
      task: 'point-cloud.generate',
      label: 'Generate',
      icon: 'sparkles',
      hint: 'Shapes from noise, by class',
      Panel: GeneratePanel,
      form: generateForm
    }),
    'point-cloud.complete': taskPanel({
      task: 'point-cloud.complete',
      label: 'Complete',
      icon: 'cube',
      hint: 'Finish a partial cloud you bring',
      Panel: CompletePanel,
      form: completeForm
    })
  },
  Results: PointCloudResults,
  Preview: PointCloudPreview,
  Thumb: PointCloudThumb,
  recipe
}
