// Wavefront OBJ point clouds: vertices as `v x y z` lines, with the common extension
// `v x y z r g b` for colours in [0, 1] (MeshLab, three.js's OBJLoader); the recipe in `# recipe`
// comment lines. Faces, normals and texture coordinates are ignored when reading and never written.
// (three.js's OBJExporter converts colours to linear space and adds a `p` element; this writer
// keeps sRGB bytes exact.)
import { StudioError } from '../contract'
import {
  checkCloudToWrite,
  checkCommentLine,
  checkFileSize,
  checkFinite,
  checkPointCount,
  float32Text,
  noVertices
} from './point-cloud-file'
import type { PointCloudFile, PointCloudReadOptions } from './point-cloud-file'
import { recipeChunks, recipeFromChunks } from './recipe-lines'

const recipePrefix = 'recipe '

/**
 * Reads the `v` lines of an OBJ file as a point cloud (a 4th value, w, is ignored). Colours are
 * kept when every vertex has r g b (floats in [0, 1], stored ×255 rounded); the recipe comes from
 * `# recipe` lines, other `#` comments are returned.
 * @throws StudioError bad-input for a file over the size or point limit, a `v` line with fewer
 *   than three numbers, no `v` lines at all ("no vertices"), or a non-finite coordinate.
 */
export function readObj(
  data: Uint8Array | string,
  options: PointCloudReadOptions = {}
): PointCloudFile {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
  checkFileSize(size, 'OBJ', options)
  const text =
    typeof data === 'string'
      ? data
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
  // Count first, so the limit is checked before allocating.
  const vertexLine = /^[ \t]*v[ \t]/gm
  let count = 0
  while (vertexLine.exec(text)) count++
  if (count === 0) throw noVertices('OBJ', ' (no "v" lines)')
  checkPointCount(count, 'OBJ', options)
  const points = new Float32Array(count * 3)
  let colors: Uint8Array | undefined = new Uint8Array(count * 3)
  const comments: string[] = []
  const recipe: string[] = []
  let v = 0
  let lineNumber = 0
  for (const raw of text.split(/\r?\n/)) {
    lineNumber++
    const line = raw.trim()
    if (line.startsWith('#')) {
      const comment = raw.replace(/^\s*#\s?/, '')
      if (comment.startsWith(recipePrefix)) recipe.push(comment.slice(recipePrefix.length).trim())
      else comments.push(comment)
      continue
    }
    if (!/^v[ \t]/.test(line)) continue
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
  const recipeText = recipeFromChunks(recipe)
  return {
    points,
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

const clip = (line: string) => (line.length > 40 ? `${line.slice(0, 37)}…` : line)

export interface ObjWriteOptions {
  /** Written as `# recipe` lines (see recipe-lines.ts), read back exactly by `readObj`. */
  readonly recipe?: string
  /** More `#` comment lines (no line breaks). */
  readonly comments?: readonly string[]
}

/**
 * An OBJ file of a point cloud: one `v x y z` line per point (`v x y z r g b` with colours as
 * r/255 … to 6 decimals, which read back to the same bytes), shortest exact float32 text.
 * @throws StudioError invalid-request for a malformed cloud or a comment with a line break.
 */
export function writeObj(
  cloud: Pick<PointCloudFile, 'points' | 'colors'>,
  options: ObjWriteOptions = {}
): string {
  const n = checkCloudToWrite(cloud)
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
    const xyz = `v ${float32Text(points[i * 3])} ${float32Text(points[i * 3 + 1])} ${float32Text(points[i * 3 + 2])}`
    if (!colors) lines.push(xyz)
    else {
      const rgb = [0, 1, 2].map((c) => (colors[i * 3 + c] / 255).toFixed(6))
      lines.push(`${xyz} ${rgb.join(' ')}`)
    }
  }
  return lines.join('\n') + '\n'
}
