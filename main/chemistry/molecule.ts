// The molecule types every chemistry module and codec shares: a graph of atoms (element symbols)
// and bonds with integer orders, optionally with formal charges and 3D coordinates in Å.
import { StudioError } from '../contract'

/** Bond order: single, double or triple (aromatic rings are kekulised). */
export type BondOrder = 1 | 2 | 3

/** A bond between atoms a and b (0-based indices, a ≠ b). */
export interface Bond {
  readonly a: number
  readonly b: number
  readonly order: BondOrder
}

export interface MoleculeGraph {
  /** Element symbols, one per atom ('C', 'Cl'), hydrogens included when explicit. */
  readonly elements: readonly string[]
  readonly bonds: readonly Bond[]
  /** Formal charges, one per atom; absent means all 0. */
  readonly charges?: readonly number[]
}

export interface Molecule3D extends MoleculeGraph {
  /** Atom positions in Å, interleaved xyz, length 3 × atoms. */
  readonly positions: Float32Array
}

/** Formal charge of atom i (0 when the graph has no charges). */
export function chargeOf(graph: MoleculeGraph, i: number): number {
  return graph.charges?.[i] ?? 0
}

/** Σ of bond orders at each atom (explicit bonds only), [atoms]. */
export function bondOrderSums(graph: MoleculeGraph): Int32Array {
  const sums = new Int32Array(graph.elements.length)
  for (const { a, b, order } of graph.bonds) {
    sums[a] += order
    sums[b] += order
  }
  return sums
}

/**
 * Checks a graph's shape: bond ends in range and distinct, orders 1–3, no bond listed twice,
 * charges (if any) integers one per atom, positions (if any) finite and 3 per atom.
 * @throws StudioError invalid-request naming the first problem.
 */
export function checkGraph(graph: MoleculeGraph | Molecule3D): void {
  const n = graph.elements.length
  const seen = new Set<number>()
  graph.bonds.forEach(({ a, b, order }, k) => {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) {
      throw new StudioError(
        'invalid-request',
        `Bond ${k} joins atoms ${a} and ${b}, but the molecule has atoms 0 … ${n - 1}.`
      )
    }
    if (a === b) throw new StudioError('invalid-request', `Bond ${k} joins atom ${a} to itself.`)
    if (order !== 1 && order !== 2 && order !== 3) {
      throw new StudioError('invalid-request', `Bond ${k} has order ${order}; use 1, 2 or 3.`)
    }
    const key = Math.min(a, b) * n + Math.max(a, b)
    if (seen.has(key)) {
      throw new StudioError('invalid-request', `Atoms ${a} and ${b} are bonded twice (bond ${k}).`)
    }
    seen.add(key)
  })
  if (graph.charges && graph.charges.length !== n) {
    throw new StudioError(
      'invalid-request',
      `The molecule has ${n} atoms but ${graph.charges.length} charges; give one per atom.`
    )
  }
  graph.charges?.forEach((q, i) => {
    if (!Number.isInteger(q)) {
      throw new StudioError('invalid-request', `Atom ${i} has charge ${q}; charges are integers.`)
    }
  })
  if ('positions' in graph) {
    if (graph.positions.length !== 3 * n) {
      throw new StudioError(
        'invalid-request',
        `The molecule has ${n} atoms but ${graph.positions.length} coordinates; give x, y, z per atom.`
      )
    }
    const bad = graph.positions.findIndex((v) => !Number.isFinite(v))
    if (bad >= 0) {
      throw new StudioError(
        'bad-input',
        `Atom ${Math.floor(bad / 3)} has a non-finite coordinate (${graph.positions[bad]}).`
      )
    }
  }
}

/**
 * Connected components: a component index per atom, numbered in order of each component's lowest
 * atom index, [atoms], and the count.
 */
export function fragments(graph: MoleculeGraph): { fragment: Int32Array; count: number } {
  const n = graph.elements.length
  const parent = new Int32Array(n)
  for (let i = 0; i < n; i++) parent[i] = i
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]]
      i = parent[i]
    }
    return i
  }
  for (const { a, b } of graph.bonds) {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb)
  }
  const fragment = new Int32Array(n)
  const numbers = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const root = find(i)
    let f = numbers.get(root)
    if (f === undefined) {
      f = numbers.size
      numbers.set(root, f)
    }
    fragment[i] = f
  }
  return { fragment, count: numbers.size }
}

/**
 * The subgraph of the atoms with `keep[i]` true, renumbered in order, with the bonds among them
 * (and their positions when the input has them). Returns the old index of each new atom too.
 */
export function subgraph<T extends MoleculeGraph>(
  graph: T,
  keep: (atom: number) => boolean
): { graph: T; atoms: Int32Array } {
  const n = graph.elements.length
  const map = new Int32Array(n).fill(-1)
  const atoms: number[] = []
  for (let i = 0; i < n; i++) {
    if (keep(i)) {
      map[i] = atoms.length
      atoms.push(i)
    }
  }
  const out: {
    elements: string[]
    bonds: Bond[]
    charges?: number[]
    positions?: Float32Array
  } = {
    elements: atoms.map((i) => graph.elements[i]),
    bonds: graph.bonds
      .filter(({ a, b }) => map[a] >= 0 && map[b] >= 0)
      .map(({ a, b, order }) => ({ a: map[a], b: map[b], order }))
  }
  if (graph.charges) out.charges = atoms.map((i) => graph.charges![i])
  if ('positions' in graph && graph.positions instanceof Float32Array) {
    const positions = graph.positions
    out.positions = new Float32Array(atoms.length * 3)
    atoms.forEach((i, k) => out.positions!.set(positions.subarray(i * 3, i * 3 + 3), k * 3))
  }
  return { graph: { ...graph, ...out } as T, atoms: Int32Array.from(atoms) }
}
