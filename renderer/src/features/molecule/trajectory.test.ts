import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseSdf } from './sdf'
import { moleculeFrames } from './trajectory'

const xyz = readFileSync(new URL('./fixtures/trajectory.xyz', import.meta.url), 'utf8')
const [acrylonitrile] = parseSdf(
  readFileSync(new URL('./fixtures/molecules.sdf', import.meta.url), 'utf8')
)

describe('moleculeFrames', () => {
  it('perceives bonds per frame, and draws the output’s bonds on the last', () => {
    const t = moleculeFrames(xyz, acrylonitrile)
    expect(t.count).toBe(5)
    expect(t.sigmas).toEqual([80, 10, 1, 0.1, 0])
    // Noise: atoms far apart, few bonds; settled: the molecule's six.
    expect(t.frame(0).bonds.length).toBeLessThan(6)
    expect(t.frame(0).elements[0]).toBe('O')
    expect(t.frame(4).bonds).toBe(acrylonitrile.bonds)
    expect(t.frame(3).bonds.map((b) => `${b.a}-${b.b}`)).toEqual(
      acrylonitrile.bonds.map((b) => `${b.a}-${b.b}`).sort()
    )
    expect(t.frame(99)).toBe(t.frame(4))
  })
})
