import { heavyAtomModel, MoleculeGenerateSpecSchema, StudioError } from '../../contract'
import { trajectoryOption } from '../options'
import { resolveSampling } from '../sampling'
import type { TaskDefinition } from '../types'
import { atomCountWarning, moleculeSample } from './common'

/** Molecules from noise (EDM): positions and elements together, bonds perceived afterwards. */
export const moleculeGenerate: TaskDefinition<'molecule.generate'> = {
  id: 'molecule.generate',
  modality: 'molecule',
  label: 'Generate molecules',
  schema: MoleculeGenerateSpecSchema,
  inputs: [],
  cli: {
    command: 'generate',
    summary: 'generate 3D molecules (atoms and coordinates; bonds perceived, validity measured)',
    options: [
      {
        flag: 'atoms',
        type: 'int',
        description:
          'atoms per molecule: hydrogens included, or heavy atoms for a model that adds its hydrogens',
        defaultText: "drawn from the model's training molecules"
      },
      trajectoryOption
    ],
    examples: ['generate --modality molecule --count 8 --out mols.sdf']
  },
  validate(spec, manifest) {
    const sample = moleculeSample(manifest, 'joint')
    if (spec.atoms !== undefined && spec.atoms > sample.maxAtoms) {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" makes molecules of at most ${sample.maxAtoms} ${heavyAtomModel(sample) ? 'heavy atoms (it adds the hydrogens)' : 'atoms (hydrogens included)'}; ${spec.atoms} were asked.`
      )
    }
    if (spec.atoms === undefined && !sample.atomCounts) {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" has no atom-count distribution; set the number of atoms.`
      )
    }
    const sampling = resolveSampling(spec, manifest)
    const outside = spec.atoms !== undefined ? atomCountWarning(spec.atoms, manifest) : undefined
    return {
      spec: { ...spec, model: manifest.id },
      warnings: [...sampling.warnings, ...(outside ? [outside] : [])]
    }
  }
}
