import { describe, expect, it } from 'vitest'
import { OBJLoader } from 'three/examples/jsm/loaders/OBJLoader.js'
import type { Points } from 'three'
import { StudioError } from '../contract'
import { readObj, writeObj } from './obj'

function cloud(n: number): Float32Array {
  return Float32Array.from({ length: n * 3 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1)
}

function expectBadInput(run: () => unknown, message: RegExp): void {
  let error: unknown
  try {
    run()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(StudioError)
  expect((error as StudioError).code).toBe('bad-input')
  expect((error as StudioError).message).toMatch(message)
}

describe('OBJ write → read', () => {
  it('round-trips points bit for bit, colours, recipe and comments', () => {
    const points = cloud(300)
    const colors = Uint8Array.from({ length: 900 }, (_, i) => (i * 101) % 256)
    for (const recipe of ['{"prompt":"a lamp"}', '猫\n"x"\\ ', '']) {
      const text = writeObj({ points, colors }, { recipe, comments: ['hello'] })
      const back = readObj(text)
      expect(back.points).toEqual(Float64Array.from(points))
      expect(back.colors).toEqual(colors)
      expect(back.recipe).toBe(recipe)
      expect(back.comments).toEqual(['Diffusion Studio point cloud: 300 points', 'hello'])
      expect(readObj(Buffer.from(text)).points).toEqual(Float64Array.from(points))
    }
    const plain = readObj(writeObj({ points }))
    expect(plain.colors).toBeUndefined()
    expect(plain.recipe).toBeUndefined()
  })

  it('writes v lines that three.js’s OBJLoader reads as points', () => {
    const points = Float32Array.from([0, 0, 0, 1, 2, 3])
    expect(writeObj({ points, colors: Uint8Array.from([255, 0, 0, 0, 128, 255]) })).toBe(
      '# Diffusion Studio point cloud: 2 points\nv 0 0 0 1.000000 0.000000 0.000000\nv 1 2 3 0.000000 0.501961 1.000000\n'
    )
    const group = new OBJLoader().parse(writeObj({ points: cloud(20) }, { recipe: 'r' }))
    const object = group.children[0] as Points
    expect(object.type).toBe('Points')
    expect(Array.from(object.geometry.getAttribute('position').array)).toEqual(
      Array.from(cloud(20))
    )
  })
})

describe('readObj of files from other writers', () => {
  it('reads v lines among faces, normals and texture coordinates; ignores w', () => {
    const r = readObj(
      [
        '# from a modeller',
        'o thing',
        'v 1 2 3 1.0',
        'vn 0 0 1',
        'vt 0.5 0.5',
        '  v\t4 5 6',
        'f 1 2 1',
        ''
      ].join('\r\n')
    )
    expect(Array.from(r.points)).toEqual([1, 2, 3, 4, 5, 6])
    expect(r.colors).toBeUndefined()
    expect(r.comments).toEqual(['from a modeller'])
  })

  it('keeps colours only when every vertex has them', () => {
    expect(readObj('v 0 0 0 1 0 0\nv 1 1 1\n').colors).toBeUndefined()
    expect(Array.from(readObj('v 0 0 0 1 0.5 0\n').colors!)).toEqual([255, 128, 0])
  })

  it('refuses files without vertices, bad numbers, non-finite coordinates and oversized files', () => {
    expectBadInput(() => readObj('# nothing\nf 1 2 3\n'), /no vertices/)
    expectBadInput(() => readObj(''), /no vertices/)
    expectBadInput(() => readObj('v 1 2\n'), /line 1 .*needs x, y and z/)
    expectBadInput(() => readObj('v 1 two 3\n'), /not a number/)
    expectBadInput(() => readObj('v 0 0 0\nv 1 nan 1\n'), /Vertex 2 of 2 .*non-finite/)
    expectBadInput(
      () => readObj('v 0 0 0\nv 0 0 0\n', { maxPoints: 1 }),
      /2 points; the limit is 1/
    )
    expectBadInput(() => readObj('v 0 0 0\n', { maxBytes: 4 }), /limit is/)
  })
})

describe('precision: OBJ text keeps the digits it has', () => {
  it('map coordinates keep their millimetres and are written back exactly; float32 text stays float32', () => {
    const text = 'v 500000.123 4600000.457 12.5\nv 500001.999 4600003.001 -0.001\n'
    const back = readObj(text)
    expect(back.precision).toBe('float64')
    expect(Array.from(back.points)).toEqual([
      500000.123, 4600000.457, 12.5, 500001.999, 4600003.001, -0.001
    ])
    expect(writeObj(back)).toContain(
      'v 500000.123 4600000.457 12.5\nv 500001.999 4600003.001 -0.001'
    )
    const small = readObj('v 0.1 0.2 0.3\n')
    expect(small.precision).toBe('float32')
    expect(Array.from(small.points)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3])))
    expect(writeObj(small)).toContain('v 0.1 0.2 0.3')
  })
})
