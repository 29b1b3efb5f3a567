import { describe, expect, it } from 'vitest'
import {
  angle,
  describeMeasurement,
  dihedral,
  distance,
  hillFormula,
  measure,
  pickAtom
} from './molecule'
import { normaliseSymbol, styleOf, styleOfNumber } from './elements'

// Water-like: O at the origin, H on x, H at 104.5° in the xy plane; a fourth atom above for torsions.
const rad = (104.5 * Math.PI) / 180
const p = Float32Array.from(
  [
    [0, 0, 0],
    [0.96, 0, 0],
    [0.96 * Math.cos(rad), 0.96 * Math.sin(rad), 0],
    [0.96, 0, 1]
  ].flat()
)

describe('measurements', () => {
  it('measures distances, angles and torsions', () => {
    expect(distance(p, 0, 1)).toBeCloseTo(0.96, 6)
    expect(angle(p, 1, 0, 2)).toBeCloseTo(104.5, 4)
    expect(angle(p, 0, 0, 1)).toBe(0)
    // 2–0–1–3: atom 3 sits 90° out of the plane of 2–0–1.
    expect(Math.abs(dihedral(p, 2, 0, 1, 3))).toBeCloseTo(90, 4)
    const flat = new Float32Array([1, 1, 0, 0, 0, 0, 1, 0, 0, 2, -1, 0])
    expect(dihedral(flat, 0, 1, 2, 3)).toBeCloseTo(180, 4)
    const cis = new Float32Array([0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0])
    expect(dihedral(cis, 0, 1, 2, 3)).toBeCloseTo(0, 4)
  })

  it('measures what the picked atoms make and describes it', () => {
    const elements = ['O', 'H', 'H', 'C']
    expect(measure(p, [0])).toBeNull()
    const d = measure(p, [0, 1])!
    expect(d.kind).toBe('distance')
    expect(describeMeasurement(elements, d)).toBe('O1–H2 0.960 Å')
    expect(describeMeasurement(elements, measure(p, [1, 0, 2])!)).toBe('H2–O1–H3 104.5°')
    expect(measure(p, [2, 0, 1, 3])?.kind).toBe('dihedral')
  })

  it('picks atoms: again removes, a fifth starts over', () => {
    expect(pickAtom([], 3)).toEqual([3])
    expect(pickAtom([3, 4, 5], 4)).toEqual([3])
    expect(pickAtom([1, 2, 3, 4], 9)).toEqual([9])
  })
})

describe('elements', () => {
  it('spells symbols and numbers the standard way', () => {
    expect(normaliseSymbol('CL')).toBe('Cl')
    expect(normaliseSymbol(' 8 ')).toBe('O')
    expect(normaliseSymbol('Xx')).toBe('Xx')
    expect(styleOf('c').color).toBe('#909090')
    expect(styleOfNumber(1).symbol).toBe('H')
    expect(styleOf('Xx').symbol).toBe('X')
  })
})

describe('hillFormula', () => {
  it('puts C and H first when there is carbon, else sorts alphabetically', () => {
    expect(hillFormula(['O', 'C', 'H', 'H', 'N', 'C', 'H'])).toBe('C2H3NO')
    expect(hillFormula(['O', 'H', 'H'])).toBe('H2O')
    expect(hillFormula(['Cl', 'Na'])).toBe('ClNa')
  })
})
