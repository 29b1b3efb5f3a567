// A molecule as the viewer holds it, and the measurements a user takes on it.

/** 1 single, 2 double, 3 triple; 4 aromatic (drawn as a single bond with a dashed partner). */
export type BondOrder = 1 | 2 | 3 | 4

export interface Bond {
  /** Atom indices, a < b. */
  readonly a: number
  readonly b: number
  readonly order: BondOrder
}

export interface Molecule {
  /** Element symbols in their standard spelling ('C', 'Cl'). */
  readonly elements: readonly string[]
  /** Å, interleaved xyz: 3 × atoms. */
  readonly positions: Float32Array
  readonly bonds: readonly Bond[]
  /** Formal charge per atom (0 where none). */
  readonly charges: readonly number[]
  /** The record's name (header line 1 of a molfile), when it has one. */
  readonly name?: string
  /** SD data items, name → value. */
  readonly data?: Readonly<Record<string, string>>
}

const at = (p: Float32Array, i: number): [number, number, number] => [
  p[3 * i],
  p[3 * i + 1],
  p[3 * i + 2]
]
const sub = (u: number[], v: number[]) => [u[0] - v[0], u[1] - v[1], u[2] - v[2]]
const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
const cross = (u: number[], v: number[]) => [
  u[1] * v[2] - u[2] * v[1],
  u[2] * v[0] - u[0] * v[2],
  u[0] * v[1] - u[1] * v[0]
]
const norm = (u: number[]) => Math.sqrt(dot(u, u))

/** Distance between atoms i and j, Å. */
export function distance(positions: Float32Array, i: number, j: number): number {
  return norm(sub(at(positions, i), at(positions, j)))
}

/** The angle i–j–k at atom j, degrees (0 when two atoms coincide). */
export function angle(positions: Float32Array, i: number, j: number, k: number): number {
  const u = sub(at(positions, i), at(positions, j))
  const v = sub(at(positions, k), at(positions, j))
  const d = norm(u) * norm(v)
  if (d === 0) return 0
  return (Math.acos(Math.min(1, Math.max(-1, dot(u, v) / d))) * 180) / Math.PI
}

/** The dihedral (torsion) angle i–j–k–l, degrees in (−180, 180] (IUPAC sign convention). */
export function dihedral(
  positions: Float32Array,
  i: number,
  j: number,
  k: number,
  l: number
): number {
  const b1 = sub(at(positions, j), at(positions, i))
  const b2 = sub(at(positions, k), at(positions, j))
  const b3 = sub(at(positions, l), at(positions, k))
  const n1 = cross(b1, b2)
  const n2 = cross(b2, b3)
  const m = cross(
    n1,
    b2.map((c) => c / (norm(b2) || 1))
  )
  const x = dot(n1, n2)
  const y = dot(m, n2)
  const deg = (Math.atan2(y, x) * 180) / Math.PI
  return deg === -180 ? 180 : deg
}

/** What the picked atoms measure: a distance (2), an angle (3) or a torsion (4); null otherwise. */
export type Measurement =
  | { readonly kind: 'distance'; readonly atoms: readonly number[]; readonly value: number }
  | { readonly kind: 'angle'; readonly atoms: readonly number[]; readonly value: number }
  | { readonly kind: 'dihedral'; readonly atoms: readonly number[]; readonly value: number }

export function measure(positions: Float32Array, picked: readonly number[]): Measurement | null {
  const [i, j, k, l] = picked
  if (picked.length === 2)
    return { kind: 'distance', atoms: picked, value: distance(positions, i, j) }
  if (picked.length === 3) return { kind: 'angle', atoms: picked, value: angle(positions, i, j, k) }
  if (picked.length === 4) {
    return { kind: 'dihedral', atoms: picked, value: dihedral(positions, i, j, k, l) }
  }
  return null
}

/** "C3" style atom names (1-based, as molfiles and most viewers number atoms). */
export const atomName = (elements: readonly string[], i: number): string => `${elements[i]}${i + 1}`

/** "C1–O2 1.214 Å", "H3–C1–O2 109.5°". */
export function describeMeasurement(elements: readonly string[], m: Measurement): string {
  const names = m.atoms.map((i) => atomName(elements, i)).join('–')
  return m.kind === 'distance'
    ? `${names} ${m.value.toFixed(3)} Å`
    : `${names} ${m.value.toFixed(1)}°`
}

/**
 * The next selection after clicking atom `i`: clicking a picked atom removes it (and what was picked
 * after it); a fifth atom starts a new selection.
 */
export function pickAtom(picked: readonly number[], i: number, max = 4): number[] {
  const k = picked.indexOf(i)
  if (k >= 0) return picked.slice(0, k)
  return picked.length >= max ? [i] : [...picked, i]
}

/** The molecular formula in Hill order: C, then H, then the rest alphabetically (all alphabetical without C). */
export function hillFormula(elements: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const e of elements) counts.set(e, (counts.get(e) ?? 0) + 1)
  const rank = (e: string) => (counts.has('C') ? (e === 'C' ? 0 : e === 'H' ? 1 : 2) : 2)
  return [...counts.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((e) => `${e}${counts.get(e) === 1 ? '' : counts.get(e)}`)
    .join('')
}
