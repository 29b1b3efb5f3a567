// Wavefront OBJ point clouds: vertices as `v x y z` lines, with the common extension
// `v x y z r g b` for colours in [0, 1] (MeshLab, three.js's OBJLoader); the recipe in `# recipe`
// comment lines. Faces, normals and texture coordinates are ignored when reading and never written.
// (three.js's OBJExporter converts colours to linear space and adds a `p` element; this writer
// keeps sRGB bytes exact.)
import { StudioError, linesOf, textOf } from '../contract'
import {
  checkCloudToWrite,
  checkCommentLine,
  checkFileSize,
  checkFinite,
  checkPointCount,
  coordinateText,
  noVertices,
  decimalPrecision,
  writePrecision
} from './point-cloud-file'
import type { PointCloudFile, PointCloudReadOptions, PointCloudToWrite } from './point-cloud-file'
import { recipeChunks, recipeFromChunks } from './recipe-lines'

const recipePrefix = 'recipe '

/** A vertex line (after trimming): `v` then a blank. The window's reader uses the same rule. */
const vertexLine = /^v[ \t]/
/** OBJ statements other than vertices: how a file of faces or groups only is still known as OBJ. */
const otherStatement = /^(vn|vt|vp|f|l|p|o|g|s|mtllib|usemtl)[ \t]/

/**
 * Reads the `v` lines of an OBJ file as a point cloud (a 4th value, w, is ignored). Coordinates are
 * kept as the text states them: float32 values when every one is written as a float32's shortest
 * text, else float64 (`precision`; map coordinates keep their millimetres).
 * Colours are kept when every vertex has r g b (floats in [0, 1], stored ×255 rounded); the recipe
 * comes from `# recipe` lines, other `#` comments are returned. UTF-8 with or without a byte-order
 * mark, any line ends (contract/text-files.ts).
 * @throws StudioError bad-input for a file over the size or point limit, UTF-16/32 text, a `v` line
 *   with fewer than three numbers, no `v` lines at all ("no vertices", saying what the file has
 *   instead: faces that refer to vertices it does not define, normals…), or a non-finite coordinate.
 */
export function readObj(
  data: Uint8Array | string,
  options: PointCloudReadOptions = {}
): PointCloudFile {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
  checkFileSize(size, 'OBJ', options)
  const lines = linesOf(textOf(data, 'OBJ'))
  // Count first (with the same rule as the parse below), so the limit is checked before allocating.
  let count = 0
  const others = new Map<string, number>()
  for (const raw of lines) {
    const line = raw.trim()
    if (vertexLine.test(line)) count++
    else {
      const keyword = otherStatement.exec(line)?.[1]
      if (keyword) others.set(keyword, (others.get(keyword) ?? 0) + 1)
    }
  }
  if (count === 0) throw noVertices('OBJ', withoutVertices(others))
  checkPointCount(count, 'OBJ', options)
  const points = new Float64Array(count * 3)
  let colors: Uint8Array | undefined = new Uint8Array(count * 3)
  const comments: string[] = []
  const recipe: string[] = []
  let v = 0
  let lineNumber = 0
  for (const raw of lines) {
    lineNumber++
    const line = raw.trim()
    if (line.startsWith('#')) {
      const comment = raw.replace(/^\s*#\s?/, '')
      if (comment.startsWith(recipePrefix)) recipe.push(comment.slice(recipePrefix.length).trim())
      else comments.push(comment)
      continue
    }
    if (!vertexLine.test(line)) continue
    const values = line.slice(1).trim().split(/\s+/).map(parseNumber)
    if (values.length < 3) {
      throw new StudioError(
        'bad-input',
        `OBJ line ${lineNumber} ("${clip(line)}") needs x, y and z.`
      )
    }
    const numbers = values.filter((x): x is number => x !== undefined)
    if (numbers.length !== values.length) {
      throw new StudioError(
        'bad-input',
        `OBJ line ${lineNumber} ("${clip(line)}") has a value that is not a number.`
      )
    }
    points[v * 3] = numbers[0]
    points[v * 3 + 1] = numbers[1]
    points[v * 3 + 2] = numbers[2]
    if (colors && numbers.length === 6 && numbers.slice(3).every((c) => Number.isFinite(c))) {
      for (let c = 0; c < 3; c++) {
        colors[v * 3 + c] = Math.min(255, Math.max(0, Math.round(numbers[3 + c] * 255)))
      }
    } else colors = undefined
    v++
  }
  checkFinite(points, 'OBJ')
  const precision = decimalPrecision(points)
  const recipeText = recipeFromChunks(recipe)
  return {
    points,
    precision,
    ...(colors ? { colors } : {}),
    ...(recipeText !== undefined ? { recipe: recipeText } : {}),
    comments
  }
}

/** A number, ±Infinity for inf tokens, NaN for nan tokens; undefined for anything else. */
function parseNumber(token: string): number | undefined {
  const value = Number(token)
  if (!Number.isNaN(value) || /^[+-]?nan$/i.test(token)) return value
  if (/^[+-]?inf(inity)?$/i.test(token)) return token.startsWith('-') ? -Infinity : Infinity
  return undefined
}

/** What an OBJ without `v` lines has instead, for the "no vertices" message. */
function withoutVertices(others: ReadonlyMap<string, number>): string {
  const faces = others.get('f') ?? 0
  if (faces > 0) {
    return ` (no "v" lines: it has ${faces} face${faces > 1 ? 's' : ''} ("f" lines) whose vertices it does not define)`
  }
  const listed = [...others].map(([k, n]) => `${n} "${k}"`).join(', ')
  return listed
    ? ` (no "v" lines; it has ${listed} line${others.size > 1 || [...others.values()][0] > 1 ? 's' : ''})`
    : ' (no "v" lines)'
}

const clip = (line: string) => (line.length > 40 ? `${line.slice(0, 37)}…` : line)

export interface ObjWriteOptions {
  /** Written as `# recipe` lines (see recipe-lines.ts), read back exactly by `readObj`. */
  readonly recipe?: string
  /** More `#` comment lines (no line breaks). */
  readonly comments?: readonly string[]
}

/**
 * An OBJ file of a point cloud: one `v x y z` line per point (`v x y z r g b` with colours as
 * r/255 … to 6 decimals, which read back to the same bytes), the shortest text that reads back as
 * the same float32 — or the same float64 when the cloud's precision is float64.
 * @throws StudioError invalid-request for a malformed cloud or a comment with a line break.
 */
export function writeObj(cloud: PointCloudToWrite, options: ObjWriteOptions = {}): string {
  const n = checkCloudToWrite(cloud)
  const precision = writePrecision(cloud)
  const text = (v: number) => coordinateText(v, precision)
  const comments = options.comments ?? []
  comments.forEach(checkCommentLine)
  const lines = [
    `# Diffusion Studio point cloud: ${n} points`,
    ...comments.map((c) => `# ${c}`),
    ...(options.recipe !== undefined
      ? recipeChunks(options.recipe).map((c) => `# ${recipePrefix}${c}`)
      : [])
  ]
  const { points, colors } = cloud
  for (let i = 0; i < n; i++) {
    const xyz = `v ${text(points[i * 3])} ${text(points[i * 3 + 1])} ${text(points[i * 3 + 2])}`
    if (!colors) lines.push(xyz)
    else {
      const rgb = [0, 1, 2].map((c) => (colors[i * 3 + c] / 255).toFixed(6))
      lines.push(`${xyz} ${rgb.join(' ')}`)
    }
  }
  return lines.join('\n') + '\n'
}
