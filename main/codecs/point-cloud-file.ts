// What the point-cloud codecs (PLY, OBJ, GLB) share: the decoded file, the limits every reader
// checks before allocating, and exact float text.
import { StudioError, inputSizeCaps, outputFormats } from '../contract'

/** A point cloud as read from a file. */
export interface PointCloudFile {
  /**
   * Interleaved xyz, length 3N, exactly as the file states them (binary float or double, or decimal
   * text), so nothing is narrowed on reading: map coordinates (x ≈ 5·10⁵, y ≈ 4.6·10⁶ m) keep their
   * millimetres. Convert to float32 (main/geometry's layout) only after centring.
   */
  readonly points: Float64Array
  /**
   * 'float32' when every coordinate is a float32 value (a PLY `float` file, or text float32 holds
   * exactly); 'float64' otherwise (PLY `double`, text with more digits). Writers keep it.
   */
  readonly precision: Precision
  /** sRGB colours, 0–255, interleaved rgb, length 3N; absent when the file has none. */
  readonly colors?: Uint8Array
  /** The studio recipe the file carries (PLY `comment recipe`, OBJ `# recipe`, GLB asset.extras). */
  readonly recipe?: string
  /** The file's other comment lines, in order. */
  readonly comments: readonly string[]
}

export type Precision = 'float32' | 'float64'

/** What a writer takes: float32 or float64 xyz; precision defaults to what the array holds. */
export interface PointCloudToWrite {
  readonly points: Float32Array | Float64Array
  readonly colors?: Uint8Array
  /** Write as float64 (PLY double, full text) or float32. Default: float32 for a Float32Array, else
   * float64 when some coordinate is not a float32 value. */
  readonly precision?: Precision
}

/** 'float32' when every value is exactly a float32, else 'float64'. */
export function precisionOf(values: ArrayLike<number>): Precision {
  for (let i = 0; i < values.length; i++) {
    if (Math.fround(values[i]) !== values[i] && !Number.isNaN(values[i])) return 'float64'
  }
  return 'float32'
}

/**
 * The precision of coordinates read from decimal text (OBJ): 'float32' when every value is the
 * shortest text of a float32 (what float32 writers, this studio's included, write) — the values are
 * then rounded to those float32s in place, so a float32 file reads back bit for bit — else 'float64'
 * (text with more digits than float32 holds, such as map coordinates), values untouched.
 */
export function decimalPrecision(values: Float64Array): Precision {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (Number.isFinite(v) && Number(float32Text(v)) !== v) return 'float64'
  }
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i])
  return 'float32'
}

/** The precision a writer uses for `cloud`. */
export function writePrecision(cloud: PointCloudToWrite): Precision {
  if (cloud.precision) return cloud.precision
  return cloud.points instanceof Float32Array ? 'float32' : precisionOf(cloud.points)
}

/** Coordinate text that reads back exactly at `precision` (shortest round-trip decimal). */
export function coordinateText(value: number, precision: Precision): string {
  if (precision === 'float32') return float32Text(value)
  return Object.is(value, -0) ? '-0' : String(value)
}

/** The most points a reader accepts (the header's or the file's count, checked before allocating). */
export const maxPointCloudPoints = 2_000_000

/** The largest point-cloud file a reader accepts: the input store's cap (64 MiB). */
export const maxPointCloudBytes = inputSizeCaps['point-cloud']

export interface PointCloudReadOptions {
  readonly maxPoints?: number
  readonly maxBytes?: number
}

/** The point-cloud files the codecs read and write (the contract's formats): extension and MIME type. */
export const pointCloudFormats = {
  ply: outputFormats.ply,
  obj: outputFormats.obj,
  glb: outputFormats.glb
} as const

/** @throws StudioError bad-input when a file is over the byte limit. */
export function checkFileSize(bytes: number, format: string, options: PointCloudReadOptions): void {
  const max = options.maxBytes ?? maxPointCloudBytes
  if (bytes > max) {
    throw new StudioError(
      'bad-input',
      `The ${format} file is ${mib(bytes)}; the limit is ${mib(max)}. Subsample the cloud first.`
    )
  }
}

/** @throws StudioError bad-input when a point count is over the limit. */
export function checkPointCount(
  count: number,
  format: string,
  options: PointCloudReadOptions
): void {
  const max = options.maxPoints ?? maxPointCloudPoints
  if (count > max) {
    throw new StudioError(
      'bad-input',
      `The ${format} file has ${count.toLocaleString('en')} points; the limit is ` +
        `${max.toLocaleString('en')}. Subsample the cloud first.`
    )
  }
}

/** The bad-input error for a file without points: "no vertices". */
export function noVertices(format: string, detail = ''): StudioError {
  return new StudioError(
    'bad-input',
    `The ${format} file has no vertices${detail}; a point cloud needs at least one point.`
  )
}

/** @throws StudioError bad-input naming the first non-finite coordinate. */
export function checkFinite(points: Float32Array | Float64Array, format: string): void {
  for (let i = 0; i < points.length; i++) {
    if (!Number.isFinite(points[i])) {
      throw new StudioError(
        'bad-input',
        `Vertex ${Math.floor(i / 3) + 1} of ${points.length / 3} in the ${format} file has a ` +
          `non-finite coordinate (${points[i]}); every coordinate must be a finite number.`
      )
    }
  }
}

/**
 * Checks what a writer is given: 3 coordinates per point, all finite, colours (if any) 3 per point.
 * @throws StudioError invalid-request naming the problem.
 */
export function checkCloudToWrite(cloud: PointCloudToWrite): number {
  const { points, colors } = cloud
  if (points.length % 3 !== 0) {
    throw new StudioError(
      'invalid-request',
      `A point cloud holds x, y, z per point: ${points.length} values is not a multiple of 3.`
    )
  }
  const n = points.length / 3
  if (colors && colors.length !== points.length) {
    throw new StudioError(
      'invalid-request',
      `${n} points need ${points.length} colour values (r, g, b each); got ${colors.length}.`
    )
  }
  const bad = points.findIndex((v) => !Number.isFinite(v))
  if (bad >= 0) {
    throw new StudioError(
      'invalid-request',
      `Point ${Math.floor(bad / 3)} has a non-finite coordinate (${points[bad]}).`
    )
  }
  return n
}

/** @throws StudioError invalid-request when a comment would break its line. */
export function checkCommentLine(comment: string): void {
  if (/[\r\n]/.test(comment)) {
    throw new StudioError(
      'invalid-request',
      'A comment line cannot contain a line break; pass one comment per line (or use the recipe).'
    )
  }
}

/**
 * The shortest decimal text that reads back as exactly the same float32 (6 to 9 significant
 * digits; "-0" kept), so text formats round-trip binary ones bit for bit.
 */
export function float32Text(value: number): string {
  const f = Math.fround(value)
  if (Object.is(f, -0)) return '-0'
  for (let digits = 6; digits < 9; digits++) {
    const text = String(Number(f.toPrecision(digits)))
    if (Math.fround(Number(text)) === f) return text
  }
  return String(Number(f.toPrecision(9)))
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`
}
