// A molecule output file, whichever format the job wrote: SDF/MOL (bonds as written), XYZ (the last
// frame, bonds perceived) or PDB (CONECT bonds, perceived when there are none).
import { perceiveBonds } from './bonds'
import type { Molecule } from './molecule'
import { parsePdb } from './pdb'
import { MolfileError, parseSdf } from './sdf'
import { parseXyz } from './xyz'

export const extensionOf = (path: string): string =>
  /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? ''

export function readMolecule(text: string, path: string): Molecule {
  const ext = extensionOf(path)
  if (ext === 'xyz') {
    const frames = parseXyz(text)
    const last = frames[frames.length - 1]
    if (!last) throw new MolfileError('The XYZ file has no frames.')
    const { elements, positions } = last
    return {
      elements,
      positions,
      bonds: perceiveBonds(elements, positions),
      charges: elements.map(() => 0)
    }
  }
  if (ext === 'pdb') {
    const m = parsePdb(text)
    return m.bonds.length || m.elements.length < 2
      ? m
      : { ...m, bonds: perceiveBonds(m.elements, m.positions) }
  }
  const [first] = parseSdf(text)
  if (!first) throw new MolfileError('The file holds no molecule.')
  return first
}
