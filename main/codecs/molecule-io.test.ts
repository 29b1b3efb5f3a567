import { describe, expect, it } from 'vitest'
import { fixtures } from '../chemistry/testing/fixtures'
import { moleculeFormatOf, readMoleculeFile, writeMoleculeFile } from './molecule-io'

const records = [
  { molecule: fixtures.aceticAcid, name: 'acetic acid', recipe: '{"seed":1}' },
  { molecule: fixtures.ethanol, name: 'ethanol', recipe: '{"seed":2}' }
]

describe('molecule files by format', () => {
  it('writes SDF, MOL, XYZ and PDB with extension and MIME type, and sniffs them back', () => {
    const want = {
      sdf: 'chemical/x-mdl-sdfile',
      mol: 'chemical/x-mdl-molfile',
      xyz: 'chemical/x-xyz',
      pdb: 'chemical/x-pdb'
    }
    for (const [format, mime] of Object.entries(want)) {
      const file = writeMoleculeFile(format as keyof typeof want, records)
      expect(file.ext).toBe(format)
      expect(file.mime).toBe(mime)
      expect(moleculeFormatOf(Buffer.from(file.bytes).toString())).toBe(
        format === 'mol' ? 'sdf' : format
      )
    }
  })

  it('reads SDF records with bonds and recipes, XYZ frames without bonds', () => {
    const sdf = readMoleculeFile(writeMoleculeFile('sdf', records).bytes)
    expect(sdf.format).toBe('sdf')
    expect(sdf.records.map((r) => [r.name, r.recipe, r.hasBonds])).toEqual([
      ['acetic acid', '{"seed":1}', true],
      ['ethanol', '{"seed":2}', true]
    ])
    expect(sdf.records[0].molecule.bonds).toEqual(fixtures.aceticAcid.bonds)
    const mol = readMoleculeFile(writeMoleculeFile('mol', records).bytes)
    expect(mol.records).toHaveLength(1)
    const xyz = readMoleculeFile(writeMoleculeFile('xyz', records).bytes)
    expect(xyz.format).toBe('xyz')
    expect(xyz.records.map((r) => [r.name, r.hasBonds, r.molecule.bonds.length])).toEqual([
      ['{"seed":1}', false, 0],
      ['ethanol', false, 0]
    ])
    expect(xyz.records[1].molecule.positions).toEqual(fixtures.ethanol.positions)
  })

  it('refuses PDB input, unknown formats and empty writes', () => {
    expect(() => readMoleculeFile(writeMoleculeFile('pdb', records).bytes)).toThrow(/SDF or MOL/)
    expect(() => readMoleculeFile('hello')).toThrow(/SDF, MOL or XYZ/)
    expect(() => writeMoleculeFile('sdf', [])).toThrow(/no molecule/)
  })
})

describe('text encodings of molecule files', () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf])
  it('a byte-order mark and CRLF or CR line ends read the same atoms and bonds', () => {
    for (const format of ['sdf', 'xyz'] as const) {
      const text = Buffer.from(writeMoleculeFile(format, records).bytes).toString()
      const plain = readMoleculeFile(Buffer.from(text))
      for (const variant of [text.replace(/\n/g, '\r\n'), text.replace(/\n/g, '\r')]) {
        for (const bytes of [Buffer.from(variant), Buffer.concat([bom, Buffer.from(variant)])]) {
          const read = readMoleculeFile(bytes)
          expect(read.format).toBe(format)
          expect(read.records.map((r) => r.molecule)).toEqual(plain.records.map((r) => r.molecule))
        }
      }
    }
  })

  it('UTF-16 files are refused with the fix', () => {
    const text = Buffer.from(writeMoleculeFile('sdf', records).bytes).toString()
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    expect(() => readMoleculeFile(le)).toThrow(/UTF-16 text .*save it as UTF-8 or ASCII/)
  })
})
