// The molecule tasks' forms: each task's own fields, defaults, spec and back. Pure.
import type { TaskFormDefinition } from '../../lib/state/recipe'
import type { TrajectoryFields } from '../../lib/three/recipe'

export type MoleculeGenerateFields = TrajectoryFields & {
  /** Atoms per molecule, hydrogens included; 0 draws them from the model's histogram. */
  atoms: number
}

export const generateForm: TaskFormDefinition<'molecule.generate', MoleculeGenerateFields> = {
  task: 'molecule.generate',
  defaults: () => ({ trajectoryEvery: 1, atoms: 0 }),
  toSpec: (values) => ({
    trajectoryEvery: values.trajectoryEvery,
    ...(values.atoms > 0 ? { atoms: values.atoms } : {})
  }),
  fromSpec: (spec) => ({ trajectoryEvery: spec.trajectoryEvery, atoms: spec.atoms ?? 0 })
}

export type ConformerFields = TrajectoryFields & {
  /** The molecule as SMILES, or as a MOL/SDF file (an input ref of kind molecule). */
  smiles: string
  molecule: string
  conformerFrom: 'smiles' | 'file'
}

export const conformerForm: TaskFormDefinition<'molecule.conformer', ConformerFields> = {
  task: 'molecule.conformer',
  defaults: () => ({ trajectoryEvery: 1, smiles: '', molecule: '', conformerFrom: 'smiles' }),
  toSpec: (values) => ({
    trajectoryEvery: values.trajectoryEvery,
    ...(values.conformerFrom === 'file'
      ? { molecule: values.molecule || undefined }
      : { smiles: values.smiles.trim() })
  }),
  fromSpec: (spec) => ({
    trajectoryEvery: spec.trajectoryEvery,
    smiles: spec.smiles ?? '',
    molecule: spec.molecule ?? '',
    conformerFrom: spec.molecule && !spec.smiles ? 'file' : 'smiles'
  })
}
