// PLY point clouds (Turk 1994, "The PLY polygon file format"; Paul Bourke's description at
// paulbourke.net/dataformats/ply): ASCII and binary (little- and big-endian) reading of the vertex
// element's x, y, z and optional red, green, blue; writing as ASCII or binary little-endian with
// uchar colours and the recipe in `comment recipe` lines. three.js's PLYExporter is not used: it
// writes colours as floats after a colour-space conversion, has no comments, and reports through
// requestAnimationFrame, which Node lacks.
import { StudioError, foreignEncoding, linesOf, utf8BomLength } from '../contract'
import {
  checkCloudToWrite,
  checkCommentLine,
  checkFileSize,
  checkFinite,
  checkPointCount,
  coordinateText,
  noVertices,
  precisionOf,
  writePrecision
} from './point-cloud-file'
import type { PointCloudFile, PointCloudReadOptions, PointCloudToWrite } from './point-cloud-file'
import { recipeChunks, recipeFromChunks } from './recipe-lines'

type ScalarType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64'

const typeNames: Record<string, ScalarType> = {
  char: 'int8', int8: 'int8', uchar: 'uint8', uint8: 'uint8',
  short: 'int16', int16: 'int16', ushort: 'uint16', uint16: 'uint16',
  int: 'int32', int32: 'int32', uint: 'uint32', uint32: 'uint32',
  float: 'float32', float32: 'float32', double: 'float64', float64: 'float64'
} // prettier-ignore

const sizes: Record<ScalarType, number> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8
} // prettier-ignore

interface Property {
  readonly name: string
  readonly type: ScalarType
  /** For a list property: the type of its count. */
  readonly countType?: ScalarType
}

interface ElementSpec {
  readonly name: string
  readonly count: number
  readonly properties: Property[]
}

type Format = 'ascii' | 'binary_little_endian' | 'binary_big_endian'

const recipePrefix = 'recipe '
const headerLimit = 1 << 20

function bad(message: string): StudioError {
  return new StudioError('bad-input', message)
}

/**
 * Reads a PLY point cloud: the vertex element's x, y, z (any numeric type, kept exactly: `double`
 * stays float64 and `precision` says so, an ASCII `float` is rounded to float32 as declared) and, when present, red,
 * green, blue (uchar as is; ushort scaled by 1/257; float/double in [0, 1] scaled by 255). Other
 * elements (faces, edges) and properties are skipped. The recipe is read from `comment recipe`
 * lines; other comments are returned as they are.
 * @throws StudioError bad-input for a file over the size or point limit (checked from the header
 *   before allocating), a malformed or truncated file, a file without vertices ("no vertices":
 *   faces only, no vertex element, or zero of them), a vertex element without x, y, z, or a
 *   non-finite coordinate.
 */
export function readPly(bytes: Uint8Array, options: PointCloudReadOptions = {}): PointCloudFile {
  checkFileSize(bytes.byteLength, 'PLY', options)
  const bom = utf8BomLength(bytes)
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom)
  if (buf.toString('latin1', 0, 3) !== 'ply') {
    const foreign = foreignEncoding(bytes.subarray(0, 8))
    throw bad(
      foreign
        ? `The PLY file's header is ${foreign} text; save it with an ASCII header (any PLY writer does).`
        : 'Not a PLY file (it must start with "ply").'
    )
  }
  const end = headerEnd(buf)
  const lines = linesOf(buf.toString('utf8', 0, end.text))
  let format: Format | undefined
  const elements: ElementSpec[] = []
  const comments: string[] = []
  const recipe: string[] = []
  for (const raw of lines.slice(1)) {
    const line = raw.trim()
    const words = line.split(/\s+/)
    if (words[0] === 'format') {
      if (!['ascii', 'binary_little_endian', 'binary_big_endian'].includes(words[1])) {
        throw bad(`The PLY format "${words[1]}" is unknown; use ascii or binary_little_endian.`)
      }
      format = words[1] as Format
    } else if (words[0] === 'comment') {
      const text = raw.replace(/^\s*comment\s?/, '')
      if (text.startsWith(recipePrefix)) recipe.push(text.slice(recipePrefix.length).trim())
      else comments.push(text)
    } else if (words[0] === 'element') {
      const count = Number(words[2])
      if (words.length < 3 || !Number.isSafeInteger(count) || count < 0) {
        throw bad(`The PLY header line "${line}" does not give an element count.`)
      }
      elements.push({ name: words[1], count, properties: [] })
    } else if (words[0] === 'property') {
      const element = elements.at(-1)
      if (!element) throw bad(`The PLY header has a property before any element: "${line}".`)
      if (words[1] === 'list') {
        const countType = typeNames[words[2]]
        const type = typeNames[words[3]]
        if (!countType || !type || !words[4])
          throw bad(`The PLY header line "${line}" is malformed.`)
        element.properties.push({ name: words[4], type, countType })
      } else {
        const type = typeNames[words[1]]
        if (!type || !words[2]) throw bad(`The PLY header line "${line}" is malformed.`)
        element.properties.push({ name: words[2], type })
      }
    } else if (words[0] !== 'obj_info' && words[0] !== 'end_header' && line !== '') {
      throw bad(`The PLY header has an unknown line "${line.slice(0, 60)}".`)
    }
  }
  if (!format) throw bad('The PLY header has no format line.')
  const vertexAt = elements.findIndex((e) => e.name === 'vertex')
  if (vertexAt < 0) {
    throw noVertices(
      'PLY',
      elements.length > 0 ? ` (only ${elements.map((e) => e.name).join(', ')})` : ''
    )
  }
  const vertex = elements[vertexAt]
  if (vertex.count === 0) throw noVertices('PLY')
  checkPointCount(vertex.count, 'PLY', options)
  const at = (name: string) => vertex.properties.findIndex((p) => p.name === name && !p.countType)
  const xyz = [at('x'), at('y'), at('z')]
  if (xyz.some((i) => i < 0)) throw bad('The PLY vertex element has no x, y, z properties.')
  const rgbNames = [
    ['red', 'green', 'blue'],
    ['diffuse_red', 'diffuse_green', 'diffuse_blue'],
    ['r', 'g', 'b']
  ].find((names) => names.every((name) => at(name) >= 0))
  const rgb = rgbNames?.map(at)
  const points = new Float64Array(vertex.count * 3)
  const xyzTypes = xyz.map((i) => vertex.properties[i].type)
  // ASCII text of a `float` property is what the file declares: a float32.
  const narrow = format === 'ascii' && xyzTypes.every((t) => t === 'float32')
  const colors = rgb ? new Uint8Array(vertex.count * 3) : undefined
  const reader =
    format === 'ascii'
      ? new AsciiReader(buf, end.data)
      : new BinaryReader(buf, end.data, format === 'binary_little_endian')
  for (const element of elements.slice(0, vertexAt)) reader.skip(element)
  const values = new Float64Array(vertex.properties.length)
  for (let v = 0; v < vertex.count; v++) {
    reader.record(vertex, values)
    for (let c = 0; c < 3; c++) {
      const value = values[xyz[c]]
      points[v * 3 + c] = narrow ? Math.fround(value) : value
    }
    if (colors && rgb) {
      for (let c = 0; c < 3; c++) {
        colors[v * 3 + c] = toByte(values[rgb[c]], vertex.properties[rgb[c]].type)
      }
    }
  }
  checkFinite(points, 'PLY')
  const recipeText = recipeFromChunks(recipe)
  return {
    points,
    precision: xyzTypes.includes('float64') ? 'float64' : precisionOf(points),
    ...(colors ? { colors } : {}),
    ...(recipeText !== undefined ? { recipe: recipeText } : {}),
    comments
  }
}

function toByte(value: number, type: ScalarType): number {
  const scaled =
    type === 'float32' || type === 'float64' ? value * 255 : type === 'uint16' ? value / 257 : value
  return Math.min(255, Math.max(0, Math.round(scaled))) || 0
}

/** Where the header's text ends (before "end_header") and the data starts (after its newline). */
function headerEnd(buf: Buffer): { text: number; data: number } {
  const limit = Math.min(buf.length, headerLimit)
  let from = 0
  for (;;) {
    const i = buf.indexOf('end_header', from, 'latin1')
    if (i < 0 || i >= limit) {
      throw bad(
        i < 0
          ? 'The PLY header never ends (no "end_header" line); the file is truncated or not PLY.'
          : `The PLY header is over ${headerLimit >> 20} MiB.`
      )
    }
    // It must be a whole line.
    if (i === 0 || buf[i - 1] === 0x0a) {
      let data = i + 'end_header'.length
      while (data < buf.length && (buf[data] === 0x20 || buf[data] === 0x0d)) data++
      if (data < buf.length && buf[data] === 0x0a) data++
      return { text: i, data }
    }
    from = i + 1
  }
}

class BinaryReader {
  private offset: number
  private readonly view: DataView

  constructor(
    buf: Buffer,
    start: number,
    private readonly little: boolean
  ) {
    this.offset = start
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  private scalar(type: ScalarType): number {
    const size = sizes[type]
    if (this.offset + size > this.view.byteLength) {
      throw bad('The PLY file is truncated: its data ends before the header’s element counts.')
    }
    const o = this.offset
    this.offset += size
    const v = this.view
    switch (type) {
      case 'int8':
        return v.getInt8(o)
      case 'uint8':
        return v.getUint8(o)
      case 'int16':
        return v.getInt16(o, this.little)
      case 'uint16':
        return v.getUint16(o, this.little)
      case 'int32':
        return v.getInt32(o, this.little)
      case 'uint32':
        return v.getUint32(o, this.little)
      case 'float32':
        return v.getFloat32(o, this.little)
      case 'float64':
        return v.getFloat64(o, this.little)
    }
  }

  record(element: ElementSpec, values: Float64Array): void {
    const properties = element.properties
    for (let p = 0; p < properties.length; p++) {
      const property = properties[p]
      if (property.countType) {
        const n = this.scalar(property.countType)
        this.offset += n * sizes[property.type]
        values[p] = NaN
      } else values[p] = this.scalar(property.type)
    }
  }

  skip(element: ElementSpec): void {
    if (element.properties.every((p) => !p.countType)) {
      const size = element.properties.reduce((s, p) => s + sizes[p.type], 0)
      this.offset += size * element.count
      if (this.offset > this.view.byteLength) {
        throw bad('The PLY file is truncated: its data ends before the header’s element counts.')
      }
      return
    }
    const values = new Float64Array(element.properties.length)
    for (let r = 0; r < element.count; r++) this.record(element, values)
  }
}

class AsciiReader {
  private offset: number
  private readonly text: string

  constructor(buf: Buffer, start: number) {
    this.text = buf.toString('latin1', start)
    this.offset = 0
  }

  private token(): string {
    const t = this.text
    let i = this.offset
    while (i < t.length && t.charCodeAt(i) <= 32) i++
    const start = i
    while (i < t.length && t.charCodeAt(i) > 32) i++
    this.offset = i
    if (start === i) {
      throw bad('The PLY file is truncated: its data ends before the header’s element counts.')
    }
    return t.slice(start, i)
  }

  private number(): number {
    const token = this.token()
    const value = Number(token)
    if (!Number.isNaN(value) || /^[+-]?nan$/i.test(token)) return value
    if (/^[+-]?inf(inity)?$/i.test(token)) return token.startsWith('-') ? -Infinity : Infinity
    throw bad(`The PLY data has "${token.slice(0, 20)}" where a number should be.`)
  }

  record(element: ElementSpec, values: Float64Array): void {
    const properties = element.properties
    for (let p = 0; p < properties.length; p++) {
      if (properties[p].countType) {
        const n = this.number()
        for (let k = 0; k < n; k++) this.token()
        values[p] = NaN
      } else values[p] = this.number()
    }
  }

  skip(element: ElementSpec): void {
    const values = new Float64Array(element.properties.length)
    for (let r = 0; r < element.count; r++) this.record(element, values)
  }
}

export interface PlyWriteOptions {
  /** 'binary' (little-endian, the default: 12 or 15 bytes a point, 24 or 27 in double) or 'ascii'. */
  readonly format?: 'binary' | 'ascii'
  /** Written as `comment recipe` lines (see recipe-lines.ts), read back exactly by `readPly`. */
  readonly recipe?: string
  /** More `comment` lines (no line breaks). */
  readonly comments?: readonly string[]
}

/**
 * A PLY file of a point cloud: one vertex element with float x, y, z (double when the cloud's
 * precision is float64) and, when `cloud.colors` is given, uchar red, green, blue; no faces. ASCII
 * values are the shortest decimal text of each value at that precision, so both formats read back
 * bit for bit.
 * @throws StudioError invalid-request for a malformed cloud (length, non-finite coordinates,
 *   colour count) or a comment with a line break.
 */
export function writePly(cloud: PointCloudToWrite, options: PlyWriteOptions = {}): Buffer {
  const n = checkCloudToWrite(cloud)
  const precision = writePrecision(cloud)
  const type = precision === 'float64' ? 'double' : 'float'
  const text = (v: number) => coordinateText(v, precision)
  const binary = (options.format ?? 'binary') === 'binary'
  const comments = options.comments ?? []
  comments.forEach(checkCommentLine)
  const header = [
    'ply',
    `format ${binary ? 'binary_little_endian' : 'ascii'} 1.0`,
    ...comments.map((c) => `comment ${c}`),
    ...(options.recipe !== undefined
      ? recipeChunks(options.recipe).map((c) => `comment ${recipePrefix}${c}`)
      : []),
    `element vertex ${n}`,
    `property ${type} x`,
    `property ${type} y`,
    `property ${type} z`,
    ...(cloud.colors ? ['property uchar red', 'property uchar green', 'property uchar blue'] : []),
    'end_header',
    ''
  ].join('\n')
  const { points, colors } = cloud
  if (!binary) {
    const lines: string[] = []
    for (let i = 0; i < n; i++) {
      const xyz = `${text(points[i * 3])} ${text(points[i * 3 + 1])} ${text(points[i * 3 + 2])}`
      lines.push(colors ? `${xyz} ${colors[i * 3]} ${colors[i * 3 + 1]} ${colors[i * 3 + 2]}` : xyz)
    }
    return Buffer.from(header + lines.join('\n') + (n > 0 ? '\n' : ''), 'utf8')
  }
  const size = precision === 'float64' ? 8 : 4
  const stride = 3 * size + (colors ? 3 : 0)
  const head = Buffer.from(header, 'utf8')
  const out = Buffer.alloc(head.length + stride * n)
  head.copy(out)
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  for (let i = 0; i < n; i++) {
    const o = head.length + i * stride
    for (let c = 0; c < 3; c++) {
      if (size === 8) view.setFloat64(o + c * 8, points[i * 3 + c], true)
      else view.setFloat32(o + c * 4, points[i * 3 + c], true)
    }
    if (colors) {
      out[o + 3 * size] = colors[i * 3]
      out[o + 3 * size + 1] = colors[i * 3 + 1]
      out[o + 3 * size + 2] = colors[i * 3 + 2]
    }
  }
  return out
}
