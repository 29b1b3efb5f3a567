import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { checkGraph } from './molecule'
import { moleculeIdentity } from './ocl'
import { graphFromSmiles, smilesSyntaxProblem } from './smiles'
import { topologicalDistances } from './topology'

function expectBadInput(run: () => unknown, message: RegExp): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(StudioError)
    expect((error as StudioError).code).toBe('bad-input')
    expect((error as StudioError).message).toMatch(message)
    return
  }
  throw new Error('expected a bad-input error')
}

describe('graphFromSmiles', () => {
  it('gives atoms in SMILES order, then hydrogens, with kekulised bonds', () => {
    const g = graphFromSmiles('c1ccccc1O')
    expect(g.elements).toEqual(['C', 'C', 'C', 'C', 'C', 'C', 'O', ...new Array(6).fill('H')])
    expect(g.heavyAtoms).toBe(7)
    expect(g.charges).toEqual(new Array(13).fill(0))
    const ring = g.bonds.filter((b) => b.a < 6 && b.b < 6)
    expect(ring.map((b) => b.order).sort()).toEqual([1, 1, 1, 2, 2, 2])
    // Each hydrogen has exactly one bond, and every atom its full valence.
    const sums = new Array(13).fill(0)
    for (const { a, b, order } of g.bonds) {
      sums[a] += order
      sums[b] += order
    }
    expect(sums).toEqual([4, 4, 4, 4, 4, 4, 2, 1, 1, 1, 1, 1, 1])
    expect(g.canonicalSmiles).toBe('Oc1ccccc1')
    expect(g.fragmentCount).toBe(1)
    expect(() => checkGraph(g)).not.toThrow()
    expect(moleculeIdentity(g).smiles).toBe('Oc1ccccc1')
  })

  it('keeps formal charges and charged hydrogens counts', () => {
    const g = graphFromSmiles('C[NH3+]')
    expect(g.elements).toEqual(['C', 'N', 'H', 'H', 'H', 'H', 'H', 'H'])
    expect(g.charges).toEqual([0, 1, 0, 0, 0, 0, 0, 0])
    const zwitterion = graphFromSmiles('[NH3+]CC(=O)[O-]')
    expect(zwitterion.charges.slice(0, 5)).toEqual([1, 0, 0, 0, -1])
    expect(graphFromSmiles('[2H]C').elements).toEqual(['H', 'C', 'H', 'H', 'H'])
  })

  it('gives one canonical SMILES for equivalent stereo spellings, and keeps stereo', () => {
    const a = graphFromSmiles('C[C@H]1CC[C@@H](C)CC1').canonicalSmiles
    expect(graphFromSmiles('C[C@@H]1CC[C@H](C)CC1').canonicalSmiles).toBe(a)
    expect(graphFromSmiles('C/C=C/C').canonicalSmiles).toBe('C/C=C/C')
    expect(graphFromSmiles('CC=CC').canonicalSmiles).toBe('CC=CC')
  })

  it('feeds topological distances', () => {
    const g = graphFromSmiles('CCO')
    const d = topologicalDistances(g.elements.length, g.bonds)
    expect(d[0 * 9 + 2]).toBe(2)
    expect(d[2 * 9 + 8]).toBe(1) // O–H
  })

  it('refuses unreadable SMILES with the parser’s reason', () => {
    expectBadInput(() => graphFromSmiles(''), /empty/)
    expectBadInput(() => graphFromSmiles('C1CC'), /"C1CC" could not be read: dangling ring closure/)
    expectBadInput(() => graphFromSmiles('[Xx]C'), /could not be read/)
    expectBadInput(() => graphFromSmiles('*C'), /wildcard/)
    expectBadInput(() => graphFromSmiles('c1cccc1'), /radical/)
    expectBadInput(
      () => graphFromSmiles('C'.repeat(4001)),
      /4001 characters long; the limit is 4000/
    )
  })

  it('refuses what openchemlib would read silently as something else: unclosed or empty branches, bonds to nothing, empty parts', () => {
    // OCL reads "C(" as methane, "C(=)C" as ethene and "C-" as methane.
    expectBadInput(
      () => graphFromSmiles('C('),
      /^The SMILES "C\(" has a branch "\(" that is never closed \(position 2\)\.$/
    )
    expectBadInput(
      () => graphFromSmiles('C(C(C)C'),
      /branch "\(" that is never closed \(position 2\)/
    )
    expectBadInput(
      () => graphFromSmiles('C((C)C'),
      /opens a branch "\(" with no atom before it \(position 3\)/
    )
    expectBadInput(() => graphFromSmiles('C()C'), /empty branch "\(\)" \(position 3\)/)
    expectBadInput(() => graphFromSmiles('C(=)C'), /bond "=" that joins nothing \(position 4\)/)
    expectBadInput(() => graphFromSmiles('CC-'), /ends with a bond "-" that joins nothing/)
    expectBadInput(() => graphFromSmiles('C..C'), /empty component "\." \(position 3\)/)
    expectBadInput(() => graphFromSmiles('.C'), /empty component/)
    expectBadInput(() => graphFromSmiles('(C)C'), /opens a branch "\(" with no atom before it/)
    expectBadInput(() => graphFromSmiles('C=#C'), /two bonds in a row/)
    expectBadInput(() => graphFromSmiles('C)'), /closes a branch "\)" that was never opened/)
    expectBadInput(() => graphFromSmiles('[CH4'), /bracket atom "\[" that is never closed/)
    for (const ok of [
      'CC(=O)O',
      'C1CC1',
      'C=1CC1',
      'C%12CC%12',
      'N[C@@H](C)C(=O)O',
      'F/C=C/F',
      'CC(C)(C)C',
      '[Na+].[Cl-]',
      'C(=C)C',
      'c1ccccc1'
    ]) {
      expect(smilesSyntaxProblem(ok), ok).toBeUndefined()
    }
  })

  it('refuses elements outside the supported set, naming them and the set', () => {
    expectBadInput(
      () => graphFromSmiles('CCCl', { elements: ['H', 'C', 'N', 'O', 'F'] }),
      /contains Cl, which is not supported; supported elements: H, C, N, O, F\./
    )
    expectBadInput(() => graphFromSmiles('[Na+].[Pt]'), /contains Na, Pt, which are not supported/)
    // A molecule without hydrogens needs no H in the set.
    expect(graphFromSmiles('FC(F)(F)F', { elements: ['C', 'F'] }).elements).toHaveLength(5)
  })

  it('refuses molecules over the atom limit, counting hydrogens', () => {
    expectBadInput(
      () => graphFromSmiles('CCCCCCCCCC', { maxAtoms: 20 }),
      /has 32 atoms with its hydrogens; the limit is 20\./
    )
    expect(graphFromSmiles('CCCCCCCCCC', { maxAtoms: 32 }).elements).toHaveLength(32)
  })

  it('refuses atoms over their valence', () => {
    expectBadInput(
      () => graphFromSmiles('CC(C)(C)(C)(C)C'),
      /atom 1 \(C\) has valence 6; C allows at most 4/
    )
  })
})
