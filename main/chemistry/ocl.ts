// The bridge to openchemlib (OCL, v9): building its Molecule from our graphs and back, canonical
// identities, and EDM's validity / uniqueness / novelty over a set of generated molecules
// (Hoogeboom et al. 2022, qm9/rdkit_functions.py `BasicMolecularMetrics`, with OCL in place of
// RDKit: see `validMolecule` for what differs).
import type { Molecule } from 'openchemlib'
import { ocl } from './openchemlib'
import { StudioError } from '../contract'
import { elementOf } from './elements'
import { checkGraph, fragments, subgraph } from './molecule'
import type { Bond, BondOrder, Molecule3D, MoleculeGraph } from './molecule'
import { describeValenceProblem, valenceProblems } from './valence'

/** OCL's atomic number of a symbol, exactly as written ('Cl', not 'cl'); 0 when unknown. */
export function atomicNumberOf(symbol: string): number {
  const known = elementOf(symbol)
  if (known) return known.atomicNumber
  if (!/^[A-Z][a-z]{0,2}$/.test(symbol)) return 0
  const z = ocl().Molecule.getAtomicNoFromLabel(symbol)
  return z > 0 && ocl().Molecule.cAtomLabel[z] === symbol ? z : 0
}

/** The element symbol of an atomic number (OCL's table; '' when unknown). */
export function symbolOf(z: number): string {
  return Number.isInteger(z) && z > 0 && z < ocl().Molecule.cAtomLabel.length
    ? ocl().Molecule.cAtomLabel[z]
    : ''
}

export interface OclOptions {
  /**
   * Copy the 3D coordinates (Å) into the OCL molecule. OCL then perceives stereo (R/S, E/Z) from
   * them, so SMILES and idcodes carry stereo; without coordinates they are stereo-free.
   */
  readonly coordinates?: boolean
}

/**
 * An OCL `Molecule` with the graph's atoms (in order), charges and bonds; hydrogens stay explicit
 * atoms (OCL treats plain explicit H as implicit in SMILES and idcodes).
 * @throws StudioError invalid-request for a malformed graph; bad-input for an unknown element.
 */
export function toOclMolecule(
  graph: MoleculeGraph | Molecule3D,
  options: OclOptions = {}
): Molecule {
  checkGraph(graph)
  const mol = new (ocl().Molecule)(graph.elements.length, graph.bonds.length)
  graph.elements.forEach((symbol, i) => {
    const z = atomicNumberOf(symbol)
    if (z === 0) throw new StudioError('bad-input', `Atom ${i} has an unknown element "${symbol}".`)
    const atom = mol.addAtom(z)
    const charge = graph.charges?.[i] ?? 0
    if (charge !== 0) mol.setAtomCharge(atom, charge)
    if (options.coordinates && 'positions' in graph) {
      mol.setAtomX(atom, graph.positions[i * 3])
      mol.setAtomY(atom, graph.positions[i * 3 + 1])
      mol.setAtomZ(atom, graph.positions[i * 3 + 2])
    }
  })
  for (const { a, b, order } of graph.bonds) mol.setBondOrder(mol.addBond(a, b), order)
  return mol
}

/**
 * Our graph of an OCL molecule: its atoms in OCL's order, bond orders (aromatic bonds kekulised
 * by OCL: `getBondOrder` gives alternating 1 and 2), charges, and, with `hydrogens`, every implicit
 * hydrogen as an explicit H atom appended after the others, bonded to its atom (atoms in order).
 * @throws StudioError bad-input for a bond OCL cannot express as 1, 2 or 3 (dative, quadruple).
 */
export function fromOclMolecule(
  mol: Molecule,
  options: { hydrogens?: boolean } = {}
): MoleculeGraph {
  mol.ensureHelperArrays(ocl().Molecule.cHelperNeighbours)
  const elements: string[] = []
  const charges: number[] = []
  const bonds: Bond[] = []
  const atoms = mol.getAllAtoms()
  for (let a = 0; a < atoms; a++) {
    elements.push(symbolOf(mol.getAtomicNo(a)))
    charges.push(mol.getAtomCharge(a))
  }
  for (let k = 0; k < mol.getAllBonds(); k++) {
    const order = mol.getBondOrder(k)
    if (order !== 1 && order !== 2 && order !== 3) {
      throw new StudioError(
        'bad-input',
        `Bond ${k} has order ${order}; only single, double and triple bonds are supported.`
      )
    }
    bonds.push({ a: mol.getBondAtom(0, k), b: mol.getBondAtom(1, k), order: order as BondOrder })
  }
  if (options.hydrogens) {
    for (let a = 0; a < atoms; a++) {
      const h = mol.getImplicitHydrogens(a)
      for (let k = 0; k < h; k++) {
        bonds.push({ a, b: elements.length, order: 1 })
        elements.push('H')
        charges.push(0)
      }
    }
  }
  return charges.some((q) => q !== 0) ? { elements, bonds, charges } : { elements, bonds }
}

/**
 * The graph with every hydrogen openchemlib's valence model implies made explicit: the atoms as they
 * are, in order (explicit H included), then the missing H atoms, each bonded to its atom, atom by atom
 * (as `fromOclMolecule` appends them). `added` counts the new H atoms, `atoms` the atoms that got some.
 * An atom with more explicit H than its valence implies gets none (the valence check reports it).
 * @throws StudioError as `toOclMolecule` does.
 */
export function withExplicitHydrogens<T extends MoleculeGraph>(
  graph: T
): { graph: T; added: number; atoms: number } {
  const heavy = subgraph(graph, (i) => graph.elements[i] !== 'H')
  const mol = toOclMolecule({
    elements: heavy.graph.elements,
    bonds: heavy.graph.bonds,
    ...(heavy.graph.charges ? { charges: heavy.graph.charges } : {})
  })
  mol.ensureHelperArrays(ocl().Molecule.cHelperNeighbours)
  const explicit = new Int32Array(graph.elements.length)
  for (const { a, b } of graph.bonds) {
    if (graph.elements[b] === 'H') explicit[a]++
    if (graph.elements[a] === 'H') explicit[b]++
  }
  const elements = [...graph.elements]
  const bonds = [...graph.bonds]
  const charges = graph.charges ? [...graph.charges] : undefined
  let added = 0
  let atoms = 0
  for (let k = 0; k < heavy.atoms.length; k++) {
    const atom = heavy.atoms[k]
    const missing = mol.getImplicitHydrogens(k) - explicit[atom]
    if (missing > 0) atoms++
    for (let h = 0; h < missing; h++) {
      bonds.push({ a: atom, b: elements.length, order: 1 })
      elements.push('H')
      charges?.push(0)
      added++
    }
  }
  if (added === 0) return { graph, added, atoms }
  const out: MoleculeGraph & { positions?: Float32Array } = {
    elements,
    bonds,
    ...(charges ? { charges } : {})
  }
  if ('positions' in graph && graph.positions instanceof Float32Array) {
    // New atoms have no coordinates of their own: they sit on their atom (only the graph is used).
    const positions = new Float32Array(elements.length * 3)
    positions.set(graph.positions)
    for (let i = graph.elements.length; i < elements.length; i++) {
      const atom = bonds[bonds.length - (elements.length - i)].a
      positions.set(graph.positions.subarray(atom * 3, atom * 3 + 3), i * 3)
    }
    out.positions = positions
  }
  return { graph: out as T, added, atoms }
}

export interface MoleculeIdentity {
  /** OCL's canonical SMILES (hydrogens implicit; stereo-free unless built with coordinates). */
  readonly smiles: string
  /** OCL's canonical idcode: equal for equal molecules (the key for uniqueness and novelty). */
  readonly idcode: string
}

/** Canonical SMILES and idcode of a graph, stereo-free (coordinates are not used; stereo stripped). */
export function moleculeIdentity(graph: MoleculeGraph): MoleculeIdentity {
  const mol = toOclMolecule({
    elements: graph.elements,
    bonds: graph.bonds,
    ...(graph.charges ? { charges: graph.charges } : {})
  })
  mol.stripStereoInformation()
  return { smiles: mol.toIsomericSmiles(), idcode: mol.getIDCode() }
}

export interface ValidMolecule extends MoleculeIdentity {
  /** The largest fragment (what the identity describes), atoms renumbered. */
  readonly fragment: MoleculeGraph
  /** Indices of the fragment's atoms in the input. */
  readonly atoms: Int32Array
  /** Number of fragments of the whole molecule (1 = connected). */
  readonly fragmentCount: number
  /** The identity of the whole graph, every fragment ('.'-joined SMILES, e.g. "C.C.C1CC1.O.O.[HH]"). */
  readonly whole: MoleculeIdentity
  /** Whole-molecule validity: valences hold and the atoms form one molecule (fragmentCount 1). */
  readonly connected: boolean
}

export type Validity =
  ({ readonly valid: true } & ValidMolecule) | { readonly valid: false; readonly reason: string }

/**
 * Validity as EDM counts it, with OCL in place of RDKit. A molecule (atoms, bonds of order 1–3,
 * optional charges — typically bonds from `perceiveBonds`) is *valid* when
 *  1. it has at least one atom and every element is in the element table;
 *  2. no atom's explicit valence (Σ bond orders, bonds to explicit H atoms included) exceeds the
 *     largest valence allowed for its element and charge (`allowedValences`: RDKit's neutral lists,
 *     the isoelectronic element for ions); atoms below it take implicit hydrogens;
 * and then, as EDM's `compute_validity` does, its largest fragment (most atoms, explicit H counted;
 * ties → the fragment holding the lowest atom index) is kept and identified by OCL's canonical
 * SMILES and idcode. That is EDM's *largest-fragment* validity: a pile of fragments
 * ("C.C.C1CC1.O.O.[HH]") passes it. `connected` is the stricter whole-molecule validity (valid and
 * one fragment), and `whole` identifies every fragment.
 * How this differs from RDKit's SanitizeMol (which EDM uses): no aromaticity perception or
 * kekulisation (all bonds here are integer, so RDKit's "can't kekulize" cannot arise), no
 * hypervalent special cases beyond the valence lists, and no RDKit-version-dependent valence model.
 * For EDM's QM9 molecules (H, C, N, O, F, uncharged) both fail exactly when an atom exceeds H 1,
 * C 4, N 3, O 2 or F 1. SMILES come from OCL, so they are not RDKit's strings; compare idcodes.
 */
export function validMolecule(graph: MoleculeGraph): Validity {
  if (graph.elements.length === 0) return { valid: false, reason: 'no atoms' }
  const unknown = graph.elements.findIndex((symbol) => !elementOf(symbol))
  if (unknown >= 0) {
    return {
      valid: false,
      reason: `atom ${unknown} has an unsupported element "${graph.elements[unknown]}"`
    }
  }
  const problems = valenceProblems(graph)
  if (problems.length > 0) {
    return { valid: false, reason: problems.map(describeValenceProblem).join('; ') }
  }
  const { fragment, count } = fragments(graph)
  const sizes = new Int32Array(count)
  for (const f of fragment) sizes[f]++
  let largest = 0
  for (let f = 1; f < count; f++) if (sizes[f] > sizes[largest]) largest = f
  const part = subgraph(
    {
      elements: graph.elements,
      bonds: graph.bonds,
      ...(graph.charges ? { charges: graph.charges } : {})
    },
    (i) => fragment[i] === largest
  )
  try {
    return {
      valid: true,
      ...moleculeIdentity(part.graph),
      fragment: part.graph,
      atoms: part.atoms,
      fragmentCount: count,
      whole: count === 1 ? moleculeIdentity(part.graph) : moleculeIdentity(graph),
      connected: count === 1
    }
  } catch (error) {
    return { valid: false, reason: `openchemlib refused it: ${(error as Error).message}` }
  }
}

export interface TrainingSet {
  /** OCL idcodes of the training molecules (stereo-free). */
  readonly idcodes: ReadonlySet<string>
  /** Training SMILES OCL could not read (they count as nothing). */
  readonly unreadable: number
}

/**
 * Re-canonicalises training SMILES (e.g. RDKit's, as EDM stores them) through OCL: each is parsed
 * without stereo (any left is stripped) and keyed by its idcode, so spelling differences between
 * toolkits (atom order, explicit [H], aromatic or Kekulé form, stereo marks) do not matter.
 * ≈ 0.5 ms per SMILES on a busy 2-core machine — about a minute for QM9's 130 k; keep the idcodes
 * (a `TrainingSet` is a plain object) rather than recomputing them.
 */
export function trainingSet(smiles: Iterable<string>): TrainingSet {
  const idcodes = new Set<string>()
  let unreadable = 0
  for (const s of smiles) {
    try {
      // Without coordinates OCL would give double bonds an E/Z parity; with them, none.
      const mol = ocl().Molecule.fromSmiles(s, { noStereo: true })
      mol.stripStereoInformation()
      if (mol.getAllAtoms() === 0) unreadable++
      else idcodes.add(mol.getIDCode())
    } catch {
      unreadable++
    }
  }
  return { idcodes, unreadable }
}

export interface MoleculeSetMetrics {
  readonly molecules: number
  /** Valid molecules / molecules (EDM's largest-fragment validity). */
  readonly validity: number
  /** Valid and connected (one fragment) molecules / molecules: whole-molecule validity. */
  readonly wholeValidity: number
  /** Distinct valid molecules (by idcode) / valid molecules (EDM: len(set(valid)) / len(valid)). */
  readonly uniqueness: number
  /** Distinct valid molecules absent from the training set / distinct valid molecules (EDM). */
  readonly novelty?: number
  /** Per input molecule: its validity result. */
  readonly results: readonly Validity[]
  /** The distinct valid molecules' canonical SMILES, in order of first appearance. */
  readonly uniqueSmiles: readonly string[]
}

/**
 * EDM's validity, uniqueness and novelty over a set of generated molecules (`validMolecule` for
 * each; novelty only when `training` is given). Ratios with an empty denominator are NaN.
 */
export function moleculeSetMetrics(
  molecules: readonly MoleculeGraph[],
  training?: TrainingSet
): MoleculeSetMetrics {
  const results = molecules.map(validMolecule)
  const unique = new Map<string, string>()
  let valid = 0
  let whole = 0
  for (const r of results) {
    if (!r.valid) continue
    valid++
    if (r.connected) whole++
    if (!unique.has(r.idcode)) unique.set(r.idcode, r.smiles)
  }
  let novel = 0
  if (training) for (const idcode of unique.keys()) if (!training.idcodes.has(idcode)) novel++
  const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN)
  return {
    molecules: molecules.length,
    validity: ratio(valid, molecules.length),
    wholeValidity: ratio(whole, molecules.length),
    uniqueness: ratio(unique.size, valid),
    ...(training ? { novelty: ratio(novel, unique.size) } : {}),
    results,
    uniqueSmiles: [...unique.values()]
  }
}
