import {
  BoxGeometry,
  DataTexture,
  Group,
  Mesh,
  MeshBasicMaterial,
  Points,
  PointsMaterial
} from 'three'
import { describe, expect, it } from 'vitest'
import { boundsOf, fitDistance } from './bounds'
import { disposeObject } from './dispose'

describe('boundsOf', () => {
  it('finds the box and the enclosing sphere, leaving non-finite points out', () => {
    const b = boundsOf(Float32Array.from([-1, 0, 0, 3, 2, 0, NaN, 9, 9, 1, 1, Infinity]))
    expect(b.count).toBe(2)
    expect(b.min).toEqual([-1, 0, 0])
    expect(b.max).toEqual([3, 2, 0])
    expect(b.center).toEqual([1, 1, 0])
    expect(b.radius).toBeCloseTo(Math.sqrt(5))
    expect(boundsOf(new Float32Array(0))).toMatchObject({ radius: 1, count: 0 })
  })
})

describe('fitDistance', () => {
  it('backs off until the sphere fits the narrower field of view', () => {
    const wide = fitDistance(1, 40, 2, 1)
    expect(wide).toBeCloseTo(1 / Math.sin((20 * Math.PI) / 180))
    const tall = fitDistance(1, 40, 0.5, 1)
    expect(tall).toBeGreaterThan(wide)
  })
})

describe('disposeObject', () => {
  it('disposes every geometry, material and texture once, and detaches the tree', () => {
    const events: string[] = []
    const note = (name: string) => () => events.push(name)
    const geometry = new BoxGeometry()
    geometry.addEventListener('dispose', note('geometry'))
    const texture = new DataTexture(new Uint8Array(4), 1, 1)
    texture.addEventListener('dispose', note('texture'))
    const material = new PointsMaterial({ map: texture })
    material.addEventListener('dispose', note('points material'))
    const shared = new MeshBasicMaterial()
    shared.addEventListener('dispose', note('mesh material'))
    const parent = new Group()
    const root = new Group()
    parent.add(root)
    root.add(
      new Mesh(geometry, shared),
      new Mesh(geometry, shared),
      new Points(undefined, material)
    )
    disposeObject(root)
    expect(events.sort()).toEqual(['geometry', 'mesh material', 'points material', 'texture'])
    expect(root.parent).toBeNull()
  })
})
