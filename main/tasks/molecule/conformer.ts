import { MoleculeConformerSpecSchema, StudioError } from '../../contract'
import { trajectoryOption } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { graphFromSmiles } from '../../chemistry'
import { moleculeSample, trainingRangeWarnings } from './common'

/** Conformers (3D coordinates) of a molecular graph given as SMILES; `count` of them. */
export const moleculeConformer: TaskDefinition<'molecule.conformer'> = {
  id: 'molecule.conformer',
  modality: 'molecule',
  label: 'Conformers',
  schema: MoleculeConformerSpecSchema,
  inputs: [{ field: 'molecule', kind: 'molecule', optional: true }],
  cli: {
    command: 'conformer',
    summary: '3D conformers of a molecule given as SMILES (hydrogens added)',
    options: [
      { flag: 'smiles', type: 'string', description: 'the molecule, as SMILES (hydrogens added)' },
      {
        flag: 'molecule',
        type: 'string',
        input: 'molecule',
        description:
          'or a MOL/SDF file: its graph (atoms in its order; implicit hydrogens are added)'
      },
      trajectoryOption
    ],
    examples: ['conformer --smiles "CC(=O)NC" --count 5 --out conformers.sdf']
  },
  validate(spec, manifest) {
    const sample = moleculeSample(manifest, 'graph')
    const smiles = spec.smiles?.trim()
    if (Boolean(smiles) === Boolean(spec.molecule)) {
      throw new StudioError(
        'invalid-request',
        'Conformers need one molecule: a SMILES or a MOL/SDF file (not both, not neither).'
      )
    }
    const sampling = resolveSampling(spec, manifest)
    // A SMILES is read now, so a malformed one, an element the model lacks or one over its atom
    // limit is refused before the job is queued, and one outside its training range is warned.
    // (A MOL/SDF file is read by the engine, which warns the same way.)
    const outside = smiles
      ? (() => {
          const graph = graphFromSmiles(smiles, {
            elements: sample.elements,
            maxAtoms: sample.maxAtoms
          })
          return trainingRangeWarnings(
            {
              heavyAtoms: graph.heavyAtoms,
              charges: graph.charges,
              fragments: graph.fragmentCount
            },
            manifest,
            `The molecule ${smiles.length > 60 ? `${smiles.slice(0, 57)}…` : smiles}`
          )
        })()
      : []
    return {
      spec: { ...spec, ...(smiles ? { smiles } : {}), model: manifest.id },
      warnings: [...sampling.warnings, ...outside]
    }
  }
}
