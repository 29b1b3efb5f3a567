// PDB files of small molecules (wwPDB "Atomic Coordinate Entry Format Version 3.3", sections
// HETATM, CONECT, COMPND, REMARK, END): every atom as a HETATM record of one residue, bonds as
// CONECT records with a bond of order k listed k times (the convention RDKit and Open Babel read
// as bond orders), the recipe in `REMARK 999 recipe` lines. 80-column fixed-width records.
import { StudioError } from '../contract'
import type { Molecule3D } from '../chemistry'
import { checkMoleculeToWrite, checkOneLine, fixed } from './molecule-file'
import { recipeChunks } from './recipe-lines'

export interface PdbWriteOptions {
  /** COMPND record text. */
  readonly name?: string
  /** Written as `REMARK 999 recipe` lines (see recipe-lines.ts). */
  readonly recipe?: string
  /** Residue name, up to 3 characters. Default 'UNL' (unknown ligand). */
  readonly residue?: string
}

const maxSerial = 99999

/**
 * A PDB file of one molecule: COMPND, REMARK 999 recipe lines, HETATM records (serial from 1, atom
 * names element + per-element count such as C1, H12, CL1, coordinates in Å with 3 decimals, element in
 * columns 77–78, charge in 79–80), CONECT records (neighbours in bond order, up to 4 per line, a
 * double bond listed twice), END.
 * @throws StudioError invalid-request for a malformed molecule, more than 99 999 atoms, a coordinate
 *   outside −999.999 … 9999.999, a residue name over 3 characters or a name with a line break.
 */
export function writePdb(molecule: Molecule3D, options: PdbWriteOptions = {}): string {
  checkMoleculeToWrite(molecule)
  const n = molecule.elements.length
  if (n > maxSerial) {
    throw new StudioError(
      'invalid-request',
      `A PDB file numbers at most ${maxSerial} atoms; this molecule has ${n}.`
    )
  }
  const residue = options.residue ?? 'UNL'
  if (!/^[A-Za-z0-9]{1,3}$/.test(residue)) {
    throw new StudioError(
      'invalid-request',
      `The residue name "${residue}" must be 1–3 letters or digits.`
    )
  }
  const lines: string[] = []
  if (options.name !== undefined) {
    checkOneLine(options.name, 'molecule name')
    lines.push(`COMPND    ${options.name}`.slice(0, 80))
  }
  if (options.recipe !== undefined) {
    for (const chunk of recipeChunks(options.recipe, 56)) lines.push(`REMARK 999 recipe ${chunk}`)
  }
  const perElement = new Map<string, number>()
  const p = molecule.positions
  for (let i = 0; i < n; i++) {
    const element = molecule.elements[i]
    const count = (perElement.get(element) ?? 0) + 1
    perElement.set(element, count)
    const upper = element.toUpperCase()
    const label = `${upper}${count}`.length <= 4 ? `${upper}${count}` : upper
    // Columns 13–16: a one-letter element starts in column 14 unless the name fills all four.
    const name = element.length === 1 && label.length < 4 ? ` ${label}`.padEnd(4) : label.padEnd(4)
    const q = molecule.charges?.[i] ?? 0
    const charge = q === 0 ? '  ' : `${Math.abs(q)}${q > 0 ? '+' : '-'}`
    const xyz = [0, 1, 2].map((k) => fixed(p[i * 3 + k], 8, 3, `Atom ${i}'s coordinate`)).join('')
    lines.push(
      `HETATM${String(i + 1).padStart(5)} ${name} ${residue.padStart(3)}  ${'1'.padStart(4)}    ${xyz}` +
        `  1.00  0.00          ${element.toUpperCase().padStart(2)}${charge}`
    )
  }
  const neighbours: number[][] = Array.from({ length: n }, () => [])
  for (const { a, b, order } of molecule.bonds) {
    for (let k = 0; k < order; k++) {
      neighbours[a].push(b + 1)
      neighbours[b].push(a + 1)
    }
  }
  neighbours.forEach((list, i) => {
    const sorted = [...list].sort((x, y) => x - y)
    for (let k = 0; k < sorted.length; k += 4) {
      const group = sorted.slice(k, k + 4).map((s) => String(s).padStart(5))
      lines.push(`CONECT${String(i + 1).padStart(5)}${group.join('')}`)
    }
  })
  lines.push('END')
  return lines.map((l) => `${l}\n`).join('')
}
