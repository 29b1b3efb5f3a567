// Graph automorphisms of a molecule: the atom permutations that keep elements, charges and every
// bond with its order. Conformer RMSDs take the best over them (RDKit's GetBestRMS), so two
// conformers that differ only by swapping equivalent atoms (the two oxygens of a carboxylate, the
// methyls of a tert-butyl group) count as one.
import { chargeOf, type MoleculeGraph } from './molecule'

/**
 * Every automorphism of `graph` (identity first), each as `perm` with atom i ↦ perm[i], up to
 * `limit` of them (a symmetric molecule with many hydrogens has very many; pass heavy atoms only,
 * as conformer benchmarks do). Backtracking over atoms with the same element, charge, degree and
 * neighbour multiset, checking bonds to the atoms already placed. Small molecules (≤ 30 atoms) take
 * well under a millisecond.
 */
export function automorphisms(graph: MoleculeGraph, limit = 10_000): Int32Array[] {
  const n = graph.elements.length
  const adjacency = Array.from({ length: n }, () => new Map<number, number>())
  for (const { a, b, order } of graph.bonds) {
    adjacency[a].set(b, order)
    adjacency[b].set(a, order)
  }
  const invariant = Array.from({ length: n }, (_, i) => {
    const around = [...adjacency[i]]
      .map(([j, order]) => `${graph.elements[j]}${order}`)
      .sort()
      .join(',')
    return `${graph.elements[i]}|${chargeOf(graph, i)}|${around}`
  })
  const perm = new Int32Array(n).fill(-1)
  const used = new Uint8Array(n)
  const found: Int32Array[] = []
  const place = (i: number): void => {
    if (found.length >= limit) return
    if (i === n) {
      found.push(perm.slice())
      return
    }
    // Identity first: try j = i before the others.
    for (let step = 0; step < n; step++) {
      const j = (i + step) % n
      if (used[j] || invariant[j] !== invariant[i]) continue
      let consistent = true
      for (let k = 0; k < i && consistent; k++) {
        consistent = (adjacency[i].get(k) ?? 0) === (adjacency[j].get(perm[k]) ?? 0)
      }
      if (!consistent) continue
      perm[i] = j
      used[j] = 1
      place(i + 1)
      used[j] = 0
    }
    perm[i] = -1
  }
  place(0)
  return found
}
