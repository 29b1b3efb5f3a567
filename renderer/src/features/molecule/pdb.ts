// PDB files of small molecules, read for display (wwPDB format 3.3): ATOM/HETATM records (x, y, z in
// columns 31–54, element in 77–78, else from the atom name in 13–16, charge in 79–80) and CONECT
// records, where a bond of order k is listed k times (the convention the engine, RDKit and Open Babel
// write). A file without CONECT records gets no bonds here (the caller perceives them).
import { linesOf } from '../../lib/contract'
import { normaliseSymbol } from './elements'
import type { Bond, BondOrder, Molecule } from './molecule'

export class PdbError extends Error {
  override name = 'PdbError'
}

export function parsePdb(text: string): Molecule {
  const elements: string[] = []
  const xyz: number[] = []
  const charges: number[] = []
  const serials = new Map<number, number>()
  const listed = new Map<string, number>()
  let name: string | undefined
  for (const [k, line] of linesOf(text).entries()) {
    const record = line.slice(0, 6).trim()
    if (record === 'COMPND' && name === undefined) name = line.slice(10).trim() || undefined
    if (record === 'ATOM' || record === 'HETATM') {
      const coords = [line.slice(30, 38), line.slice(38, 46), line.slice(46, 54)].map(Number)
      if (!coords.every(Number.isFinite))
        throw new PdbError(`line ${k + 1}: coordinates are not numbers`)
      const symbol =
        line.slice(76, 78).trim() ||
        line
          .slice(12, 16)
          .trim()
          .replace(/[^A-Za-z].*$/, '')
      const charge = /^(\d)([+-])$/.exec(line.slice(78, 80).trim())
      serials.set(Number(line.slice(6, 11)), elements.length)
      elements.push(normaliseSymbol(symbol))
      xyz.push(...coords)
      charges.push(charge ? Number(charge[1]) * (charge[2] === '-' ? -1 : 1) : 0)
    }
    if (record === 'CONECT') {
      const from = serials.get(Number(line.slice(6, 11)))
      // Count each neighbour per line pair (a, b); the order is the larger count of either end's listing.
      const seen = new Map<number, number>()
      for (let c = 11; c + 5 <= Math.max(line.length, 16); c += 5) {
        const to = serials.get(Number(line.slice(c, c + 5)))
        if (
          from === undefined ||
          to === undefined ||
          to === from ||
          line.slice(c, c + 5).trim() === ''
        )
          continue
        seen.set(to, (seen.get(to) ?? 0) + 1)
      }
      for (const [to, count] of seen) {
        const key = `${Math.min(from!, to)}-${Math.max(from!, to)}:${from! < to ? 'a' : 'b'}`
        listed.set(key, (listed.get(key) ?? 0) + count)
      }
    }
  }
  if (elements.length === 0) throw new PdbError('The PDB file has no ATOM or HETATM records.')
  const orders = new Map<string, number>()
  for (const [key, count] of listed) {
    const pair = key.slice(0, key.indexOf(':'))
    orders.set(pair, Math.max(orders.get(pair) ?? 0, count))
  }
  const bonds: Bond[] = [...orders]
    .map(([pair, count]) => {
      const [a, b] = pair.split('-').map(Number)
      return { a, b, order: Math.min(3, count) as BondOrder }
    })
    .sort((p, q) => p.a - q.a || p.b - q.b)
  return {
    elements,
    positions: Float32Array.from(xyz),
    bonds,
    charges,
    ...(name ? { name } : {})
  }
}
