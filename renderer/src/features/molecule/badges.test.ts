import { describe, expect, it } from 'vitest'
import { moleculeBadges } from './badges'

const artifact = (over: Record<string, unknown>) => ({
  kind: 'molecule' as const,
  index: 0,
  path: 'a.sdf',
  mime: 'chemical/x-mdl-sdfile',
  role: 'output' as const,
  atoms: 9,
  ...over
})

describe('moleculeBadges', () => {
  it('says valid, stable and novel, or how far from stable', () => {
    expect(
      moleculeBadges(artifact({ valid: true, stable: true, novel: true })).map((b) => b.text)
    ).toEqual(['valid', 'stable', 'novel'])
    expect(
      moleculeBadges(artifact({ valid: false, stable: false, atomStability: 0.889 })).map((b) => [
        b.text,
        b.tone
      ])
    ).toEqual([
      ['invalid', 'bad'],
      ['89 % atoms', 'muted']
    ])
    expect(moleculeBadges(artifact({}))).toEqual([])
  })
})
