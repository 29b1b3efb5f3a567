import { z } from 'zod'
import { InputRefSchema } from '../inputs'
import { samplingFields } from '../sampling'

// Specs of the molecule tasks: atoms with 3D positions (Å) and elements, explicit hydrogens.

const trajectory = {
  /** Keep every `trajectoryEvery`-th step (and the last) for replay, as multi-frame XYZ; 0 keeps none. */
  trajectoryEvery: z.number().int().min(0).max(1000).default(1)
}

/**
 * Molecule generation (EDM, Hoogeboom et al. 2022): positions and atom types denoised jointly by an
 * E(3)-equivariant network; the atom count drawn from the training histogram unless `atoms` is set.
 */
export const MoleculeGenerateSpecSchema = z.object({
  task: z.literal('molecule.generate'),
  /**
   * Atoms per molecule as the model counts them: hydrogens included, or the heavy atoms of a model that
   * adds its hydrogens (default: drawn per molecule from the model's histogram).
   */
  atoms: z.number().int().min(1).max(256).optional(),
  ...trajectory,
  ...samplingFields
})
export type MoleculeGenerateSpec = z.infer<typeof MoleculeGenerateSpecSchema>

/**
 * Conformers of a molecular graph (GeoDiff style): 3D coordinates, `count` of them, for a SMILES
 * (hydrogens are added) or for the graph of a MOL/SDF file (its atoms, in its order, hydrogens as given).
 */
export const MoleculeConformerSpecSchema = z.object({
  task: z.literal('molecule.conformer'),
  smiles: z.string().min(1).max(500).optional(),
  /** A MOL/SDF input (kind 'molecule'); its first record's graph is used, its coordinates are not. */
  molecule: InputRefSchema.optional(),
  ...trajectory,
  ...samplingFields
})
export type MoleculeConformerSpec = z.infer<typeof MoleculeConformerSpecSchema>

export const moleculeSpecSchemas = [
  MoleculeGenerateSpecSchema,
  MoleculeConformerSpecSchema
] as const
