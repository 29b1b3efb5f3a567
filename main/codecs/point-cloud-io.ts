// One entry point for point-cloud files: the format from the bytes (PLY magic, GLB magic, OBJ
// statements; after a UTF-8 byte-order mark) or a hint (file name or MIME type), then the codec.
import { StudioError, foreignEncoding, utf8BomLength } from '../contract'
import { writeGlb } from './glb'
import { readObj, writeObj } from './obj'
import { pointCloudFormats } from './point-cloud-file'
import type { PointCloudFile, PointCloudReadOptions, PointCloudToWrite } from './point-cloud-file'
import { readPly, writePly } from './ply'

export type PointCloudFormat = keyof typeof pointCloudFormats

/**
 * The format of a point-cloud file: from its first bytes ('ply', 'glTF'), else from `hint`
 * (a name ending in .ply/.obj/.glb, or a MIME type such as model/ply), else OBJ when a line near
 * the start is an OBJ statement (v, f, o, g, vn…, also in UTF-16, which the OBJ reader then refuses
 * by name); undefined when none fits.
 */
export function pointCloudFormatOf(bytes: Uint8Array, hint = ''): PointCloudFormat | undefined {
  const bom = utf8BomLength(bytes)
  const head = Buffer.from(
    bytes.buffer,
    bytes.byteOffset + bom,
    Math.min(bytes.byteLength - bom, 4096)
  )
  if (head.toString('latin1', 0, 3) === 'ply') return 'ply'
  if (head.length >= 4 && head.readUInt32LE(0) === 0x46546c67) return 'glb'
  const h = hint.toLowerCase()
  for (const [format, { ext, mime }] of Object.entries(pointCloudFormats)) {
    if (h.endsWith(`.${ext}`) || h === mime) return format as PointCloudFormat
  }
  if (objStatement.test(head.toString('latin1'))) return 'obj'
  // OBJ saved as UTF-16 (with or without its byte-order mark) goes to the OBJ reader, which says
  // how to fix it; other binary files are not point clouds.
  if (foreignEncoding(bytes.subarray(0, 8)) === 'UTF-16') {
    const wide = new TextDecoder(bytes[0] === 0xfe || bytes[0] === 0 ? 'utf-16be' : 'utf-16le')
    if (objStatement.test(wide.decode(bytes.subarray(0, 4096)).replace(/^\ufeff/, ''))) return 'obj'
  }
  return undefined
}

/** An OBJ statement at a line start (vertices, faces, groups, materials…): the file is OBJ. */
const objStatement = /(^|[\r\n])[ \t]*(v|vn|vt|vp|f|l|p|o|g|s|mtllib|usemtl)[ \t]/

/**
 * Reads a PLY or OBJ point cloud, whichever the bytes (or `hint`) say it is.
 * @throws StudioError bad-input for an unrecognised format, a GLB (not read here: export it as
 *   PLY), or anything the codec refuses.
 */
export function readPointCloudFile(
  bytes: Uint8Array,
  options: PointCloudReadOptions & { readonly hint?: string } = {}
): PointCloudFile & { readonly format: PointCloudFormat } {
  const format = pointCloudFormatOf(bytes, options.hint)
  if (format === 'ply') return { ...readPly(bytes, options), format }
  if (format === 'obj') return { ...readObj(bytes, options), format }
  if (format === 'glb') {
    throw new StudioError(
      'bad-input',
      'GLB point clouds cannot be read here; save the cloud as PLY or OBJ.'
    )
  }
  throw new StudioError(
    'bad-input',
    'The file is not a point cloud this studio reads; use PLY or OBJ.'
  )
}

export interface PointCloudWriteOptions {
  readonly recipe?: string
  /** PLY only: ASCII instead of binary little-endian. */
  readonly ascii?: boolean
}

/** Encodes a cloud in `format`, with the extension and MIME type the artifact sink needs. */
export function writePointCloudFile(
  format: PointCloudFormat,
  cloud: PointCloudToWrite,
  options: PointCloudWriteOptions = {}
): { bytes: Uint8Array; ext: string; mime: string } {
  const recipe = options.recipe !== undefined ? { recipe: options.recipe } : {}
  const bytes =
    format === 'ply'
      ? writePly(cloud, { ...recipe, format: options.ascii ? 'ascii' : 'binary' })
      : format === 'obj'
        ? Buffer.from(writeObj(cloud, recipe), 'utf8')
        : writeGlb(cloud, recipe)
  return { bytes, ...pointCloudFormats[format] }
}
