import { readFileSync } from 'node:fs'
import { Matrix4, PerspectiveCamera, Raycaster, Vector2, Vector3 } from 'three'
import { describe, expect, it } from 'vitest'
import { disposeObject } from '../../lib/three/dispose'
import { atomRadius, MoleculeView } from './molecule-view'
import { parseSdf } from './sdf'

const [acrylonitrile] = parseSdf(
  readFileSync(new URL('./fixtures/molecules.sdf', import.meta.url), 'utf8')
)

describe('MoleculeView', () => {
  it('draws every atom, and a bond as one, two or three lines split into two colours', () => {
    const view = new MoleculeView()
    view.set(acrylonitrile, { style: 'ball-and-stick', hydrogens: true })
    const [atoms, bonds] = view.object.children.filter((c) => 'isInstancedMesh' in c) as never as [
      { count: number },
      { count: number }
    ]
    expect(atoms.count).toBe(7)
    // Bonds of orders 2, 1, 1, 1, 1, 3: nine lines, each two half cylinders.
    expect(bonds.count).toBe(18)
    view.set(acrylonitrile, { style: 'ball-and-stick', hydrogens: false })
    expect(view.shownAtoms).toEqual([0, 1, 2, 3])
    expect(bonds.count).toBe(12)
    view.set(acrylonitrile, { style: 'space-filling', hydrogens: true })
    expect(bonds.count).toBe(0)
    disposeObject(view.object)
  })

  it('lays a double bond’s two lines in the plane of a neighbour', () => {
    const view = new MoleculeView()
    view.set(acrylonitrile, { style: 'ball-and-stick', hydrogens: true })
    const bonds = view.object.children[2] as never as {
      getMatrixAt(i: number, m: Matrix4): void
    }
    // Segments 0–3 are the C1=C2 bond: two lines, each in two halves; their centres are offset
    // perpendicular to the bond and within the plane of C1, C2 and C3.
    const centre = (k: number) => {
      const m = new Matrix4()
      bonds.getMatrixAt(k, m)
      return new Vector3().setFromMatrixPosition(m)
    }
    const p = acrylonitrile.positions
    const atom = (i: number) => new Vector3(p[3 * i], p[3 * i + 1], p[3 * i + 2])
    const offset = centre(0).sub(centre(2))
    const axis = atom(1).sub(atom(0)).normalize()
    const normal = new Vector3().crossVectors(axis, atom(2).sub(atom(0))).normalize()
    expect(offset.length()).toBeCloseTo(0.17, 3)
    expect(Math.abs(offset.dot(axis))).toBeLessThan(1e-5)
    expect(Math.abs(offset.dot(normal))).toBeLessThan(1e-5)
  })

  it('is picked by a ray through an atom, and names which atom that is with hydrogens hidden', () => {
    const view = new MoleculeView()
    view.set(acrylonitrile, { style: 'ball-and-stick', hydrogens: false })
    view.object.updateMatrixWorld(true)
    const camera = new PerspectiveCamera(35, 1, 0.01, 100)
    const p = acrylonitrile.positions
    const nitrogen = new Vector3(p[9], p[10], p[11])
    camera.position.copy(nitrogen).add(new Vector3(0, 0, 10))
    camera.lookAt(nitrogen)
    camera.updateMatrixWorld(true)
    const ndc = nitrogen.clone().project(camera)
    const ray = new Raycaster()
    ray.setFromCamera(new Vector2(ndc.x, ndc.y), camera)
    const [hit] = ray.intersectObject(view.atomMesh!, false)
    expect(view.atomOf(hit.instanceId!)).toBe(3)
    expect(hit.distance).toBeCloseTo(10 - atomRadius('N', 'ball-and-stick'), 2)
  })

  it('puts halos on picked atoms and joins them with lines', () => {
    const view = new MoleculeView()
    view.set(acrylonitrile, { style: 'ball-and-stick', hydrogens: true })
    view.highlight([0, 1, 2])
    const lines = view.object.children[0] as never as {
      geometry: { getAttribute(n: string): { count: number } }
    }
    expect(lines.geometry.getAttribute('position').count).toBe(4)
    view.highlight([])
    expect(lines.geometry.getAttribute('position').count).toBe(0)
  })
})
