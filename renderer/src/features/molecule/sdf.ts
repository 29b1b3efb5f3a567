// MDL V2000 molfiles and SD files, read for display (BIOVIA "CTfile Formats", chapters Molfile and
// SDfile): header, counts line, atom block (x, y, z in Å, symbol, charge code), bond block (orders
// 1–3, 4 aromatic), `M  CHG` (supersedes the atom block's charges), `M  END`, then SD data items
// `> <name>` up to `$$$$`. Fixed columns first, whitespace-separated fields where a writer drifted.
import { linesOf } from '../../lib/contract'
import type { Bond, BondOrder, Molecule } from './molecule'
import { normaliseSymbol } from './elements'

/** atom block charge code → charge (0 and 4, "doublet radical", mean none). */
const chargeOfCode: Readonly<Record<number, number>> = { 1: 3, 2: 2, 3: 1, 5: -1, 6: -2, 7: -3 }

export class MolfileError extends Error {
  override name = 'MolfileError'
}

/** A bond line: integers only (two atom numbers, a type, more). */
const bondPattern = /^\s*\d+\s*\d+\s+\d+(\s+-?\d+)*\s*$/

const num = (text: string): number => (text.trim() === '' ? NaN : Number(text))

function atomLine(line: string, where: string): { symbol: string; xyz: number[]; charge: number } {
  let xyz = [num(line.slice(0, 10)), num(line.slice(10, 20)), num(line.slice(20, 30))]
  let symbol = line.slice(31, 34).trim()
  let code = num(line.slice(36, 39))
  if (!xyz.every(Number.isFinite) || !/^[A-Za-z*]/.test(symbol)) {
    const f = line.trim().split(/\s+/)
    xyz = f.slice(0, 3).map(Number)
    symbol = f[3] ?? ''
    code = Number(f[5] ?? 0)
  }
  if (!xyz.every(Number.isFinite)) throw new MolfileError(`${where}: coordinates are not numbers`)
  if (!symbol) throw new MolfileError(`${where}: no element symbol`)
  return { symbol: normaliseSymbol(symbol), xyz, charge: chargeOfCode[code] ?? 0 }
}

function bondLine(line: string, atoms: number, where: string): Bond {
  let a = num(line.slice(0, 3))
  let b = num(line.slice(3, 6))
  let order = num(line.slice(6, 9))
  if (![a, b, order].every(Number.isInteger)) {
    ;[a, b, order] = line.trim().split(/\s+/).slice(0, 3).map(Number)
  }
  if (!(a >= 1 && a <= atoms && b >= 1 && b <= atoms) || a === b) {
    throw new MolfileError(`${where}: bond between atoms ${a} and ${b} of ${atoms}`)
  }
  if (!(order >= 1 && order <= 4)) throw new MolfileError(`${where}: bond order ${order}`)
  return { a: Math.min(a, b) - 1, b: Math.max(a, b) - 1, order: order as BondOrder }
}

/** Parses one molfile starting at `lines[start]`; returns the molecule and the line after `M  END`. */
function parseMolfile(lines: string[], start: number, record: number): [Molecule, number] {
  const where = (k: number) => `record ${record}, line ${k + 1}`
  const counts = lines[start + 3]
  if (counts === undefined) throw new MolfileError(`${where(start + 3)}: no counts line`)
  if (/V3000/.test(counts))
    throw new MolfileError(`${where(start + 3)}: V3000 molfiles are not read`)
  let atoms = num(counts.slice(0, 3))
  let bondCount = num(counts.slice(3, 6))
  if (!Number.isInteger(atoms) || !Number.isInteger(bondCount)) {
    ;[atoms, bondCount] = counts.trim().split(/\s+/).map(Number)
  }
  if (!Number.isInteger(atoms) || !Number.isInteger(bondCount) || atoms < 0 || bondCount < 0) {
    throw new MolfileError(`${where(start + 3)}: the counts line has no atom and bond counts`)
  }
  const elements: string[] = []
  const positions = new Float32Array(3 * atoms)
  const charges: number[] = []
  let k = start + 4
  const counted = `the counts line says ${atoms} atoms and ${bondCount} bonds`
  for (let i = 0; i < atoms; i++, k++) {
    if (!lines[k]?.trim()) throw new MolfileError(`${where(k)}: the atom block ends early`)
    if (bondPattern.test(lines[k]) || lines[k].startsWith('M  ')) {
      throw new MolfileError(`${where(k)}: the atom block has ${i} atoms, but ${counted}`)
    }
    const atom = atomLine(lines[k], where(k))
    elements.push(atom.symbol)
    positions.set(atom.xyz, 3 * i)
    charges.push(atom.charge)
  }
  const bonds: Bond[] = []
  for (let i = 0; i < bondCount; i++, k++) {
    if (!lines[k]?.trim()) throw new MolfileError(`${where(k)}: the bond block ends early`)
    if (!bondPattern.test(lines[k])) {
      throw new MolfileError(`${where(k)}: the bond block has ${i} bonds, but ${counted}`)
    }
    bonds.push(bondLine(lines[k], atoms, where(k)))
  }
  // The engine refuses a file whose blocks hold more than the counts line says; so does this reader.
  if (
    lines[k] !== undefined &&
    (bondPattern.test(lines[k]) || /\d\.\d+\s+[A-Za-z]/.test(lines[k]))
  ) {
    throw new MolfileError(`${where(k)}: more atoms or bonds than ${counted}`)
  }
  let chargeLines = false
  for (; k < lines.length; k++) {
    const line = lines[k]
    if (line.startsWith('M  END') || line.startsWith('$$$$')) break
    if (line.startsWith('M  CHG')) {
      // The first CHG line resets every charge of the atom block, as the spec says.
      if (!chargeLines) charges.fill(0)
      chargeLines = true
      const f = line.slice(6).trim().split(/\s+/).map(Number)
      for (let p = 0; p < f[0]; p++) {
        const atom = f[1 + 2 * p]
        const charge = f[2 + 2 * p]
        if (atom >= 1 && atom <= atoms && Number.isInteger(charge)) charges[atom - 1] = charge
      }
    }
  }
  if (lines[k]?.startsWith('M  END')) k++
  const name = lines[start].trim()
  return [{ elements, positions, bonds, charges, ...(name ? { name } : {}) }, k]
}

/**
 * Every record of an SD file (or the one molecule of a molfile), with its data items.
 * @throws MolfileError naming the record and line of anything it cannot read.
 */
export function parseSdf(text: string): Molecule[] {
  const lines = linesOf(text)
  const out: Molecule[] = []
  let k = 0
  while (k < lines.length) {
    while (k < lines.length && lines[k].trim() === '') k++
    if (k >= lines.length) break
    const [molecule, next] = parseMolfile(lines, k, out.length + 1)
    k = next
    const data: Record<string, string> = {}
    let key: string | null = null
    let value: string[] = []
    const flush = () => {
      if (key !== null) data[key] = value.join('\n')
      key = null
      value = []
    }
    for (; k < lines.length && !lines[k].startsWith('$$$$'); k++) {
      const header = /^>.*<([^>]+)>/.exec(lines[k])
      if (header) {
        flush()
        key = header[1]
      } else if (key !== null && lines[k].trim() === '') flush()
      else if (key !== null) value.push(lines[k])
    }
    flush()
    k++
    out.push(Object.keys(data).length ? { ...molecule, data } : molecule)
  }
  return out
}
