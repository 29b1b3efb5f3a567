import { MoleculeConformerSpecSchema } from '../../contract'
import { trajectoryOption } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { moleculeFormats, moleculeSample } from './common'

/** Conformers (3D coordinates) of a molecular graph given as SMILES; `count` of them. */
export const moleculeConformer: TaskDefinition<'molecule.conformer'> = {
  id: 'molecule.conformer',
  modality: 'molecule',
  label: 'Conformers',
  schema: MoleculeConformerSpecSchema,
  inputs: [],
  formats: moleculeFormats,
  cli: {
    command: 'conformer',
    summary: '3D conformers of a molecule given as SMILES (hydrogens added)',
    options: [
      { flag: 'smiles', type: 'string', required: true, description: 'the molecule, as SMILES' },
      trajectoryOption
    ],
    examples: ['conformer --smiles "CC(=O)NC" --count 5 --out conformers.sdf']
  },
  validate(spec, manifest) {
    moleculeSample(manifest, 'graph')
    const sampling = resolveSampling(spec, manifest)
    return {
      spec: { ...spec, smiles: spec.smiles.trim(), model: manifest.id },
      warnings: sampling.warnings
    }
  }
}
