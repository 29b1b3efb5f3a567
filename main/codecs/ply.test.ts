import { describe, expect, it } from 'vitest'
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js'
import { StudioError } from '../contract'
import { readPly, writePly } from './ply'

/** A reproducible float32 cloud with awkward values (tiny, huge, negative zero). */
function cloud(n: number): Float32Array {
  const out = new Float32Array(n * 3)
  let s = 7
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    out[i] = (s / 2 ** 31 - 0.5) * 2
  }
  out.set([-0, 1e-30, 3.4e38, 0.1, 123456.789, -7], 0)
  return out
}

function colours(n: number): Uint8Array {
  return Uint8Array.from({ length: n * 3 }, (_, i) => (i * 37) % 256)
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

const recipes = [
  '{"prompt":"a chair","seed":1}',
  '猫と犬 🐱\nline two\ttab "quoted" \\',
  ' '.repeat(300),
  ''
]

describe('PLY write → read', () => {
  it.each(['binary', 'ascii'] as const)(
    'round-trips points bit for bit (%s), colours and recipes',
    (format) => {
      const points = cloud(500)
      const colors = colours(500)
      for (const recipe of recipes) {
        const bytes = writePly(
          { points, colors },
          { format, recipe, comments: ['made here', 'café'] }
        )
        const back = readPly(bytes)
        expect(back.points).toEqual(Float64Array.from(points))
        expect(Object.is(back.points[0], -0)).toBe(true)
        expect(back.colors).toEqual(colors)
        expect(back.recipe).toBe(recipe)
        expect(back.comments).toEqual(['made here', 'café'])
      }
      const plain = readPly(writePly({ points }, { format }))
      expect(plain.colors).toBeUndefined()
      expect(plain.recipe).toBeUndefined()
      expect(plain.points).toEqual(Float64Array.from(points))
    }
  )

  it('writes the header other tools expect, and three.js’s PLYLoader reads it', () => {
    const points = Float32Array.from([0, 0, 0, 1, 2, 3])
    const ascii = writePly(
      { points, colors: Uint8Array.from([255, 0, 0, 0, 255, 0]) },
      { format: 'ascii' }
    )
    expect(ascii.toString()).toBe(
      [
        'ply',
        'format ascii 1.0',
        'element vertex 2',
        'property float x',
        'property float y',
        'property float z',
        'property uchar red',
        'property uchar green',
        'property uchar blue',
        'end_header',
        '0 0 0 255 0 0',
        '1 2 3 0 255 0',
        ''
      ].join('\n')
    )
    for (const format of ['ascii', 'binary'] as const) {
      const bytes = writePly({ points: cloud(50), colors: colours(50) }, { format, recipe: 'r' })
      const geometry = new PLYLoader().parse(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
      )
      expect(Array.from(geometry.getAttribute('position').array)).toEqual(Array.from(cloud(50)))
      expect(geometry.getAttribute('color').count).toBe(50)
    }
    // Binary: the header, then 12 bytes a point (15 with colours).
    const binary = writePly({ points: cloud(10), colors: colours(10) })
    expect(binary.length - (binary.indexOf('end_header\n') + 11)).toBe(150)
  })

  it('refuses to write malformed clouds', () => {
    expect(() => writePly({ points: new Float32Array(4) })).toThrow(/multiple of 3/)
    expect(() => writePly({ points: Float32Array.from([0, NaN, 0]) })).toThrow(/non-finite/)
    expect(() => writePly({ points: new Float32Array(3), colors: new Uint8Array(2) })).toThrow(
      /colour/
    )
    expect(() => writePly({ points: new Float32Array(3) }, { comments: ['a\nb'] })).toThrow(
      /line break/
    )
  })
})

describe('readPly of files from other writers', () => {
  const header = (format: string, ...body: string[]) =>
    ['ply', `format ${format} 1.0`, ...body, 'end_header'].join('\n') + '\n'

  it('reads ASCII with extra properties, float colours, faces around the vertices and CRLF lines', () => {
    const text = [
      'ply',
      'format ascii 1.0',
      'obj_info from a scanner',
      'element face 1',
      'property list uchar int vertex_indices',
      'element vertex 3',
      'property double x',
      'property double y',
      'property double z',
      'property float nx',
      'property float red',
      'property float green',
      'property float blue',
      'element edge 1',
      'property int vertex1',
      'property int vertex2',
      'end_header',
      '3 0 1 2',
      '0.5 1 -2 0 1 0 0',
      '1e-3 2 3 1 0 0.5 1',
      '-1 -2 -3 0 0.2 0.4 0.6',
      '0 1',
      ''
    ].join('\r\n')
    const r = readPly(Buffer.from(text))
    // double stays double: 1e-3 is not narrowed to float32's 0.0010000000474974513.
    expect(Array.from(r.points)).toEqual([0.5, 1, -2, 1e-3, 2, 3, -1, -2, -3])
    expect(r.precision).toBe('float64')
    expect(Array.from(r.colors!)).toEqual([255, 0, 0, 0, 128, 255, 51, 102, 153])
    expect(r.comments).toEqual([])
  })

  it('reads binary little- and big-endian files with lists before the vertices', () => {
    for (const little of [true, false]) {
      const head = Buffer.from(
        header(
          little ? 'binary_little_endian' : 'binary_big_endian',
          'comment other tool',
          'element face 2',
          'property list uchar int vertex_indices',
          'element vertex 2',
          'property float x',
          'property float y',
          'property float z',
          'property uchar red',
          'property uchar green',
          'property uchar blue',
          'property ushort alpha'
        )
      )
      const body = Buffer.alloc(2 * (1 + 12) + 2 * (12 + 3 + 2))
      let o = 0
      for (let f = 0; f < 2; f++) {
        body[o++] = 3
        for (let k = 0; k < 3; k++) {
          o = little ? body.writeInt32LE(k, o) : body.writeInt32BE(k, o)
        }
      }
      const values = [
        [1.5, -2, 3],
        [4, 5, -6.25]
      ]
      for (let v = 0; v < 2; v++) {
        for (const x of values[v]) {
          o = little ? body.writeFloatLE(x, o) : body.writeFloatBE(x, o)
        }
        body.set([10 * v, 20, 30], o)
        o += 5
      }
      const r = readPly(Buffer.concat([head, body]))
      expect(Array.from(r.points)).toEqual([1.5, -2, 3, 4, 5, -6.25])
      expect(Array.from(r.colors!)).toEqual([0, 20, 30, 10, 20, 30])
      expect(r.comments).toEqual(['other tool'])
    }
  })

  it('says "no vertices" for faces-only, vertex-less and empty files', () => {
    expectBadInput(
      () =>
        readPly(
          Buffer.from(header('ascii', 'element face 0', 'property list uchar int vertex_indices'))
        ),
      /no vertices \(only face\)/
    )
    expectBadInput(() => readPly(Buffer.from(header('ascii'))), /no vertices/)
    expectBadInput(
      () =>
        readPly(
          Buffer.from(
            header(
              'ascii',
              'element vertex 0',
              'property float x',
              'property float y',
              'property float z'
            )
          )
        ),
      /no vertices/
    )
  })

  it('refuses non-finite coordinates, naming the vertex', () => {
    const h = header(
      'ascii',
      'element vertex 2',
      'property float x',
      'property float y',
      'property float z'
    )
    expectBadInput(() => readPly(Buffer.from(h + '0 0 0\n1 nan 2\n')), /Vertex 2 of 2 .*non-finite/)
    expectBadInput(() => readPly(Buffer.from(h + '0 0 inf\n1 1 2\n')), /Vertex 1 of 2 .*Infinity/)
    const bin = writePly({ points: Float32Array.from([0, 0, 0, 1, 1, 1]) })
    bin.writeFloatLE(NaN, bin.length - 8)
    expectBadInput(() => readPly(bin), /Vertex 2 .*NaN/)
  })

  it('checks the size and point limits before allocating', () => {
    const huge = header(
      'binary_little_endian',
      'element vertex 1000000000',
      'property float x',
      'property float y',
      'property float z'
    )
    expectBadInput(() => readPly(Buffer.from(huge)), /1,000,000,000 points; the limit is 2,000,000/)
    const bytes = writePly({ points: cloud(100) })
    expectBadInput(() => readPly(bytes, { maxPoints: 99 }), /100 points; the limit is 99/)
    expectBadInput(() => readPly(bytes, { maxBytes: 1000 }), /the limit is 0\.0 MiB/)
  })

  it('refuses malformed and truncated files', () => {
    expectBadInput(() => readPly(Buffer.from('hello')), /Not a PLY file/)
    expectBadInput(
      () => readPly(Buffer.from('ply\nformat ascii 1.0\nelement vertex 1\n')),
      /never ends/
    )
    expectBadInput(
      () => readPly(Buffer.from(header('binary_middle_endian'))),
      /format "binary_middle_endian" is unknown/
    )
    expectBadInput(
      () =>
        readPly(
          Buffer.from(header('ascii', 'element vertex 1', 'property float x', 'property float y'))
        ),
      /no x, y, z/
    )
    const bytes = writePly({ points: cloud(10) })
    expectBadInput(() => readPly(bytes.subarray(0, bytes.length - 3)), /truncated/)
    const ascii = writePly({ points: cloud(10) }, { format: 'ascii' }).toString()
    expectBadInput(
      () => readPly(Buffer.from(ascii.slice(0, ascii.lastIndexOf('\n', ascii.length - 2)))),
      /truncated/
    )
    expectBadInput(
      () => readPly(Buffer.from(ascii.replace(/\n0\.1 /, '\nabc '))),
      /"abc" where a number/
    )
  })
})

describe('precision: PLY double stays double', () => {
  // Map coordinates (UTM metres): float32 has 1/16 m steps at 5·10⁵ and 1/2 m at 4.6·10⁶.
  const map = Float64Array.from([500000.123, 4600000.457, 12.5, 500001.999, 4600003.001, -0.001])

  it('reads binary and ASCII doubles bit for bit and writes them back as double', () => {
    for (const format of ['binary', 'ascii'] as const) {
      const bytes = writePly({ points: map }, { format })
      expect(bytes.toString('latin1')).toContain(
        'property double x\nproperty double y\nproperty double z'
      )
      const back = readPly(bytes)
      expect(back.precision).toBe('float64')
      expect(back.points).toEqual(map)
      // And again: read → write → read keeps the type and the bits.
      expect(readPly(writePly(back, { format })).points).toEqual(map)
    }
  })

  it('a float file stays float (the writer keeps the input type)', () => {
    const f = Float32Array.from([0.1, 0.2, 0.3])
    const back = readPly(writePly({ points: f }))
    expect(back.precision).toBe('float32')
    expect(writePly(back).toString('latin1')).toContain('property float x')
    expect(back.points).toEqual(Float64Array.from(f))
  })
})
