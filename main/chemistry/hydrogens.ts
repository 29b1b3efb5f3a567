// Hydrogens for a heavy-atom skeleton with 3D coordinates: each heavy atom gets the number of
// hydrogens it is given (a heavy-atom model's hydrogen counts), placed by VSEPR geometry at the
// element's typical X–H bond length (the single-bond table of bonds.ts: C–H 1.09 Å, N–H 1.01 Å,
// O–H 0.96 Å). An atom's electron domains follow from its bonds: a triple bond or two double bonds
// make it linear (2 domains, 180°), one double bond trigonal (3, 120°), single bonds only tetrahedral
// (4, 109.47°); lone pairs take the domains the hydrogens leave free. Hydrogens on a CH3 or NH2 next
// to a tetrahedral neighbour are staggered against that neighbour's other bonds, and those of a =CH2
// lie in the plane of its double-bond partner's substituents, as in a relaxed structure. Where the
// bonds and counts ask for more domains than the geometry has, the extra hydrogens go to the free
// directions farthest from every bond. Deterministic: no random numbers.
import { StudioError } from '../contract'
import { singleBondLength } from './bonds'
import type { Bond, Molecule3D } from './molecule'

type Vec = [number, number, number]

const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
const add = (a: Vec, b: Vec): Vec => [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
const scale = (a: Vec, s: number): Vec => [a[0] * s, a[1] * s, a[2] * s]
const dot = (a: Vec, b: Vec) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
const cross = (a: Vec, b: Vec): Vec => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0]
]
const norm = (a: Vec) => Math.hypot(a[0], a[1], a[2])
const unit = (a: Vec): Vec | undefined => {
  const l = norm(a)
  return l > 1e-6 ? scale(a, 1 / l) : undefined
}

/** A unit vector perpendicular to u (unit): u × the axis least aligned with u. */
function perpendicular(u: Vec): Vec {
  const axis: Vec =
    Math.abs(u[0]) <= Math.abs(u[1]) && Math.abs(u[0]) <= Math.abs(u[2])
      ? [1, 0, 0]
      : Math.abs(u[1]) <= Math.abs(u[2])
        ? [0, 1, 0]
        : [0, 0, 1]
  return unit(cross(u, axis))!
}

/** The component of v perpendicular to u (unit), normalised; undefined when v ∥ u. */
const perpendicularPart = (v: Vec, u: Vec) => unit(sub(v, scale(u, dot(v, u))))

const TETRAHEDRAL = Math.acos(-1 / 3) // 109.47°

/**
 * Directions on the sphere for the fallback: the 26 of the cube's corners, edge midpoints and face
 * centres, normalised.
 */
const fallbackDirections: Vec[] = []
for (let x = -1; x <= 1; x++)
  for (let y = -1; y <= 1; y++)
    for (let z = -1; z <= 1; z++) if (x || y || z) fallbackDirections.push(unit([x, y, z])!)

/** `count` directions, each farthest (largest smallest angle) from `taken` and those chosen before. */
function farthestDirections(taken: readonly Vec[], count: number): Vec[] {
  const chosen: Vec[] = []
  for (let k = 0; k < count; k++) {
    let best = fallbackDirections[0]
    let bestScore = Infinity
    for (const d of fallbackDirections) {
      let score = -Infinity
      for (const t of [...taken, ...chosen]) score = Math.max(score, dot(d, t))
      if (score < bestScore) {
        bestScore = score
        best = d
      }
    }
    chosen.push(best)
  }
  return chosen
}

/**
 * Ideal directions of the free domains of an atom with heavy-neighbour directions `u` (unit) and
 * `domains` electron domains in all; `reference` is a unit vector perpendicular to the lone neighbour's
 * direction that fixes the rotation about it (staggering, or the plane of a double bond).
 */
function freeDomains(u: readonly Vec[], domains: number, reference: Vec | undefined): Vec[] {
  const k = u.length
  if (domains === 4) {
    if (k === 0)
      return [
        [1, 1, 1],
        [1, -1, -1],
        [-1, 1, -1],
        [-1, -1, 1]
      ].map((v) => unit(v as Vec)!)
    if (k === 1) {
      const a = scale(u[0], -1)
      const p = reference ?? perpendicular(a)
      const q = cross(a, p)
      const along = Math.cos(Math.PI - TETRAHEDRAL)
      const across = Math.sin(Math.PI - TETRAHEDRAL)
      return [0, 1, 2].map((i) => {
        const phi = (2 * Math.PI * i) / 3
        return add(
          scale(a, along),
          add(scale(p, across * Math.cos(phi)), scale(q, across * Math.sin(phi)))
        )
      })
    }
    if (k === 2) {
      const b = unit(scale(add(u[0], u[1]), -1)) ?? perpendicular(u[0])
      const n = unit(cross(u[0], u[1])) ?? perpendicular(b)
      const half = TETRAHEDRAL / 2
      return [
        add(scale(b, Math.cos(half)), scale(n, Math.sin(half))),
        add(scale(b, Math.cos(half)), scale(n, -Math.sin(half)))
      ]
    }
    if (k === 3) {
      const d =
        unit(scale(add(add(u[0], u[1]), u[2]), -1)) ?? unit(cross(sub(u[1], u[0]), sub(u[2], u[0])))
      return d ? [d] : []
    }
    return []
  }
  if (domains === 3) {
    if (k === 1) {
      const a = scale(u[0], -1)
      const p = reference ?? perpendicular(a)
      const s = Math.sin((2 * Math.PI) / 3)
      return [add(scale(a, 0.5), scale(p, s)), add(scale(a, 0.5), scale(p, -s))]
    }
    if (k === 2) {
      const d = unit(scale(add(u[0], u[1]), -1)) ?? perpendicular(u[0])
      return [d]
    }
    return []
  }
  if (domains === 2 && k === 1) return [scale(u[0], -1)]
  return []
}

/**
 * The molecule with hydrogens: the heavy atoms as given (same order, positions, bonds), then the
 * hydrogens of atom 0, of atom 1, … each bonded to its atom by a single bond.
 * @param heavy heavy atoms with positions (Å) and their bonds (usually perceived from distances).
 * @param counts hydrogens per heavy atom, [atoms], integers 0 … 4.
 * @throws StudioError invalid-request when counts has the wrong length or a count is not an integer
 *   in 0 … 4; bad-input for an element without an X–H bond length.
 */
export function addHydrogens(heavy: Molecule3D, counts: ArrayLike<number>): Molecule3D {
  const n = heavy.elements.length
  if (counts.length !== n) {
    throw new StudioError(
      'invalid-request',
      `${n} heavy atoms need ${n} hydrogen counts; got ${counts.length}.`
    )
  }
  const total = Array.from(counts).reduce((s, c) => {
    if (!Number.isInteger(c) || c < 0 || c > 4) {
      throw new StudioError('invalid-request', `A hydrogen count of ${c}; counts are 0 … 4.`)
    }
    return s + c
  }, 0)
  const p = (i: number): Vec => [
    heavy.positions[3 * i],
    heavy.positions[3 * i + 1],
    heavy.positions[3 * i + 2]
  ]
  const neighbours: { atom: number; order: number }[][] = heavy.elements.map(() => [])
  for (const { a, b, order } of heavy.bonds) {
    neighbours[a].push({ atom: b, order })
    neighbours[b].push({ atom: a, order })
  }
  const domainsOf = (i: number) => {
    const orders = neighbours[i].map((x) => x.order)
    const doubles = orders.filter((o) => o === 2).length
    return orders.includes(3) || doubles >= 2 ? 2 : doubles === 1 ? 3 : 4
  }
  const positions = new Float32Array(3 * (n + total))
  positions.set(heavy.positions.subarray(0, 3 * n))
  const elements = [...heavy.elements]
  const bonds: Bond[] = [...heavy.bonds]
  for (let i = 0; i < n; i++) {
    const h = counts[i]
    if (h === 0) continue
    const length = singleBondLength(heavy.elements[i], 'H')
    if (length === undefined) {
      throw new StudioError('bad-input', `No X–H bond length for atom ${i} (${heavy.elements[i]}).`)
    }
    const here = p(i)
    const u = neighbours[i]
      .map(({ atom }) => unit(sub(p(atom), here)))
      .filter((v): v is Vec => v !== undefined)
    const domains = Math.min(4, Math.max(domainsOf(i), u.length + h))
    // The lone neighbour's other bonds fix the rotation: staggered (tetrahedral) or coplanar (=CH2).
    let reference: Vec | undefined
    if (u.length === 1) {
      const j = neighbours[i][0].atom
      const other = neighbours[j].find(({ atom }) => atom !== i)
      if (other) {
        const w = perpendicularPart(sub(p(other.atom), p(j)), u[0])
        if (w) reference = domains === 4 ? scale(w, -1) : w
      }
    }
    const free = freeDomains(u, domains, reference)
    const directions = [
      ...free.slice(0, h),
      ...farthestDirections([...u, ...free], Math.max(0, h - free.length))
    ]
    for (const d of directions) {
      const k = elements.length
      positions.set(add(here, scale(d, length / 100)), 3 * k)
      elements.push('H')
      bonds.push({ a: i, b: k, order: 1 })
    }
  }
  return {
    elements,
    bonds,
    positions,
    ...(heavy.charges ? { charges: [...heavy.charges, ...new Array<number>(total).fill(0)] } : {})
  }
}
