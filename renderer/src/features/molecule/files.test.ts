import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { readMolecule } from './files'

const sdf = readFileSync(new URL('./fixtures/molecules.sdf', import.meta.url), 'utf8')
const xyz = readFileSync(new URL('./fixtures/trajectory.xyz', import.meta.url), 'utf8')

describe('readMolecule', () => {
  it('reads the first record of an SDF with its bonds', () => {
    const m = readMolecule(sdf, '/out/2026-x-s1-abc.sdf')
    expect(m.elements).toHaveLength(7)
    expect(m.bonds.map((b) => b.order).sort()).toEqual([1, 1, 1, 1, 2, 3])
  })

  it('perceives the bonds of an XYZ output (its last frame) and of a PDB without CONECT', () => {
    const m = readMolecule(xyz, 'a.xyz')
    expect(m.elements).toEqual(['C', 'C', 'C', 'N', 'H', 'H', 'H'])
    expect(m.bonds).toHaveLength(6)
    const pdb =
      'HETATM    1  O1  UNL     1       0.000   0.000   0.000  1.00  0.00           O  \n' +
      'HETATM    2  H1  UNL     1       0.960   0.000   0.000  1.00  0.00           H  \n'
    expect(readMolecule(pdb, 'w.pdb').bonds).toEqual([{ a: 0, b: 1, order: 1 }])
  })
})
