// The molecule modality: its task panels, how its results, previews and thumbnails look, its recipe rows.
import { defaultFormat, type JobSpec } from '../../lib/contract'
import { trajectoryText } from '../../lib/three/recipe'
import { taskPanel, type ModalityModule, type RecipeRow } from '../types'
import { conformerForm, generateForm } from './forms'
import ConformerPanel from './ConformerPanel.svelte'
import GeneratePanel from './GeneratePanel.svelte'
import MoleculePreview from './MoleculePreview.svelte'
import MoleculeResults from './MoleculeResults.svelte'
import MoleculeThumb from './MoleculeThumb.svelte'

function recipe(spec: JobSpec): RecipeRow[] {
  const rows: RecipeRow[] = []
  if (spec.task === 'molecule.generate') {
    rows.push({
      label: 'Atoms',
      value: spec.atoms ? String(spec.atoms) : 'from the training distribution',
      mono: spec.atoms !== undefined
    })
  }
  if (spec.task === 'molecule.conformer' && spec.smiles) {
    rows.push({ label: 'SMILES', value: spec.smiles, mono: true })
  }
  if (spec.task === 'molecule.conformer' && spec.molecule) {
    rows.push({ label: 'Molecule', value: `${spec.molecule.slice(0, 12)}…`, mono: true })
  }
  if ('trajectoryEvery' in spec)
    rows.push({ label: 'Trajectory', value: trajectoryText(spec.trajectoryEvery) })
  rows.push({
    label: 'Format',
    value: (spec.format ?? defaultFormat(spec.task).ext).toUpperCase(),
    mono: true
  })
  return rows
}

export const moleculeModule: ModalityModule<'molecule'> = {
  id: 'molecule',
  label: 'Molecules',
  icon: 'molecule',
  panels: {
    'molecule.generate': taskPanel({
      task: 'molecule.generate',
      label: 'Generate',
      icon: 'sparkles',
      hint: 'New molecules from noise (EDM)',
      Panel: GeneratePanel,
      form: generateForm
    }),
    'molecule.conformer': taskPanel({
      task: 'molecule.conformer',
      label: 'Conformers',
      icon: 'molecule',
      hint: '3D shapes of a molecule you name by SMILES',
      Panel: ConformerPanel,
      form: conformerForm
    })
  },
  Results: MoleculeResults,
  Preview: MoleculePreview,
  Thumb: MoleculeThumb,
  recipe
}
