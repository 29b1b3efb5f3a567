// One entry point for molecule files: the format from the text (a molfile counts line, an XYZ count
// line, PDB records) or a hint (file name or MIME type), then the codec.
import { StudioError, linesOf } from '../contract'
import type { Molecule3D } from '../chemistry'
import { moleculeFormats, moleculeText } from './molecule-file'
import type { MoleculeReadOptions } from './molecule-file'
import { readSdf, writeMolfile, writeSdf } from './molfile'
import { writePdb } from './pdb'
import { readXyz, writeXyz } from './xyz'

export type MoleculeFormat = keyof typeof moleculeFormats

/**
 * The format of a molecule file: a V2000/V3000 counts line on line 4 → 'sdf' (a MOL file is a
 * one-record SD file), an integer first line → 'xyz', HETATM/ATOM/COMPND records → 'pdb', else
 * from `hint` (.mol/.sdf/.xyz/.pdb or a MIME type); undefined when none fits.
 */
export function moleculeFormatOf(text: string, hint = ''): MoleculeFormat | undefined {
  const lines = linesOf(text.slice(0, 4096))
  if (/V[23]000/.test(lines[3] ?? '')) return 'sdf'
  if (/^\s*\d+\s*$/.test(lines[0] ?? '')) return 'xyz'
  if (lines.some((l) => /^(HETATM|ATOM {2}|COMPND|HEADER)/.test(l))) return 'pdb'
  const h = hint.toLowerCase()
  for (const [format, { ext, mime }] of Object.entries(moleculeFormats)) {
    if (h.endsWith(`.${ext}`) || h === mime)
      return format === 'mol' ? 'sdf' : (format as MoleculeFormat)
  }
  return undefined
}

export interface MoleculeRecord {
  readonly molecule: Molecule3D
  /** The SD title line or the XYZ comment. */
  readonly name: string
  readonly recipe?: string
  readonly data?: Readonly<Record<string, string>>
  /** False for XYZ, which has no bonds (`molecule.bonds` is empty: perceive them if needed). */
  readonly hasBonds: boolean
}

/**
 * Reads a MOL/SD or XYZ file, whichever the text (or `hint`) says it is: every record or frame.
 * @throws StudioError bad-input for an unrecognised format, PDB (not read here: use SDF), or
 *   anything the codec refuses.
 */
export function readMoleculeFile(
  data: Uint8Array | string,
  options: MoleculeReadOptions & { readonly hint?: string } = {}
): { format: MoleculeFormat; records: MoleculeRecord[] } {
  const text = moleculeText(data, 'molecule', options)
  const format = moleculeFormatOf(text, options.hint)
  if (format === 'sdf' || format === 'mol') {
    const records = readSdf(text, options).map((r) => ({
      molecule: r.molecule,
      name: r.name,
      ...(r.recipe !== undefined ? { recipe: r.recipe } : {}),
      data: r.data,
      hasBonds: true
    }))
    return { format: 'sdf', records }
  }
  if (format === 'xyz') {
    const records = readXyz(text, options).map((f) => ({
      molecule: { elements: f.elements, positions: f.positions, bonds: [] },
      name: f.comment,
      hasBonds: false
    }))
    return { format, records }
  }
  if (format === 'pdb') {
    throw new StudioError(
      'bad-input',
      'PDB files cannot be read here; save the molecule as SDF or MOL.'
    )
  }
  throw new StudioError(
    'bad-input',
    'The file is not a molecule this studio reads; use SDF, MOL or XYZ.'
  )
}

export interface MoleculeWriteRecord {
  readonly molecule: Molecule3D
  readonly name?: string
  readonly recipe?: string
}

/**
 * Encodes molecules in `format` with the extension and MIME type the artifact sink needs: SDF
 * (every record, recipe as a data item), MOL (the first record; recipe not stored), XYZ (one frame
 * each; comment: the recipe on the first frame, else the name, line breaks as spaces), PDB (the
 * first record, recipe in REMARK lines).
 * @throws StudioError invalid-request for no records, or anything the codec refuses.
 */
export function writeMoleculeFile(
  format: MoleculeFormat,
  records: readonly MoleculeWriteRecord[]
): { bytes: Uint8Array; ext: string; mime: string } {
  if (records.length === 0)
    throw new StudioError('invalid-request', 'There is no molecule to write.')
  const [first] = records
  let text: string
  if (format === 'sdf') text = writeSdf(records)
  else if (format === 'mol') {
    text = writeMolfile(first.molecule, first.name !== undefined ? { name: first.name } : {})
  } else if (format === 'xyz') {
    text = writeXyz(
      records.map((r, i) => ({
        elements: r.molecule.elements,
        positions: r.molecule.positions,
        comment: (i === 0 && r.recipe !== undefined ? r.recipe : (r.name ?? '')).replace(
          /[\r\n]+/g,
          ' '
        )
      }))
    )
  } else {
    text = writePdb(first.molecule, {
      ...(first.name !== undefined ? { name: first.name } : {}),
      ...(first.recipe !== undefined ? { recipe: first.recipe } : {})
    })
  }
  return { bytes: Buffer.from(text, 'utf8'), ...moleculeFormats[format] }
}
