// RDKit 2022.09.3 (Debian python3-rdkit) was checked once by hand on this writer's output
// (Chem.MolFromPDBFile, removeHs=False, with and without proximity bonding): acetic acid, acetonitrile,
// chlorobenzene and the glycine zwitterion came back with their bond orders (from repeated CONECT
// entries), charges (columns 79–80) and hydrogens; REMARK 999 lines are ignored.
import { PDBLoader } from 'three/examples/jsm/loaders/PDBLoader.js'
import { describe, expect, it } from 'vitest'
import { fixtures } from '../chemistry/testing/fixtures'
import { writePdb } from './pdb'
import { recipeFromChunks } from './recipe-lines'

/** The fixed columns of a HETATM record (1-based, inclusive, as the PDB format defines them). */
function columns(line: string) {
  const c = (from: number, to: number) => line.slice(from - 1, to)
  return {
    record: c(1, 6),
    serial: Number(c(7, 11)),
    name: c(13, 16),
    residue: c(18, 20),
    x: Number(c(31, 38)),
    y: Number(c(39, 46)),
    z: Number(c(47, 54)),
    element: c(77, 78).trim(),
    charge: c(79, 80)
  }
}

describe('writePdb', () => {
  it('writes 80-column HETATM records with names, coordinates, elements and charges in place', () => {
    const m = fixtures.glycineZwitterion
    const text = writePdb(m, { name: 'glycine' })
    const lines = text.split('\n')
    expect(lines[0]).toBe('COMPND    glycine')
    const atoms = lines.filter((l) => l.startsWith('HETATM'))
    expect(atoms).toHaveLength(10)
    atoms.forEach((line, i) => {
      expect(line).toHaveLength(80)
      const c = columns(line)
      expect(c.serial).toBe(i + 1)
      expect(c.residue).toBe('UNL')
      expect(c.element).toBe(m.elements[i].toUpperCase())
      expect(c.x).toBeCloseTo(m.positions[i * 3], 3)
      expect(c.y).toBeCloseTo(m.positions[i * 3 + 1], 3)
      expect(c.z).toBeCloseTo(m.positions[i * 3 + 2], 3)
    })
    expect(columns(atoms[0])).toMatchObject({ name: ' N1 ', charge: '1+' })
    expect(columns(atoms[4])).toMatchObject({ name: ' O2 ', charge: '1-' })
    expect(lines.at(-2)).toBe('END')
    const chloro = writePdb(fixtures.chlorobenzene).split('\n')
    expect(columns(chloro[0])).toMatchObject({ name: 'CL1 ', element: 'CL' })
  })

  it('lists bonds in CONECT records, a double bond twice, at most 4 per line', () => {
    const lines = writePdb(fixtures.aceticAcid)
      .split('\n')
      .filter((l) => l.startsWith('CONECT'))
    expect(lines).toEqual([
      'CONECT    1    2    5    6    7',
      'CONECT    2    1    3    3    4',
      'CONECT    3    2    2',
      'CONECT    4    2    8',
      'CONECT    5    1',
      'CONECT    6    1',
      'CONECT    7    1',
      'CONECT    8    4'
    ])
    // A carbon with a triple bond and two more neighbours needs two lines.
    const acn = writePdb(fixtures.acetonitrile)
      .split('\n')
      .filter((l) => l.startsWith('CONECT    2'))
    expect(acn).toEqual(['CONECT    2    1    3    3    3'])
  })

  it('carries the recipe in REMARK 999 lines that decode exactly', () => {
    const recipe = JSON.stringify({ prompt: 'a molecule 猫', pad: 'x y '.repeat(40) })
    const lines = writePdb(fixtures.ethanol, { recipe }).split('\n')
    const remarks = lines.filter((l) => l.startsWith('REMARK 999 recipe '))
    expect(remarks.length).toBeGreaterThan(2)
    for (const line of remarks) expect(line.length).toBeLessThanOrEqual(80)
    expect(recipeFromChunks(remarks.map((l) => l.slice('REMARK 999 recipe '.length)))).toBe(recipe)
  })

  it('is read by three.js’s PDBLoader with the same atoms and positions', () => {
    for (const m of Object.values(fixtures)) {
      const parsed = new PDBLoader().parse(writePdb(m))
      expect(parsed.json.atoms).toHaveLength(m.elements.length)
      parsed.json.atoms.forEach((atom, i) => {
        expect(atom[4].toUpperCase()).toBe(m.elements[i].toUpperCase())
        for (let k = 0; k < 3; k++) expect(atom[k]).toBeCloseTo(m.positions[i * 3 + k], 3)
      })
    }
  })

  it('refuses what the format cannot hold', () => {
    const m = fixtures.formaldehyde
    expect(() => writePdb({ ...m, positions: m.positions.map((v) => v - 5000) })).toThrow(
      /8-column field/
    )
    expect(() => writePdb(m, { residue: 'LONG' })).toThrow(/1–3 letters/)
    expect(() => writePdb(m, { name: 'a\nb' })).toThrow(/one line/)
  })
})
