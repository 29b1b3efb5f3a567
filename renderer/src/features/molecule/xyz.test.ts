import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseXyz, sigmaOf, XyzError } from './xyz'

const fixture = readFileSync(new URL('./fixtures/trajectory.xyz', import.meta.url), 'utf8')

describe('parseXyz', () => {
  it('reads every frame with its σ, elements changing between frames', () => {
    const frames = parseXyz(fixture)
    expect(frames).toHaveLength(5)
    expect(frames.map((f) => f.sigma)).toEqual([80, 10, 1, 0.1, 0])
    expect(frames[0].elements.slice(0, 4)).toEqual(['O', 'O', 'O', 'N'])
    expect(frames[4].elements).toEqual(['C', 'C', 'C', 'N', 'H', 'H', 'H'])
    expect(frames[4].positions).toHaveLength(21)
    expect(frames[4].positions[0]).toBeCloseTo(-1.0417, 4)
  })

  it('reads atomic numbers and any case as symbols, skips blank lines and extra columns', () => {
    const [a, b] = parseXyz('2\nfirst\n6 0 0 0\nCL 1.7 0 0 0.5\n\n1\n\nh 0 0 0\n\n')
    expect(a.elements).toEqual(['C', 'Cl'])
    expect(a.sigma).toBeNull()
    expect(b.elements).toEqual(['H'])
  })

  it('names the line of a bad count, a short frame or a bad coordinate', () => {
    expect(() => parseXyz('two\n\n')).toThrow(XyzError)
    expect(() => parseXyz('2\nc\nC 0 0 0\n')).toThrow(/line 4: frame 1 ends after 1 of 2 atoms/)
    expect(() => parseXyz('1\nc\nC 0 zero 0\n')).toThrow(/line 3: expected "Symbol x y z"/)
  })
})

describe('sigmaOf', () => {
  it('finds σ in the comment in the forms writers use', () => {
    expect(sigmaOf('step 3 sigma=0.25')).toBe(0.25)
    expect(sigmaOf('sigma=1.5e-3 t=4')).toBe(0.0015)
    expect(sigmaOf('Properties=species:S:1 sigma="14.6"')).toBe(14.6)
    expect(sigmaOf('σ: 2')).toBe(2)
    expect(sigmaOf('sigma=inf')).toBe(Infinity)
    expect(sigmaOf('nosigma=3')).toBeNull()
    expect(sigmaOf('')).toBeNull()
  })
})
