// Stereo elements of a molecule — tetrahedral (and allene) centres and double-bond E/Z — as the input
// defines them (a SMILES's @/@@ and / \, a molfile's wedges or 3D coordinates) and as 3D coordinates
// realise them, so a conformer job can keep every one. Perception and parities are openchemlib's:
// a parity is 1 or 2 relative to atom indices (OCL `getAtomParity` / `getBondParity`: looking from the
// lowest-indexed neighbour, hydrogens counted as highest), so both sides must number atoms alike. Here
// they do: heavy atoms in the graph's order, then hydrogens in the graph's order — the order OCL itself
// keeps (it moves hydrogens last), with hydrogens a file leaves implicit appended after it.
import type { Molecule } from 'openchemlib'
import { ocl } from './openchemlib'
import type { MoleculeGraph } from './molecule'
import { symbolOf, toOclMolecule } from './ocl'

export type StereoElement =
  | { readonly kind: 'centre'; readonly atom: number; readonly parity: 1 | 2 }
  | { readonly kind: 'double bond'; readonly a: number; readonly b: number; readonly parity: 1 | 2 }

/** One stereo element as perceived: its parity, or 0 when the coordinates leave it undefined. */
export type Perceived = StereoElement | (Omit<StereoElement, 'parity'> & { readonly parity: 0 })

/** Heavy atoms of the graph in order, then its hydrogens in order (OCL's own atom order). */
function oclOrder(elements: readonly string[]): Int32Array {
  const heavy: number[] = []
  const hydrogens: number[] = []
  elements.forEach((e, i) => (e === 'H' ? hydrogens : heavy).push(i))
  return Int32Array.from([...heavy, ...hydrogens])
}

/**
 * The stereo elements an OCL molecule defines — atoms and double bonds whose parity is 1 or 2 (an
 * unspecified centre has none) — with atoms numbered by `atomOf` (OCL index → the caller's index).
 */
export function stereoOfOcl(
  mol: Molecule,
  atomOf: (ocl: number) => number = (i) => i
): StereoElement[] {
  mol.ensureHelperArrays(ocl().Molecule.cHelperParities)
  const out: StereoElement[] = []
  for (let a = 0; a < mol.getAtoms(); a++) {
    const parity = mol.getAtomParity(a)
    if (parity === 1 || parity === 2) out.push({ kind: 'centre', atom: atomOf(a), parity })
  }
  for (let k = 0; k < mol.getBonds(); k++) {
    if (mol.getBondOrder(k) !== 2) continue
    const parity = mol.getBondParity(k)
    if (parity === 1 || parity === 2) {
      const a = atomOf(mol.getBondAtom(0, k))
      const b = atomOf(mol.getBondAtom(1, k))
      out.push({ kind: 'double bond', a: Math.min(a, b), b: Math.max(a, b), parity })
    }
  }
  return out
}

/**
 * The stereo elements of a molfile's first record, in the numbering of `molecule` (the codec's graph
 * of that record: file order, the file's coordinates): from its 3D coordinates or, in 2D, its wedge
 * bonds (and a 2D double bond's E/Z as drawn). openchemlib reads the file; as it renumbers atoms,
 * they are matched back by position (OCL stores y and z negated) and element. [] when they cannot
 * be matched one to one. @throws Error when openchemlib cannot read the molfile.
 */
export function stereoOfMolfile(
  text: string,
  molecule: MoleculeGraph & { readonly positions: Float32Array }
): StereoElement[] {
  const file = ocl().Molecule.fromMolfile(text)
  file.ensureHelperArrays(ocl().Molecule.cHelperNeighbours)
  const n = molecule.elements.length
  if (file.getAllAtoms() !== n) return []
  const p = molecule.positions
  const ours = new Int32Array(n).fill(-1)
  const taken = new Uint8Array(n)
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      if (
        !taken[i] &&
        symbolOf(file.getAtomicNo(k)) === molecule.elements[i] &&
        Math.abs(file.getAtomX(k) - p[i * 3]) < 1e-3 &&
        Math.abs(file.getAtomY(k) + p[i * 3 + 1]) < 1e-3 &&
        Math.abs(file.getAtomZ(k) + p[i * 3 + 2]) < 1e-3
      ) {
        ours[k] = i
        taken[i] = 1
        break
      }
    }
    if (ours[k] < 0) return []
  }
  // The same molecule in our order (heavy atoms, then hydrogens), with OCL's coordinates and wedges.
  const order = oclOrder(molecule.elements)
  const rank = new Int32Array(n)
  order.forEach((atom, k) => (rank[atom] = k))
  const oclOf = new Int32Array(n)
  ours.forEach((i, k) => (oclOf[i] = k))
  const mol = new (ocl().Molecule)(n, file.getAllBonds())
  for (const atom of order) {
    const k = oclOf[atom]
    const a = mol.addAtom(file.getAtomicNo(k))
    mol.setAtomCharge(a, file.getAtomCharge(k))
    mol.setAtomX(a, file.getAtomX(k))
    mol.setAtomY(a, file.getAtomY(k))
    mol.setAtomZ(a, file.getAtomZ(k))
  }
  for (let k = 0; k < file.getAllBonds(); k++) {
    const bond = mol.addBond(rank[ours[file.getBondAtom(0, k)]], rank[ours[file.getBondAtom(1, k)]])
    mol.setBondType(bond, file.getBondType(k))
  }
  return stereoOfOcl(mol, (k) => order[k])
}

/**
 * How 3D coordinates realise `wanted`'s elements: each with the parity the positions [atoms, 3] (Å)
 * give it, 0 where they leave it undefined (a flat centre, a twisted double bond).
 */
export function perceiveStereo(
  graph: MoleculeGraph,
  positions: ArrayLike<number>,
  wanted: readonly StereoElement[]
): Perceived[] {
  const order = oclOrder(graph.elements)
  const rank = new Int32Array(order.length)
  order.forEach((atom, k) => (rank[atom] = k))
  const mol = toOclMolecule({
    elements: Array.from(order, (i) => graph.elements[i]),
    bonds: graph.bonds.map(({ a, b, order: o }) => ({ a: rank[a], b: rank[b], order: o })),
    ...(graph.charges ? { charges: Array.from(order, (i) => graph.charges![i]) } : {})
  })
  order.forEach((atom, k) => {
    mol.setAtomX(k, positions[atom * 3])
    mol.setAtomY(k, positions[atom * 3 + 1])
    mol.setAtomZ(k, positions[atom * 3 + 2])
  })
  mol.ensureHelperArrays(ocl().Molecule.cHelperParities)
  const parityOf = (p: number): 0 | 1 | 2 => (p === 1 || p === 2 ? p : 0)
  return wanted.map((element) => {
    if (element.kind === 'centre') {
      return { ...element, parity: parityOf(mol.getAtomParity(rank[element.atom])) }
    }
    const bond = mol.getBond(rank[element.a], rank[element.b])
    return { ...element, parity: bond < 0 ? 0 : parityOf(mol.getBondParity(bond)) }
  })
}

/** A stereo element in words: "centre C2", "double bond C1=C2" (1-based atom numbers). */
export function describeStereo(
  element: { kind: string; atom?: number; a?: number; b?: number },
  elements: readonly string[]
): string {
  const name = (i: number) => `${elements[i]}${i + 1}`
  return element.kind === 'centre'
    ? `the stereo centre at ${name(element.atom!)}`
    : `the double bond ${name(element.a!)}=${name(element.b!)} (E/Z)`
}

/** Positions [atoms, 3] mirrored through the yz plane (x → −x): every centre inverted, E/Z kept. */
export function reflectPositions(positions: Float32Array): Float32Array {
  const out = Float32Array.from(positions)
  for (let i = 0; i < out.length; i += 3) out[i] = -out[i]
  return out
}
