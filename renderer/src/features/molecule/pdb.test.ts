import { describe, expect, it } from 'vitest'
import { parsePdb, PdbError } from './pdb'

// Formaldehyde as the engine writes it: a double bond listed twice from each end.
const formaldehyde = [
  'COMPND    formaldehyde',
  'HETATM    1  C1  UNL     1       0.000   0.000   0.000  1.00  0.00           C  ',
  'HETATM    2  O1  UNL     1       1.210   0.000   0.000  1.00  0.00           O  ',
  'HETATM    3  H1  UNL     1      -0.550   0.940   0.000  1.00  0.00           H  ',
  'HETATM    4  H2  UNL     1      -0.550  -0.940   0.000  1.00  0.00           H  ',
  'CONECT    1    2    2    3    4',
  'CONECT    2    1    1',
  'CONECT    3    1',
  'CONECT    4    1',
  'END'
].join('\n')

describe('parsePdb', () => {
  it('reads atoms, elements and bond orders from repeated CONECT entries', () => {
    const m = parsePdb(formaldehyde)
    expect(m.name).toBe('formaldehyde')
    expect(m.elements).toEqual(['C', 'O', 'H', 'H'])
    expect(m.positions[3]).toBeCloseTo(1.21)
    expect(m.bonds).toEqual([
      { a: 0, b: 1, order: 2 },
      { a: 0, b: 2, order: 1 },
      { a: 0, b: 3, order: 1 }
    ])
  })

  it('takes the element from the atom name when columns 77–78 are empty, and charges', () => {
    const m = parsePdb(
      'ATOM      1 CL1  UNL     1       0.000   0.000   0.000\n' +
        'HETATM    2  N1  UNL     1       1.000   0.000   0.000  1.00  0.00           N1+\n'
    )
    expect(m.elements).toEqual(['Cl', 'N'])
    expect(m.charges).toEqual([0, 1])
    expect(m.bonds).toEqual([])
  })

  it('refuses a file without atoms', () => {
    expect(() => parsePdb('REMARK nothing\nEND\n')).toThrow(PdbError)
  })
})
