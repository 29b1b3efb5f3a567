// Bonds perceived from 3D coordinates, for drawing frames that come without a bond table (a
// denoising trajectory, an XYZ file). Two atoms are bonded when 0.4 Å < d ≤ r₁ + r₂ + tolerance
// (single-bond covalent radii, Cordero 2008). The tolerance is 0.3 Å by default: Jmol's and Open
// Babel's 0.4–0.45 Å, with these radii, bond the bridgeheads of QM9's strained cages (C…C 1.80–1.87 Å);
// 0.3 Å matches RDKit's bonds on 337 of the starter set's 340 held-out conformers (bonds.test.ts).
// The order of a bond is estimated from its length with EDM's thresholds (Hoogeboom et al. 2022,
// qm9/bond_analyze.py: double below the typical double-bond length + 5 pm, triple below the triple-bond
// length + 3 pm) for the pairs those tables list; every other bond is single. The engine's own
// perception (main/chemistry) decides validity; this one only draws.
import { styleOf } from './elements'
import type { Bond, BondOrder } from './molecule'

export interface PerceiveOptions {
  /** Å added to the sum of covalent radii (default 0.3). */
  readonly tolerance?: number
  /** Closer than this (Å) is an overlap, not a bond. */
  readonly minDistance?: number
  /** Estimate double and triple bonds from their lengths (else every bond is single). */
  readonly orders?: boolean
}

/** Typical lengths in pm (wiredchemist.com / chemistry-reference.com, the tables EDM uses). */
const doubleLength: Readonly<Record<string, number>> = {
  'C-C': 134, 'C-N': 129, 'C-O': 120, 'C-S': 160, 'N-N': 125, 'N-O': 121, 'O-O': 121, 'O-P': 150,
  'P-S': 186
} // prettier-ignore
const tripleLength: Readonly<Record<string, number>> = {
  'C-C': 120,
  'C-N': 116,
  'C-O': 113,
  'N-N': 110
}

const pairKey = (x: string, y: string) => (x < y ? `${x}-${y}` : `${y}-${x}`)

/** The order a bond of this length between these elements most likely has (1 when unknown). */
export function orderFromLength(x: string, y: string, distance: number): BondOrder {
  const pm = distance * 100
  const key = pairKey(x, y)
  const triple = tripleLength[key]
  if (triple !== undefined && pm < triple + 3) return 3
  const double = doubleLength[key]
  if (double !== undefined && pm < double + 5) return 2
  return 1
}

/**
 * Bonds of a frame, sorted by (a, b) with a < b. A uniform grid of cells as wide as the longest
 * possible bond keeps it near-linear in the number of atoms. Non-finite coordinates bond to nothing.
 */
export function perceiveBonds(
  elements: readonly string[],
  positions: Float32Array,
  options: PerceiveOptions = {}
): Bond[] {
  const tolerance = options.tolerance ?? 0.3
  const minDistance = options.minDistance ?? 0.4
  const n = elements.length
  const radii = elements.map((e) => styleOf(e).covalentRadius)
  const cell = 2 * Math.max(0.5, ...radii) + tolerance
  const grid = new Map<string, number[]>()
  const cellOf = (i: number) => [0, 1, 2].map((d) => Math.floor(positions[3 * i + d] / cell))
  const finite = (i: number) =>
    Number.isFinite(positions[3 * i]) &&
    Number.isFinite(positions[3 * i + 1]) &&
    Number.isFinite(positions[3 * i + 2])
  for (let i = 0; i < n; i++) {
    if (!finite(i)) continue
    const key = cellOf(i).join(',')
    const list = grid.get(key)
    if (list) list.push(i)
    else grid.set(key, [i])
  }
  const bonds: Bond[] = []
  for (let i = 0; i < n; i++) {
    if (!finite(i)) continue
    const [cx, cy, cz] = cellOf(i)
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dz = -1; dz <= 1; dz++) {
          for (const j of grid.get(`${cx + dx},${cy + dy},${cz + dz}`) ?? []) {
            if (j <= i) continue
            const x = positions[3 * i] - positions[3 * j]
            const y = positions[3 * i + 1] - positions[3 * j + 1]
            const z = positions[3 * i + 2] - positions[3 * j + 2]
            const d = Math.sqrt(x * x + y * y + z * z)
            if (d <= minDistance || d > radii[i] + radii[j] + tolerance) continue
            const order =
              options.orders === false ? 1 : orderFromLength(elements[i], elements[j], d)
            bonds.push({ a: i, b: j, order })
          }
        }
  }
  return bonds.sort((p, q) => p.a - q.a || p.b - q.b)
}
