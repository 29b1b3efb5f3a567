// MDL molfiles (V2000) and SD files: BIOVIA "CTfile Formats" (2020), chapters "Molfile" (header,
// counts line, atom and bond blocks, `M  CHG`, `M  END`) and "SDfile" (records ended by `$$$$`,
// data items `> <name>` followed by value lines and a blank line). 3D coordinates in Å.
import { StudioError, linesOf } from '../contract'
import type { Bond, BondOrder, Molecule3D } from '../chemistry'
import {
  checkAtomCount,
  checkMoleculeToWrite,
  checkOneLine,
  checkRecordCount,
  elementSymbol,
  fixed,
  moleculeText
} from './molecule-file'
import type { MoleculeReadOptions } from './molecule-file'

/** The SD data item that carries the studio's recipe (the same key as the PNG text chunk). */
export const recipeField = 'diffusion-studio'

export interface MolfileRecord {
  readonly molecule: Molecule3D
  /** Header line 1. */
  readonly name: string
  /** Header line 3. */
  readonly comment: string
}

export interface SdfRecord extends MolfileRecord {
  /** Data items other than the recipe, name → value (multi-line values joined with \n). */
  readonly data: Readonly<Record<string, string>>
  /** The `diffusion-studio` data item. */
  readonly recipe?: string
}

export interface MolfileWriteOptions {
  readonly name?: string
  readonly comment?: string
  /** Header line 2's timestamp (MMDDYYHHmm); default 0000000000 so files are reproducible. */
  readonly date?: Date
}

const v2000Limit = 999

/** charge → the atom block's ccc code (CTfile: 1 = +3, 2 = +2, 3 = +1, 5 = −1, 6 = −2, 7 = −3). */
const chargeCodes = new Map([
  [3, 1],
  [2, 2],
  [1, 3],
  [-1, 5],
  [-2, 6],
  [-3, 7]
])
const chargesOfCodes = new Map([...chargeCodes].map(([charge, code]) => [code, charge]))

const pad = (value: number | string, width: number) => String(value).padStart(width)

/**
 * A V2000 molfile: header (name, program line with "3D", comment), counts line, atom block with
 * coordinates (Å, 4 decimals) and charges, bond block with orders 1–3, `M  CHG` lines for every
 * charged atom, `M  END`. Lines end with \n.
 * @throws StudioError invalid-request for a malformed molecule, more than 999 atoms or bonds (the
 *   V2000 limit), a coordinate outside −9999.9999 … 99999.9999, or a name/comment with a line break.
 */
export function writeMolfile(molecule: Molecule3D, options: MolfileWriteOptions = {}): string {
  checkMoleculeToWrite(molecule)
  const n = molecule.elements.length
  if (n > v2000Limit || molecule.bonds.length > v2000Limit) {
    throw new StudioError(
      'invalid-request',
      `A V2000 molfile holds at most ${v2000Limit} atoms and ${v2000Limit} bonds; this molecule has ` +
        `${n} atoms and ${molecule.bonds.length} bonds.`
    )
  }
  const name = options.name ?? ''
  const comment = options.comment ?? ''
  checkOneLine(name, 'molecule name')
  checkOneLine(comment, 'molfile comment')
  const d = options.date
  const stamp = d
    ? [
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCFullYear() % 100,
        d.getUTCHours(),
        d.getUTCMinutes()
      ]
        .map((v) => String(v).padStart(2, '0'))
        .join('')
    : '0000000000'
  const lines = [name.slice(0, 80), `  DiffStud${stamp}3D`, comment.slice(0, 80)]
  lines.push(`${pad(n, 3)}${pad(molecule.bonds.length, 3)}  0  0  0  0  0  0  0  0999 V2000`)
  const p = molecule.positions
  const charged: [number, number][] = []
  for (let i = 0; i < n; i++) {
    const q = molecule.charges?.[i] ?? 0
    if (q !== 0) charged.push([i + 1, q])
    const xyz = [0, 1, 2].map((k) => fixed(p[i * 3 + k], 10, 4, `Atom ${i}'s coordinate`)).join('')
    const symbol = molecule.elements[i].padEnd(3)
    lines.push(`${xyz} ${symbol} 0${pad(chargeCodes.get(q) ?? 0, 3)}${'  0'.repeat(10)}`)
  }
  for (const { a, b, order } of molecule.bonds) {
    lines.push(`${pad(a + 1, 3)}${pad(b + 1, 3)}${pad(order, 3)}  0`)
  }
  for (let k = 0; k < charged.length; k += 8) {
    const group = charged.slice(k, k + 8)
    lines.push(
      `M  CHG${pad(group.length, 3)}${group.map(([i, q]) => `${pad(i, 4)}${pad(q, 4)}`).join('')}`
    )
  }
  lines.push('M  END')
  return lines.join('\n') + '\n'
}

export interface SdfWriteRecord {
  readonly molecule: Molecule3D
  readonly name?: string
  readonly comment?: string
  /** Written as the `diffusion-studio` data item. */
  readonly recipe?: string
  /** More data items, name → value (value lines must not be blank). */
  readonly data?: Readonly<Record<string, string>>
}

/**
 * An SD file: each record's molfile, its data items (`> <name>`, value, blank line; the recipe
 * first as `diffusion-studio`), then `$$$$`. Values may hold line breaks but no blank line (which
 * would end the item) and no line starting with `$$$$`; lines may exceed the 1992 spec's 200
 * characters (RDKit, Open Babel and openchemlib read them).
 * @throws StudioError invalid-request for anything `writeMolfile` refuses, a data name that is
 *   empty or holds <, > or a line break, or a value that would break the record.
 */
export function writeSdf(
  records: readonly SdfWriteRecord[],
  options: Pick<MolfileWriteOptions, 'date'> = {}
): string {
  let out = ''
  for (const record of records) {
    out += writeMolfile(record.molecule, {
      ...(record.name !== undefined ? { name: record.name } : {}),
      ...(record.comment !== undefined ? { comment: record.comment } : {}),
      ...(options.date ? { date: options.date } : {})
    })
    const items = Object.entries({
      ...(record.recipe !== undefined ? { [recipeField]: record.recipe } : {}),
      ...(record.data ?? {})
    })
    for (const [key, value] of items) {
      if (key === '' || /[<>\r\n]/.test(key)) {
        throw new StudioError(
          'invalid-request',
          `"${key}" cannot name an SD data item (no <, > or line breaks).`
        )
      }
      const valueLines = linesOf(value)
      if (valueLines.some((line) => line.trim() === '' || line.startsWith('$$$$'))) {
        if (value !== '') {
          throw new StudioError(
            'invalid-request',
            `The SD data item "${key}" has a blank line or a line starting with $$$$, which would end the record.`
          )
        }
      }
      out += `> <${key}>\n${value === '' ? '' : `${value}\n`}\n`
    }
    out += '$$$$\n'
  }
  return out
}

/**
 * Reads one V2000 molfile (the first record if given an SD file).
 * @throws StudioError bad-input as `readSdf` does.
 */
export function readMolfile(
  data: Uint8Array | string,
  options: MoleculeReadOptions = {}
): MolfileRecord {
  const text = moleculeText(data, 'molfile', options)
  const lines = linesOf(text)
  const { record } = parseMolfile(lines, 0, 1, options)
  return record
}

/**
 * Reads every record of an SD file: molecule (atoms, 3D coordinates in Å, bonds 1–3, charges from
 * the atom block or `M  CHG`, which supersedes the atom block as the spec says), header name and
 * comment, data items. A last record without `$$$$` is accepted.
 * @throws StudioError bad-input for a file over the size, atom or record limits, a V3000 molfile,
 *   an aromatic (type 4) or query bond (kekulise the file first), an unknown element, a bond to a
 *   missing atom, a non-finite coordinate, or a truncated block — naming the record and line.
 */
export function readSdf(data: Uint8Array | string, options: MoleculeReadOptions = {}): SdfRecord[] {
  const text = moleculeText(data, 'SD', options)
  const lines = linesOf(text)
  const records: SdfRecord[] = []
  let at = 0
  while (at < lines.length) {
    // Skip blank lines between records and after the last one.
    let probe = at
    while (probe < lines.length && lines[probe].trim() === '') probe++
    if (probe >= lines.length) break
    checkRecordCount(records.length + 1, 'SD', options)
    const parsed = parseMolfile(lines, at, records.length + 1, options)
    at = parsed.next
    const data: Record<string, string> = {}
    while (at < lines.length && !lines[at].startsWith('$$$$')) {
      const header = /^>.*?<([^>]*)>/.exec(lines[at])
      at++
      if (!header) continue
      const values: string[] = []
      while (at < lines.length && lines[at].trim() !== '' && !lines[at].startsWith('$$$$')) {
        values.push(lines[at])
        at++
      }
      data[header[1]] = values.join('\n')
    }
    at++ // past $$$$
    const { [recipeField]: recipe, ...rest } = data
    records.push({ ...parsed.record, data: rest, ...(recipe !== undefined ? { recipe } : {}) })
  }
  return records
}

/** A V2000 bond line: two atom numbers and a type, more integers after (CTfile, "Bond block"). */
const bondLine = /^\s*\d+\s*\d+\s+\d+(\s+-?\d+)*\s*$/
/** A V2000 atom line: coordinates, then an atom symbol in columns 32–34 (CTfile, "Atom block"). */
const atomLine = {
  test: (text: string) =>
    !bondLine.test(text) && !text.startsWith('M  ') && /[A-Za-z*#]/.test(text.slice(31, 34))
}

/** What a line of a molfile looks like, for messages. */
function lineKind(text: string): string {
  if (atomLine.test(text)) return 'an atom line'
  if (bondLine.test(text)) return 'a bond line'
  if (text.startsWith('M  END')) return 'M  END'
  if (text.startsWith('M  ')) return `a property line ("${text.slice(0, 6)}")`
  return text.trim() === '' ? 'blank' : `"${text.slice(0, 30)}"`
}

function parseMolfile(
  lines: readonly string[],
  start: number,
  recordNumber: number,
  options: MoleculeReadOptions
): { record: MolfileRecord; next: number } {
  const where = (line: number) => `record ${recordNumber}, line ${line + 1}`
  const fail = (line: number, message: string) =>
    new StudioError('bad-input', `The molfile (${where(line)}) ${message}`)
  if (start + 3 >= lines.length)
    throw fail(Math.min(start + 3, lines.length - 1), 'is truncated: no counts line.')
  const counts = lines[start + 3]
  if (/V3000/.test(counts)) {
    throw fail(start + 3, 'is V3000, which is not supported; save it as V2000 (up to 999 atoms).')
  }
  const atoms = Number.parseInt(counts.slice(0, 3), 10)
  const bonds = Number.parseInt(counts.slice(3, 6), 10)
  if (!Number.isInteger(atoms) || !Number.isInteger(bonds) || atoms < 0 || bonds < 0) {
    throw fail(start + 3, `has no valid counts line ("${counts.slice(0, 39)}").`)
  }
  checkAtomCount(atoms, 'molfile', options)
  const elements: string[] = []
  const positions = new Float32Array(atoms * 3)
  const charges: number[] = []
  let line = start + 4
  const counted = `its counts line says ${atoms} atom${atoms === 1 ? '' : 's'} and ${bonds} bond${bonds === 1 ? '' : 's'}`
  for (let i = 0; i < atoms; i++, line++) {
    const text = lines[line]
    if (text === undefined)
      throw fail(line, `is truncated: the atom block ends after ${i} of ${atoms} atoms.`)
    if (bondLine.test(text) || text.startsWith('M  ') || text.startsWith('$$$$')) {
      throw fail(
        line,
        `has ${i} atom${i === 1 ? '' : 's'} in its atom block, but ${counted}: this line is ${lineKind(text)}.`
      )
    }
    const xyz = [text.slice(0, 10), text.slice(10, 20), text.slice(20, 30)].map(Number)
    const symbol = elementSymbol(text.slice(31, 34))
    if (!symbol)
      throw fail(line, `has an unknown element "${text.slice(31, 34).trim()}" (atom ${i + 1}).`)
    xyz.forEach((v, k) => {
      if (!Number.isFinite(v) || text.slice(k * 10, k * 10 + 10).trim() === '') {
        throw fail(line, `has a coordinate that is not a finite number (atom ${i + 1}).`)
      }
      positions[i * 3 + k] = v
    })
    elements.push(symbol)
    charges.push(chargesOfCodes.get(Number.parseInt(text.slice(36, 39), 10)) ?? 0)
  }
  const bondList: Bond[] = []
  const seen = new Set<number>()
  for (let k = 0; k < bonds; k++, line++) {
    const text = lines[line]
    if (text === undefined)
      throw fail(line, `is truncated: the bond block ends after ${k} of ${bonds} bonds.`)
    if (!bondLine.test(text)) {
      throw fail(
        line,
        atomLine.test(text)
          ? `has more atoms than ${counted}: this line is an atom line.`
          : `has ${k} bond${k === 1 ? '' : 's'} in its bond block, but ${counted}: this line is ${lineKind(text)}.`
      )
    }
    const a = Number.parseInt(text.slice(0, 3), 10)
    const b = Number.parseInt(text.slice(3, 6), 10)
    const type = Number.parseInt(text.slice(6, 9), 10)
    if (!(a >= 1 && a <= atoms && b >= 1 && b <= atoms) || a === b) {
      throw fail(
        line,
        `has a bond between atoms ${a} and ${b}, but the molecule has atoms 1 … ${atoms}.`
      )
    }
    if (type === 4) {
      throw fail(
        line,
        'has an aromatic bond (type 4); save the file in Kekulé form (single and double bonds).'
      )
    }
    if (type !== 1 && type !== 2 && type !== 3) {
      throw fail(
        line,
        `has a bond of type ${text.slice(6, 9).trim()}; only single, double and triple bonds are supported.`
      )
    }
    const key = Math.min(a, b) * (atoms + 1) + Math.max(a, b)
    if (seen.has(key)) throw fail(line, `lists the bond between atoms ${a} and ${b} twice.`)
    seen.add(key)
    bondList.push({ a: a - 1, b: b - 1, order: type as BondOrder })
  }
  // What follows the bond block is the property block (or the record's end), never more atoms or bonds.
  const next = lines[line]
  if (next !== undefined && (atomLine.test(next) || bondLine.test(next))) {
    throw fail(
      line,
      `has more ${atomLine.test(next) ? 'atoms' : 'bonds'} than ${counted}: this line is ${lineKind(next)}.`
    )
  }
  let chargeLines = false
  for (; line < lines.length; line++) {
    const text = lines[line]
    if (text.startsWith('M  END')) {
      line++
      break
    }
    if (text.startsWith('$$$$') || text.startsWith('> ')) break
    if (text.startsWith('M  CHG') || text.startsWith('M  RAD')) {
      if (!chargeLines) charges.fill(0) // the property block supersedes the atom block
      chargeLines = true
    }
    if (text.startsWith('M  CHG')) {
      const count = Number.parseInt(text.slice(6, 9), 10)
      for (let k = 0; k < count; k++) {
        const atom = Number.parseInt(text.slice(9 + k * 8, 13 + k * 8), 10)
        const value = Number.parseInt(text.slice(13 + k * 8, 17 + k * 8), 10)
        if (!(atom >= 1 && atom <= atoms) || !Number.isInteger(value)) {
          throw fail(line, `has a malformed M  CHG entry ("${text.slice(0, 60)}").`)
        }
        charges[atom - 1] = value
      }
    }
  }
  const molecule: Molecule3D = {
    elements,
    positions,
    bonds: bondList,
    ...(charges.some((q) => q !== 0) ? { charges } : {})
  }
  return {
    record: { molecule, name: lines[start] ?? '', comment: lines[start + 2] ?? '' },
    next: line
  }
}
