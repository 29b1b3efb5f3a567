import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { bondOrderAt, perceiveBonds, singleBondLength } from './bonds'
import { fixtures } from './testing/fixtures'

const sorted = (bonds: readonly { a: number; b: number; order: number }[]) =>
  bonds
    .map(({ a, b, order }) => ({ a: Math.min(a, b), b: Math.max(a, b), order }))
    .sort((x, y) => x.a - y.a || x.b - y.b)

describe('bondOrderAt (EDM get_bond_order)', () => {
  it('applies the single/double/triple thresholds with EDM’s margins, strictly', () => {
    // C–C: single 154 + 10, double 134 + 5, triple 120 + 3 pm.
    expect(bondOrderAt('C', 'C', 1.6399)).toBe(1)
    expect(bondOrderAt('C', 'C', 1.64)).toBe(0)
    expect(bondOrderAt('C', 'C', 1.3899)).toBe(2)
    expect(bondOrderAt('C', 'C', 1.39)).toBe(1)
    expect(bondOrderAt('C', 'C', 1.2299)).toBe(3)
    expect(bondOrderAt('C', 'C', 1.23)).toBe(2)
    // C–N triple below 116 + 3; C–O double below 120 + 5, triple below 113 + 3.
    expect(bondOrderAt('N', 'C', 1.16)).toBe(3)
    expect(bondOrderAt('O', 'C', 1.22)).toBe(2)
    expect(bondOrderAt('C', 'O', 1.15)).toBe(3)
    // C–F 135 + 10; N–N triple 110 + 3; O–H 96 + 10; no double for C–F or O–H.
    expect(bondOrderAt('C', 'F', 1.449)).toBe(1)
    expect(bondOrderAt('C', 'F', 1.2)).toBe(1)
    expect(bondOrderAt('C', 'F', 1.451)).toBe(0)
    expect(bondOrderAt('N', 'N', 1.1)).toBe(3)
    expect(bondOrderAt('H', 'O', 1.0599)).toBe(1)
    expect(bondOrderAt('H', 'O', 1.06)).toBe(0)
  })

  it('is symmetric and falls back to covalent radii for pairs the tables lack', () => {
    expect(singleBondLength('C', 'B')).toBe(160) // 0.76 + 0.84 Å
    expect(singleBondLength('N', 'C')).toBe(147)
    expect(bondOrderAt('B', 'C', 1.69)).toBe(1)
    expect(bondOrderAt('B', 'C', 1.71)).toBe(0)
    expect(singleBondLength('C', 'Na')).toBeUndefined()
    expect(bondOrderAt('C', 'Na', 1)).toBe(0)
  })
})

describe('perceiveBonds', () => {
  // Aromatic rings (1.39 Å) and the carboxylate's equal C–O bonds are not Kekulé-like in 3D.
  const aromatic = new Set(['benzene', 'chlorobenzene', 'glycineZwitterion'])
  it.each(Object.entries(fixtures).filter(([name]) => !aromatic.has(name)))(
    'recovers RDKit’s bonds from MMFF coordinates: %s',
    (_, f) => {
      expect(perceiveBonds(f.positions, f.elements)).toEqual(sorted(f.bonds))
    }
  )

  it('sees aromatic C–C bonds at 1.39 Å as single, as EDM does', () => {
    const bonds = perceiveBonds(fixtures.benzene.positions, fixtures.benzene.elements)
    expect(bonds.map((b) => b.order)).toEqual(new Array(12).fill(1))
  })

  it('recovers a Kekulé ring from alternating 1.34 / 1.46 Å bonds', () => {
    const positions: number[] = []
    // A hexagon with alternating sides: vertices placed by walking the sides.
    let x = 0
    let y = 0
    for (let k = 0; k < 6; k++) {
      positions.push(x, y, 0)
      const length = k % 2 === 0 ? 1.34 : 1.46
      x += length * Math.cos((k * Math.PI) / 3)
      y += length * Math.sin((k * Math.PI) / 3)
    }
    const bonds = perceiveBonds(Float32Array.from(positions), new Array(6).fill('C'))
    expect(bonds.filter((b) => b.order === 2)).toHaveLength(3)
    expect(bonds).toHaveLength(6)
  })

  it('agrees with the all-pairs loop on a random dense box of atoms', () => {
    let s = 12345
    const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const symbols = ['H', 'C', 'N', 'O', 'F', 'S', 'Cl', 'Br', 'I', 'P', 'B', 'Si']
    const n = 300
    const elements = Array.from({ length: n }, () => symbols[Math.floor(random() * 12)])
    const positions = Float32Array.from({ length: 3 * n }, () => random() * 12 - 6)
    const want = []
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = Math.hypot(
          positions[i * 3] - positions[j * 3],
          positions[i * 3 + 1] - positions[j * 3 + 1],
          positions[i * 3 + 2] - positions[j * 3 + 2]
        )
        const order = bondOrderAt(elements[i], elements[j], d)
        if (order > 0) want.push({ a: i, b: j, order })
      }
    }
    expect(want.length).toBeGreaterThan(50)
    expect(perceiveBonds(positions, elements)).toEqual(want)
  })

  it('refuses unknown elements, mismatched lengths and non-finite coordinates', () => {
    const bad = () => perceiveBonds(new Float32Array(6), ['C', 'Na'])
    expect(bad).toThrow(StudioError)
    expect(bad).toThrow(/Atom 1 is "Na"/)
    expect(() => perceiveBonds(new Float32Array(5), ['C', 'C'])).toThrow(/need 6 coordinates/)
    expect(() => perceiveBonds(Float32Array.from([0, 0, NaN]), ['C'])).toThrow(/non-finite/)
  })
})
