// Graph distances between atoms, for edge features (bond, angle and torsion pairs are 1, 2 and 3
// bonds apart).
import type { Bond } from './molecule'

/** The value `topologicalDistances` gives to atoms in different fragments. */
export const unreachable = -1

/**
 * Shortest-path lengths in bonds between every pair of atoms (bond orders ignored), as an
 * atoms × atoms row-major Int32Array: 0 on the diagonal, `unreachable` (−1) between fragments.
 * Breadth-first search from every atom: O(atoms · (atoms + bonds)).
 * @throws RangeError when a bond names an atom outside 0 … atoms − 1.
 */
export function topologicalDistances(
  atoms: number,
  bonds: readonly Pick<Bond, 'a' | 'b'>[]
): Int32Array {
  const neighbours: number[][] = Array.from({ length: atoms }, () => [])
  for (const { a, b } of bonds) {
    if (!(a >= 0 && a < atoms && b >= 0 && b < atoms)) {
      throw new RangeError(`bond ${a}–${b} is outside the ${atoms} atoms`)
    }
    neighbours[a].push(b)
    neighbours[b].push(a)
  }
  const out = new Int32Array(atoms * atoms).fill(unreachable)
  const queue = new Int32Array(atoms)
  for (let s = 0; s < atoms; s++) {
    const row = s * atoms
    out[row + s] = 0
    let head = 0
    let tail = 0
    queue[tail++] = s
    while (head < tail) {
      const u = queue[head++]
      for (const v of neighbours[u]) {
        if (out[row + v] === unreachable) {
          out[row + v] = out[row + u] + 1
          queue[tail++] = v
        }
      }
    }
  }
  return out
}
