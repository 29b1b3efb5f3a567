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
      moleculeBadges(
        artifact({
          valid: true,
          fragments: 1,
          largestFragmentValid: true,
          stable: true,
          novel: true
        })
      ).map((b) => b.text)
    ).toEqual(['valid', 'stable', 'novel'])
    expect(
      moleculeBadges(
        artifact({ valid: false, fragments: 1, stable: false, atomStability: 0.889 })
      ).map((b) => [b.text, b.tone])
    ).toEqual([
      ['invalid', 'bad'],
      ['89 % atoms', 'muted']
    ])
    expect(moleculeBadges(artifact({}))).toEqual([])
  })

  it('a pile of fragments is not "valid": the badge counts the fragments', () => {
    // C.C.C1CC1.O.O.[HH]: every valence holds, six fragments; EDM's validity keeps the largest.
    const pile = artifact({
      valid: false,
      largestFragmentValid: true,
      fragments: 6,
      smiles: 'C.C.C1CC1.O.O.[HH]'
    })
    const [badge] = moleculeBadges(pile)
    expect([badge.text, badge.tone]).toEqual(['6 fragments', 'bad'])
    expect(badge.title).toMatch(
      /Not one molecule: .*6 separate fragments .*EDM's validity, .* counts it valid/
    )
    // A record from before: its `valid` was EDM's, and says so.
    expect(moleculeBadges(artifact({ valid: true })).map((b) => b.text)).toEqual([
      'valid (largest fragment)'
    ])
  })
})
