// What the molecule codecs (MOL/SDF, XYZ, PDB) share: limits, element symbols, fixed-width numbers.
import { StudioError, inputSizeCaps, outputFormats, textOf } from '../contract'
import { atomicNumberOf, checkGraph, symbolOf } from '../chemistry'
import type { Molecule3D } from '../chemistry'

/** The largest molecule file a reader accepts: the input store's cap (4 MiB). */
export const maxMoleculeBytes = inputSizeCaps.molecule

/** The most atoms a reader accepts in one molecule or frame. */
export const maxMoleculeAtoms = 10_000

/** The most molecules (SDF records, XYZ frames) a reader accepts from one file. */
export const maxMoleculeRecords = 10_000

export interface MoleculeReadOptions {
  readonly maxBytes?: number
  readonly maxAtoms?: number
  readonly maxRecords?: number
}

/** The molecule files the codecs read and write: extension and MIME type (written ones: the contract's). */
export const moleculeFormats = {
  mol: { ext: 'mol', mime: 'chemical/x-mdl-molfile' },
  sdf: outputFormats.sdf,
  xyz: outputFormats.xyz,
  pdb: outputFormats.pdb
} as const

/**
 * The file's text (UTF-8, a byte-order mark dropped; contract/text-files.ts), after checking its size.
 * @throws StudioError bad-input when too big, or for UTF-16/32 text (naming the fix).
 */
export function moleculeText(
  data: Uint8Array | string,
  format: string,
  options: MoleculeReadOptions
): string {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
  const max = options.maxBytes ?? maxMoleculeBytes
  if (size > max) {
    throw new StudioError(
      'bad-input',
      `The ${format} file is ${(size / 2 ** 20).toFixed(1)} MiB; the limit is ${(max / 2 ** 20).toFixed(1)} MiB.`
    )
  }
  return textOf(data, format)
}

/** @throws StudioError bad-input when an atom count is over the limit. */
export function checkAtomCount(atoms: number, format: string, options: MoleculeReadOptions): void {
  const max = options.maxAtoms ?? maxMoleculeAtoms
  if (atoms > max) {
    throw new StudioError(
      'bad-input',
      `The ${format} file has a molecule of ${atoms.toLocaleString('en')} atoms; the limit is ${max.toLocaleString('en')}.`
    )
  }
}

/** @throws StudioError bad-input when a record count is over the limit. */
export function checkRecordCount(
  records: number,
  format: string,
  options: MoleculeReadOptions
): void {
  const max = options.maxRecords ?? maxMoleculeRecords
  if (records > max) {
    throw new StudioError(
      'bad-input',
      `The ${format} file has more than ${max.toLocaleString('en')} molecules; split it into smaller files.`
    )
  }
}

/**
 * The element symbol of a file's atom label: a symbol in any case ('C', 'CL', 'cl' → 'Cl'), an
 * atomic number ('6'), or D/T for hydrogen isotopes; undefined when it names no element.
 */
export function elementSymbol(label: string): string | undefined {
  const text = label.trim()
  if (/^\d+$/.test(text)) return symbolOf(Number(text)) || undefined
  if (text === 'D' || text === 'T') return 'H'
  const symbol = text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()
  return atomicNumberOf(symbol) > 0 ? symbol : undefined
}

/**
 * Checks a molecule before writing: graph shape, finite positions, known elements.
 * @throws StudioError invalid-request (or bad-input for non-finite coordinates) naming the problem.
 */
export function checkMoleculeToWrite(molecule: Molecule3D): void {
  checkGraph(molecule)
  if (!('positions' in molecule) || !(molecule.positions instanceof Float32Array)) {
    throw new StudioError(
      'invalid-request',
      'A molecule file needs 3D positions (Å) for every atom.'
    )
  }
  molecule.elements.forEach((symbol, i) => {
    if (atomicNumberOf(symbol) === 0) {
      throw new StudioError('invalid-request', `Atom ${i} has an unknown element "${symbol}".`)
    }
  })
}

/** @throws StudioError invalid-request when a one-line text field holds a line break. */
export function checkOneLine(text: string, what: string): void {
  if (/[\r\n]/.test(text)) {
    throw new StudioError(
      'invalid-request',
      `The ${what} must be one line; it contains a line break.`
    )
  }
}

/**
 * `value` as fixed-point text with `decimals` decimals, right-aligned in `width` columns.
 * @throws StudioError invalid-request when it does not fit (naming the value and the format).
 */
export function fixed(value: number, width: number, decimals: number, what: string): string {
  const text = (Object.is(value, -0) ? 0 : value).toFixed(decimals)
  const shown = text === `-${(0).toFixed(decimals)}` ? (0).toFixed(decimals) : text
  if (shown.length > width) {
    throw new StudioError(
      'invalid-request',
      `${what} ${value} does not fit the file's ${width}-column field; move the molecule nearer the origin.`
    )
  }
  return shown.padStart(width)
}
