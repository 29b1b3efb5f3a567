import { describe, expect, it } from 'vitest'
import { allowedValences, elementOf, elementOfNumber, elements, qm9Elements } from './elements'

describe('element table', () => {
  it('holds the QM9 elements and the display-only ones with their data', () => {
    expect(elements.map((e) => e.symbol)).toEqual([
      'H', 'B', 'C', 'N', 'O', 'F', 'Si', 'P', 'S', 'Cl', 'Br', 'I'
    ]) // prettier-ignore
    expect(qm9Elements).toEqual(['H', 'C', 'N', 'O', 'F'])
    expect(elementOf('C')).toEqual({
      symbol: 'C',
      atomicNumber: 6,
      valences: [4],
      covalentRadius: 0.76,
      color: '#909090',
      mass: 12.011
    })
    expect(elementOf('Cl')?.atomicNumber).toBe(17)
    expect(elementOf('cl')).toBeUndefined()
    expect(elementOfNumber(53)?.symbol).toBe('I')
    for (const e of elements) {
      expect(e.color).toMatch(/^#[0-9a-f]{6}$/)
      expect(e.covalentRadius).toBeGreaterThan(0.3)
      expect(e.mass).toBeGreaterThan(e.atomicNumber) // every element here is heavier than Z Da
    }
  })

  it('gives valences for neutral atoms and ions (isoelectronic rule)', () => {
    expect(allowedValences('S')).toEqual([2, 4, 6])
    expect(allowedValences('N', 1)).toEqual([4]) // like C
    expect(allowedValences('O', -1)).toEqual([1]) // like F
    expect(allowedValences('O', 1)).toEqual([3]) // like N
    expect(allowedValences('B', -1)).toEqual([4]) // BF4−
    expect(allowedValences('C', -1)).toEqual([3])
    expect(allowedValences('Cl', -1)).toEqual([0]) // like Ar
    expect(allowedValences('H', 1)).toEqual([0])
    expect(allowedValences('F', 2)).toEqual([3]) // like N (F2+): judged, if exotic
    expect(allowedValences('Na')).toBeUndefined()
    expect(allowedValences('C', 3)).toBeUndefined() // C3+ ≈ Be: not in the table
  })
})
