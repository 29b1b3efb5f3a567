// RDKit 2022.09.3 (Debian python3-rdkit) was checked once by hand on this writer's output: it reads
// every record of an SD file of the chemistry fixtures (3D conformers, the same canonical SMILES,
// charges, a 433-character recipe line, data items) with sanitisation on.
import { Molecule, SDFileParser } from 'openchemlib'
import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import type { Molecule3D } from '../chemistry'
import { fixtures } from '../chemistry/testing/fixtures'
import { readMolfile, readSdf, recipeField, writeMolfile, writeSdf } from './molfile'
import { ethanolWithoutHydrogens } from './testing/molfiles'

const molecules = Object.entries(fixtures)

function expectBadInput(run: () => unknown, message: RegExp): void {
  let error: unknown
  try {
    run()
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(StudioError)
  expect((error as StudioError).code).toBe('bad-input')
  expect((error as StudioError).message).toMatch(message)
}

/** Coordinates as the molfile stores them: 4 decimals. */
const rounded = (p: Float32Array) => Array.from(p, (v) => Math.round(v * 1e4) / 1e4)

function expectSameMolecule(got: Molecule3D, want: Molecule3D): void {
  expect(got.elements).toEqual(want.elements)
  expect(got.bonds).toEqual(want.bonds)
  expect(got.charges ?? got.elements.map(() => 0)).toEqual(
    want.charges ?? want.elements.map(() => 0)
  )
  expect(Array.from(got.positions)).toEqual(
    rounded(want.positions).map((v) => expect.closeTo(v, 5))
  )
}

describe('molfile V2000', () => {
  it('writes the fixed-column layout', () => {
    const text = writeMolfile(fixtures.glycineZwitterion, {
      name: 'glycine',
      comment: 'zwitterion'
    })
    const lines = text.split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'glycine',
      '  DiffStud00000000003D',
      'zwitterion',
      ' 10  9  0  0  0  0  0  0  0  0999 V2000'
    ])
    expect(lines[4]).toBe('   -1.1402   -0.0162   -0.0836 N   0  3  0  0  0  0  0  0  0  0  0  0')
    expect(lines).toContain('M  CHG  2   1   1   5  -1')
    expect(lines.at(-2)).toBe('M  END')
    const dated = writeMolfile(fixtures.ethanol, { date: new Date(Date.UTC(2024, 2, 5, 14, 7)) })
    expect(dated.split('\n')[1]).toBe('  DiffStud03052414073D')
  })

  it.each(molecules)(
    'is read by openchemlib with the same atoms, bonds and charges: %s',
    (_, m) => {
      const ocl = Molecule.fromMolfile(writeMolfile(m))
      expect(ocl.getAllAtoms()).toBe(m.elements.length)
      const p = rounded(m.positions)
      for (let i = 0; i < m.elements.length; i++) {
        expect(ocl.getAtomLabel(i)).toBe(m.elements[i])
        expect(ocl.getAtomCharge(i)).toBe(m.charges?.[i] ?? 0)
        // openchemlib flips y and z into its own frame.
        expect(ocl.getAtomX(i)).toBeCloseTo(p[i * 3], 6)
        expect(ocl.getAtomY(i)).toBeCloseTo(-p[i * 3 + 1], 6)
        expect(ocl.getAtomZ(i)).toBeCloseTo(-p[i * 3 + 2], 6)
      }
      const bonds = Array.from({ length: ocl.getAllBonds() }, (_, k) => ({
        a: ocl.getBondAtom(0, k),
        b: ocl.getBondAtom(1, k),
        order: ocl.getBondOrder(k)
      }))
      expect(bonds).toEqual(m.bonds)
      expect(ocl.getIDCode()).toBe(Molecule.fromSmiles(m.smiles).getIDCode())
    }
  )

  it.each(molecules)('round-trips through readMolfile: %s', (_, m) => {
    const back = readMolfile(writeMolfile(m, { name: 'n', comment: 'c' }))
    expectSameMolecule(back.molecule, m)
    expect(back.name).toBe('n')
    expect(back.comment).toBe('c')
  })

  it('reads molfiles written by openchemlib, including M  CHG', () => {
    const ocl = Molecule.fromSmiles('C[N+](=O)[O-]')
    ocl.addImplicitHydrogens()
    const back = readMolfile(ocl.toMolfile())
    expect(back.molecule.elements).toEqual(['C', 'N', 'O', 'O', 'H', 'H', 'H'])
    expect(back.molecule.charges).toEqual([0, 1, 0, -1, 0, 0, 0])
  })

  it('refuses what V2000 cannot hold and malformed text fields', () => {
    const big = {
      elements: new Array(1000).fill('C'),
      positions: new Float32Array(3000),
      bonds: []
    }
    expect(() => writeMolfile(big)).toThrow(
      /at most 999 atoms and 999 bonds; this molecule has 1000 atoms/
    )
    const far = {
      ...fixtures.formaldehyde,
      positions: fixtures.formaldehyde.positions.map((v) => v + 1e6)
    }
    expect(() => writeMolfile(far)).toThrow(/does not fit the file's 10-column field/)
    expect(() => writeMolfile(fixtures.ethanol, { name: 'a\nb' })).toThrow(/one line/)
  })
})

describe('SD files', () => {
  const records = molecules.map(([name, m], i) => ({
    molecule: m,
    name,
    recipe: JSON.stringify({ prompt: `molecule ${i} 猫`, seed: i, pad: 'x'.repeat(300) }),
    data: { smiles: m.smiles, note: 'two\nlines' }
  }))
  const sdf = writeSdf(records)

  it('holds several molecules with data items, read back by openchemlib’s SDFileParser', () => {
    const parser = new SDFileParser(sdf, [recipeField, 'smiles', 'note'])
    let i = 0
    while (parser.next()) {
      const ocl = parser.getMolecule()
      expect(ocl.getAllAtoms()).toBe(records[i].molecule.elements.length)
      expect(ocl.getIDCode()).toBe(Molecule.fromSmiles(records[i].data.smiles).getIDCode())
      expect(parser.getField(recipeField)).toBe(records[i].recipe)
      expect(parser.getField('smiles')).toBe(records[i].data.smiles)
      i++
    }
    expect(i).toBe(records.length)
  })

  it('round-trips through readSdf: molecules, names, recipes and data', () => {
    const back = readSdf(sdf)
    expect(back).toHaveLength(records.length)
    back.forEach((record, i) => {
      expectSameMolecule(record.molecule, records[i].molecule)
      expect(record.name).toBe(records[i].name)
      expect(record.recipe).toBe(records[i].recipe)
      expect(record.data).toEqual(records[i].data)
    })
    expect(readSdf(Buffer.from(sdf))).toHaveLength(records.length)
    expect(readMolfile(sdf).name).toBe('ethanol')
    // CRLF, no final $$$$, an empty data value.
    const crlf = writeSdf([{ molecule: fixtures.formaldehyde, data: { empty: '' } }])
      .replace(/\$\$\$\$\n$/, '')
      .replace(/\n/g, '\r\n')
    expect(readSdf(crlf)[0].data).toEqual({ empty: '' })
  })

  it('refuses data that would break a record', () => {
    const m = fixtures.formaldehyde
    expect(() => writeSdf([{ molecule: m, data: { 'a>b': 'x' } }])).toThrow(/cannot name/)
    expect(() => writeSdf([{ molecule: m, data: { k: 'one\n\nthree' } }])).toThrow(/blank line/)
    expect(() => writeSdf([{ molecule: m, recipe: '$$$$' }])).toThrow(/\$\$\$\$/)
  })
})

describe('reading bad molfiles', () => {
  const good = writeMolfile(fixtures.formaldehyde)
  const lines = good.split('\n')
  const replace = (index: number, line: string) =>
    lines.map((l, i) => (i === index ? line : l)).join('\n')

  it('names V3000, aromatic and query bonds, unknown elements, bad bonds and truncation', () => {
    expectBadInput(
      () => readMolfile(replace(3, '  0  0  0     0  0            999 V3000')),
      /V3000/
    )
    expectBadInput(
      () => readMolfile(replace(8, '  1  2  4  0')),
      /record 1, line 9\) has an aromatic bond/
    )
    expectBadInput(() => readMolfile(replace(8, '  1  2  8  0')), /type 8; only single/)
    expectBadInput(
      () => readMolfile(replace(4, lines[4].replace(' C  ', ' Xx '))),
      /unknown element "Xx"/
    )
    expectBadInput(
      () => readMolfile(replace(8, '  1  9  2  0')),
      /atoms 1 and 9, but the molecule has atoms 1 … 4/
    )
    expectBadInput(() => readMolfile(replace(9, lines[8])), /twice/)
    expectBadInput(
      () => readMolfile(lines.slice(0, 6).join('\n')),
      /truncated: the atom block ends after 2 of 4/
    )
    expectBadInput(() => readMolfile('a\nb\n'), /truncated: no counts line/)
    expectBadInput(
      () => readMolfile(replace(4, `       nan${lines[4].slice(10)}`)),
      /not a finite number/
    )
    expectBadInput(() => readSdf(good, { maxAtoms: 3 }), /4 atoms; the limit is 3/)
    expectBadInput(() => readSdf(sdfOf(3), { maxRecords: 2 }), /more than 2 molecules/)
    expectBadInput(() => readSdf(good, { maxBytes: 10 }), /limit is 0\.0 MiB/)
  })

  function sdfOf(n: number): string {
    return writeSdf(Array.from({ length: n }, () => ({ molecule: fixtures.formaldehyde })))
  }
})

describe('a counts line that disagrees with its blocks is refused, never read silently', () => {
  const ethanol = [...ethanolWithoutHydrogens]
  const withCounts = (counts: string) =>
    [...ethanol.slice(0, 3), counts, ...ethanol.slice(4)].join('\n')

  it('reads the honest file', () => {
    expect(readMolfile(ethanol.join('\n')).molecule.elements).toEqual(['C', 'C', 'O'])
  })

  it('names what the blocks hold and what the counts line says', () => {
    expectBadInput(
      () => readMolfile(withCounts('  2  2  0  0  0  0  0  0  0  0999 V2000')),
      /\(record 1, line 7\) has more atoms than its counts line says 2 atoms and 2 bonds: this line is an atom line/
    )
    expectBadInput(
      () => readMolfile(withCounts('  4  2  0  0  0  0  0  0  0  0999 V2000')),
      /\(record 1, line 8\) has 3 atoms in its atom block, but its counts line says 4 atoms and 2 bonds: this line is a bond line/
    )
    expectBadInput(
      () => readMolfile(withCounts('  3  1  0  0  0  0  0  0  0  0999 V2000')),
      /has more bonds than its counts line says 3 atoms and 1 bond: this line is a bond line/
    )
    expectBadInput(
      () => readMolfile(withCounts('  3  3  0  0  0  0  0  0  0  0999 V2000')),
      /has 2 bonds in its bond block, but its counts line says 3 atoms and 3 bonds: this line is M {2}END/
    )
  })
})
