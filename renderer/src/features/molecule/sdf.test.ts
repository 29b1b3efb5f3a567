import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { distance } from './molecule'
import { MolfileError, parseSdf } from './sdf'

const fixture = readFileSync(new URL('./fixtures/molecules.sdf', import.meta.url), 'utf8')

describe('parseSdf', () => {
  it('reads every record with atoms, coordinates, bond orders and data items', () => {
    const [acrylonitrile, nitromethane, acetic] = parseSdf(fixture)
    expect(acrylonitrile.name).toBe('acrylonitrile')
    expect(acrylonitrile.elements).toEqual(['C', 'C', 'C', 'N', 'H', 'H', 'H'])
    expect(acrylonitrile.bonds).toEqual([
      { a: 0, b: 1, order: 2 },
      { a: 1, b: 2, order: 1 },
      { a: 2, b: 3, order: 3 },
      { a: 0, b: 4, order: 1 },
      { a: 0, b: 5, order: 1 },
      { a: 1, b: 6, order: 1 }
    ])
    expect(acrylonitrile.positions[0]).toBeCloseTo(-1.0417, 4)
    expect(distance(acrylonitrile.positions, 2, 3)).toBeGreaterThan(1.1)
    expect(distance(acrylonitrile.positions, 2, 3)).toBeLessThan(1.2)
    expect(acrylonitrile.data).toEqual({ SMILES: 'C=CC#N' })
    expect(nitromethane.charges).toEqual([0, 1, 0, -1, 0, 0, 0])
    expect(acetic.bonds.filter((b) => b.order === 2)).toHaveLength(1)
  })

  it('takes charges from the atom block when there is no M  CHG, and tolerates drifted columns', () => {
    const molfile = [
      'ammonium',
      '  hand-written',
      '',
      '  2  1  0  0  0  0  0  0  0  0999 V2000',
      '    0.0000    0.0000    0.0000 N   0  3  0  0  0  0  0  0  0  0  0  0',
      '  1.01 0 0 H 0 0',
      '  1  2  1  0',
      'M  END',
      ''
    ].join('\n')
    const [m] = parseSdf(molfile)
    expect(m.elements).toEqual(['N', 'H'])
    expect(m.charges).toEqual([1, 0])
    expect(m.positions[3]).toBeCloseTo(1.01)
    expect(m.data).toBeUndefined()
  })

  it('names the record and line of what it cannot read', () => {
    const v3000 = 'x\n\n\n  0  0  0     0  0            999 V3000\nM  END\n'
    expect(() => parseSdf(v3000)).toThrow(MolfileError)
    expect(() => parseSdf(v3000)).toThrow(/record 1, line 4: V3000/)
    const short = 'x\n\n\n  3  0  0  0  0  0  0  0  0  0999 V2000\n    0.0 0.0 0.0 C\n'
    expect(() => parseSdf(short)).toThrow(/line 6: the atom block ends early/)
    const badBond = 'x\n\n\n  1  1\n    0.0000    0.0000    0.0000 C   0  0\n  1  2  1  0\nM  END\n'
    expect(() => parseSdf(badBond)).toThrow(/bond between atoms 1 and 2 of 1/)
  })
})

describe('a counts line that disagrees with its blocks (the engine refuses it too)', () => {
  const ethanol = [
    'ethanol',
    '  test',
    '',
    '  3  2  0  0  0  0  0  0  0  0999 V2000',
    '    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
    '    1.5000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
    '    2.0000    1.4000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
    '  1  2  1  0',
    '  2  3  1  0',
    'M  END'
  ]
  const withCounts = (counts: string) =>
    [...ethanol.slice(0, 3), counts, ...ethanol.slice(4)].join('\n')
  it('is refused, naming what the counts line says', () => {
    expect(parseSdf(ethanol.join('\n'))[0].elements).toEqual(['C', 'C', 'O'])
    for (const counts of ['  2  2', '  4  2', '  3  1', '  3  3']) {
      expect(() => parseSdf(withCounts(`${counts}  0  0  0  0  0  0  0  0999 V2000`))).toThrow(
        MolfileError
      )
    }
    expect(() => parseSdf(withCounts('  3  1  0  0  0  0  0  0  0  0999 V2000'))).toThrow(
      /more atoms or bonds than the counts line says 3 atoms and 1 bonds/
    )
  })
})
