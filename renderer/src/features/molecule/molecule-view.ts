// A molecule as three.js draws it: atoms as instanced spheres in CPK colours (ball-and-stick: a fifth
// of the van der Waals radius; space-filling: the whole radius), bonds as instanced cylinders split at
// the middle into the two atoms' colours, double and triple bonds as two or three thinner parallel
// cylinders laid in the plane of a neighbouring atom, aromatic bonds as a full one with a thin partner.
// Hydrogens can be hidden. Picked atoms get a halo and the measured ones are joined by lines. `set`
// redraws from new positions and bonds (a trajectory frame) reusing the buffers.
import {
  BufferAttribute,
  BufferGeometry,
  Color,
  CylinderGeometry,
  Group,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Matrix4,
  MeshBasicMaterial,
  MeshStandardMaterial,
  Quaternion,
  SphereGeometry,
  Vector3
} from 'three'
import { isHydrogen, styleOf } from './elements'
import type { Bond } from './molecule'

export type MoleculeStyle = 'ball-and-stick' | 'space-filling'

export interface Drawable {
  readonly elements: readonly string[]
  readonly positions: Float32Array
  readonly bonds: readonly Bond[]
}

export interface DrawOptions {
  readonly style: MoleculeStyle
  readonly hydrogens: boolean
}

const ballScale = 0.2
const bondRadius = 0.09
const up = new Vector3(0, 1, 0)

/** Atom radius in the given style, Å. */
export const atomRadius = (symbol: string, style: MoleculeStyle): number =>
  styleOf(symbol).vdwRadius * (style === 'space-filling' ? 1 : ballScale)

/** The largest atom radius of a molecule in a style (how far spheres reach past the centres). */
export function largestRadius(elements: readonly string[], style: MoleculeStyle): number {
  let r = 0
  for (const e of new Set(elements)) r = Math.max(r, atomRadius(e, style))
  return r
}

/** The halo around a picked atom: a thin shell on a space-filling sphere, a ring on a ball. */
const haloRadius = (r: number, style: MoleculeStyle) =>
  style === 'space-filling' ? r * 1.04 + 0.06 : r * 1.3 + 0.05

export class MoleculeView {
  readonly object = new Group()
  readonly #sphere = new SphereGeometry(1, 28, 18)
  readonly #cylinder = new CylinderGeometry(1, 1, 1, 14, 1, true)
  readonly #atomMaterial = new MeshStandardMaterial({ roughness: 0.45, metalness: 0.05 })
  readonly #bondMaterial = new MeshStandardMaterial({ roughness: 0.5, metalness: 0.05 })
  readonly #haloMaterial = new MeshBasicMaterial({
    color: 0xffd84a,
    transparent: true,
    opacity: 0.35,
    depthWrite: false
  })
  #atoms: InstancedMesh | null = null
  #bonds: InstancedMesh | null = null
  #halos: InstancedMesh | null = null
  readonly #lines: LineSegments
  /** Instance k of the atom mesh is atom #shown[k]. */
  #shown: number[] = []
  #drawn: Drawable | null = null
  #options: DrawOptions = { style: 'ball-and-stick', hydrogens: true }

  constructor() {
    this.#lines = new LineSegments(
      new BufferGeometry(),
      new LineBasicMaterial({ color: 0xffd84a, depthTest: false, transparent: true })
    )
    this.#lines.renderOrder = 2
    this.object.add(this.#lines)
  }

  /** The atom mesh (for picking). */
  get atomMesh(): InstancedMesh | null {
    return this.#atoms
  }

  /** The atom an instance of the atom mesh draws. */
  atomOf(instance: number): number | undefined {
    return this.#shown[instance]
  }

  /** Atoms drawn now (hydrogens left out when hidden). */
  get shownAtoms(): readonly number[] {
    return this.#shown
  }

  set(molecule: Drawable, options: DrawOptions): void {
    this.#drawn = molecule
    this.#options = options
    const { elements, positions } = molecule
    const show = (i: number) => options.hydrogens || !isHydrogen(elements[i])
    this.#shown = elements.map((_, i) => i).filter(show)

    const atoms = this.#mesh('atoms', this.#shown.length)
    const m = new Matrix4()
    const color = new Color()
    this.#shown.forEach((i, k) => {
      const r = atomRadius(elements[i], options.style)
      m.makeScale(r, r, r).setPosition(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
      atoms.setMatrixAt(k, m)
      atoms.setColorAt(k, color.set(styleOf(elements[i]).color))
    })
    this.#finish(atoms, this.#shown.length)

    const segments: [Vector3, Vector3, number, string][] = []
    if (options.style === 'ball-and-stick') {
      for (const bond of molecule.bonds) {
        if (!show(bond.a) || !show(bond.b)) continue
        for (const [from, to, r] of this.#bondLines(molecule, bond)) {
          const mid = from.clone().lerp(to, 0.5)
          segments.push([from, mid, r, elements[bond.a]], [mid, to, r, elements[bond.b]])
        }
      }
    }
    const bonds = this.#mesh('bonds', segments.length)
    const q = new Quaternion()
    segments.forEach(([from, to, r, symbol], k) => {
      const axis = to.clone().sub(from)
      const length = axis.length()
      q.setFromUnitVectors(up, length > 0 ? axis.divideScalar(length) : up)
      m.compose(from.clone().lerp(to, 0.5), q, new Vector3(r, length, r))
      bonds.setMatrixAt(k, m)
      bonds.setColorAt(k, color.set(styleOf(symbol).color))
    })
    this.#finish(bonds, segments.length)
  }

  /** The cylinders of one bond: [from, to, radius] for each line it is drawn as. */
  #bondLines(molecule: Drawable, bond: Bond): [Vector3, Vector3, number][] {
    const p = molecule.positions
    const a = new Vector3(p[3 * bond.a], p[3 * bond.a + 1], p[3 * bond.a + 2])
    const b = new Vector3(p[3 * bond.b], p[3 * bond.b + 1], p[3 * bond.b + 2])
    if (bond.order === 1) return [[a, b, bondRadius]]
    const dir = b.clone().sub(a).normalize()
    // Lay the lines in the plane of a neighbour so a double bond reads flat, as in a drawing.
    const neighbour = molecule.bonds.find(
      (o) => o !== bond && (o.a === bond.a || o.b === bond.a || o.a === bond.b || o.b === bond.b)
    )
    let side = new Vector3()
    if (neighbour) {
      const k = [neighbour.a, neighbour.b].find((x) => x !== bond.a && x !== bond.b) ?? neighbour.a
      const toK = new Vector3(p[3 * k], p[3 * k + 1], p[3 * k + 2]).sub(a)
      side = toK.sub(dir.clone().multiplyScalar(toK.dot(dir)))
    }
    if (side.lengthSq() < 1e-6)
      side = new Vector3().crossVectors(dir, Math.abs(dir.y) < 0.9 ? up : new Vector3(1, 0, 0))
    side.normalize()
    const shifted = (d: number): [Vector3, Vector3] => [
      a.clone().addScaledVector(side, d),
      b.clone().addScaledVector(side, d)
    ]
    if (bond.order === 2) {
      return [
        [...shifted(-0.085), bondRadius * 0.6],
        [...shifted(0.085), bondRadius * 0.6]
      ]
    }
    if (bond.order === 3) {
      return [
        [a, b, bondRadius * 0.5],
        [...shifted(-0.14), bondRadius * 0.5],
        [...shifted(0.14), bondRadius * 0.5]
      ]
    }
    return [
      [a, b, bondRadius * 0.8],
      [...shifted(0.16), bondRadius * 0.35]
    ]
  }

  /** Halos on the picked atoms, and lines joining them in order. */
  highlight(picked: readonly number[]): void {
    const molecule = this.#drawn
    const valid = molecule ? picked.filter((i) => i < molecule.elements.length) : []
    const halos = this.#mesh('halos', valid.length)
    const m = new Matrix4()
    const p = molecule?.positions ?? new Float32Array(0)
    valid.forEach((i, k) => {
      const r = haloRadius(
        atomRadius(molecule!.elements[i], this.#options.style),
        this.#options.style
      )
      m.makeScale(r, r, r).setPosition(p[3 * i], p[3 * i + 1], p[3 * i + 2])
      halos.setMatrixAt(k, m)
    })
    this.#finish(halos, valid.length)
    const line: number[] = []
    for (let k = 1; k < valid.length; k++) {
      for (const i of [valid[k - 1], valid[k]]) line.push(p[3 * i], p[3 * i + 1], p[3 * i + 2])
    }
    const geometry = this.#lines.geometry
    geometry.setAttribute('position', new BufferAttribute(Float32Array.from(line), 3))
    geometry.computeBoundingSphere()
  }

  #mesh(which: 'atoms' | 'bonds' | 'halos', count: number): InstancedMesh {
    const current = which === 'atoms' ? this.#atoms : which === 'bonds' ? this.#bonds : this.#halos
    if (current && current.instanceMatrix.count >= count) return current
    if (current) {
      current.removeFromParent()
      current.dispose()
    }
    const capacity = Math.max(8, Math.ceil(count * 1.5))
    const mesh =
      which === 'atoms'
        ? new InstancedMesh(this.#sphere, this.#atomMaterial, capacity)
        : which === 'bonds'
          ? new InstancedMesh(this.#cylinder, this.#bondMaterial, capacity)
          : new InstancedMesh(this.#sphere, this.#haloMaterial, capacity)
    mesh.frustumCulled = false
    if (which === 'halos') mesh.renderOrder = 1
    this.object.add(mesh)
    if (which === 'atoms') this.#atoms = mesh
    else if (which === 'bonds') this.#bonds = mesh
    else this.#halos = mesh
    return mesh
  }

  #finish(mesh: InstancedMesh, count: number): void {
    mesh.count = count
    mesh.instanceMatrix.needsUpdate = true
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true
    // Picking tests instances against the mesh's bounding sphere: keep it current.
    mesh.computeBoundingSphere()
  }
}
