// Chemistry: the element table, molecular graphs, EDM bond perception and stability, the
// openchemlib bridge (identities, validity, uniqueness, novelty), SMILES input and graph distances.
// May import the contract, geometry and openchemlib only (.dependency-cruiser.cjs).
export { allowedValences, elementOf, elementOfNumber, elements, qm9Elements } from './elements'
export type { Element } from './elements'
export { bondOrderSums, chargeOf, checkGraph, fragments, subgraph } from './molecule'
export type { Bond, BondOrder, Molecule3D, MoleculeGraph } from './molecule'
export { bondMargins, bondOrderAt, perceiveBonds, singleBondLength } from './bonds'
export {
  atomStability,
  edmAllowedValences,
  moleculeStability,
  setStability,
  stabilityFromCoordinates
} from './stability'
export type { AtomStability, MoleculeStability, SetStability } from './stability'
export { describeValenceProblem, valenceProblems } from './valence'
export type { ValenceProblem } from './valence'
export {
  atomicNumberOf,
  fromOclMolecule,
  moleculeIdentity,
  moleculeSetMetrics,
  symbolOf,
  toOclMolecule,
  trainingSet,
  validMolecule,
  withExplicitHydrogens
} from './ocl'
export type {
  MoleculeIdentity,
  MoleculeSetMetrics,
  OclOptions,
  TrainingSet,
  ValidMolecule,
  Validity
} from './ocl'
export { graphFromSmiles, maxSmilesLength, smilesSyntaxProblem } from './smiles'
export type { SmilesGraph, SmilesOptions } from './smiles'
export { addHydrogens } from './hydrogens'
export { topologicalDistances, unreachable } from './topology'
export {
  describeStereo,
  perceiveStereo,
  reflectPositions,
  stereoOfMolfile,
  stereoOfOcl
} from './stereo'
export type { Perceived, StereoElement } from './stereo'
export { automorphisms } from './symmetry'
