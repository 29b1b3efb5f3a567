import { Molecule } from 'openchemlib'
import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import type { MoleculeGraph } from './molecule'
import {
  atomicNumberOf,
  fromOclMolecule,
  moleculeIdentity,
  moleculeSetMetrics,
  symbolOf,
  toOclMolecule,
  trainingSet,
  withExplicitHydrogens,
  validMolecule
} from './ocl'
import { graphFromSmiles } from './smiles'
import { fixtures } from './testing/fixtures'

const oclIdcode = (smiles: string) => Molecule.fromSmiles(smiles).getIDCode()

describe('openchemlib bridge', () => {
  it('maps symbols and atomic numbers exactly', () => {
    expect(atomicNumberOf('Cl')).toBe(17)
    expect(atomicNumberOf('Na')).toBe(11)
    expect(atomicNumberOf('cl')).toBe(0)
    expect(atomicNumberOf('Xx')).toBe(0)
    expect(symbolOf(35)).toBe('Br')
    expect(symbolOf(0)).toBe('')
  })

  it('builds OCL molecules whose identity is the SMILES’ identity', () => {
    for (const f of Object.values(fixtures)) {
      const mol = toOclMolecule(f)
      expect(mol.getAllAtoms()).toBe(f.elements.length)
      expect(mol.getIDCode()).toBe(oclIdcode(f.smiles))
      expect(moleculeIdentity(f).idcode).toBe(oclIdcode(f.smiles))
    }
    expect(moleculeIdentity(fixtures.aceticAcid).smiles).toBe('CC(O)=O')
  })

  it('round-trips atoms, bonds and charges through OCL', () => {
    const nitro: MoleculeGraph = {
      elements: ['C', 'N', 'O', 'O'],
      bonds: [
        { a: 0, b: 1, order: 1 },
        { a: 1, b: 2, order: 2 },
        { a: 1, b: 3, order: 1 }
      ],
      charges: [0, 1, 0, -1]
    }
    expect(fromOclMolecule(toOclMolecule(nitro))).toEqual(nitro)
    expect(moleculeIdentity(nitro).smiles).toBe('C[N+]([O-])=O')
    const withH = fromOclMolecule(toOclMolecule(nitro), { hydrogens: true })
    expect(withH.elements).toEqual(['C', 'N', 'O', 'O', 'H', 'H', 'H'])
    expect(withH.bonds.slice(3)).toEqual([0, 1, 2].map((k) => ({ a: 0, b: 4 + k, order: 1 })))
  })

  it('is stereo-free unless coordinates are asked for', () => {
    // CHFClBr with a tetrahedral geometry.
    const graph = {
      elements: ['C', 'F', 'Cl', 'Br', 'H'],
      bonds: [1, 2, 3, 4].map((b) => ({ a: 0, b, order: 1 as const })),
      positions: Float32Array.from([0, 0, 0, 1, 1, 1, -1, -1, 1, -1, 1, -1, 1, -1, -1])
    }
    expect(moleculeIdentity(graph).smiles).toBe('FC(Cl)Br')
    expect(toOclMolecule(graph, { coordinates: true }).toIsomericSmiles()).toMatch(/\[C@@?H\]/)
  })

  it('refuses malformed graphs with typed errors', () => {
    const bad = (graph: MoleculeGraph) => () => toOclMolecule(graph)
    expect(bad({ elements: ['C'], bonds: [{ a: 0, b: 1, order: 1 }] })).toThrow(/atoms 0 … 0/)
    expect(bad({ elements: ['C', 'C'], bonds: [{ a: 0, b: 0, order: 1 }] })).toThrow(/itself/)
    expect(
      bad({
        elements: ['C', 'C'],
        bonds: [
          { a: 0, b: 1, order: 1 },
          { a: 1, b: 0, order: 2 }
        ]
      })
    ).toThrow(/bonded twice/)
    expect(bad({ elements: ['Qq'], bonds: [] })).toThrow(StudioError)
  })
})

describe('validMolecule (EDM validity)', () => {
  it('accepts molecules within valence, filling missing hydrogens implicitly', () => {
    const v = validMolecule(fixtures.glycine)
    expect(v.valid && v.smiles).toBe('NCC(O)=O')
    // Heavy atoms only: the hydrogens are implicit, the molecule the same.
    const heavy = validMolecule({ elements: ['C', 'C', 'O'], bonds: [{ a: 0, b: 1, order: 1 }, { a: 1, b: 2, order: 1 }] }) // prettier-ignore
    expect(heavy.valid && heavy.idcode).toBe(oclIdcode('CCO'))
  })

  it('tells a pile of fragments from one molecule: EDM-valid, but not whole-molecule valid', () => {
    // C.C.C1CC1.O.O.[HH] from perceived bonds: every valence holds, six fragments.
    const mol = Molecule.fromSmiles('C.C.C1CC1.O.O.[HH]')
    const pile = fromOclMolecule(mol, { hydrogens: true })
    const v = validMolecule(pile)
    expect(v.valid).toBe(true)
    if (!v.valid) return
    expect([v.connected, v.fragmentCount, v.smiles]).toEqual([false, 6, 'C1CC1'])
    // OCL writes H₂ as [H].
    expect(v.whole.smiles.split('.').sort()).toEqual(['C', 'C', 'C1CC1', 'O', 'O', '[H]'].sort())
    const one = validMolecule(fixtures.glycine)
    expect(one.valid && [one.connected, one.whole.smiles]).toEqual([true, 'NCC(O)=O'])
    const set = moleculeSetMetrics([pile, fixtures.glycine])
    expect([set.validity, set.wholeValidity]).toEqual([1, 0.5])
  })

  it('rejects atoms over their valence, naming them', () => {
    const pentavalent = {
      elements: ['C', 'C', 'C', 'C', 'C', 'C'],
      bonds: [1, 2, 3, 4, 5].map((b) => ({ a: 0, b, order: 1 as const }))
    }
    expect(validMolecule(pentavalent)).toEqual({
      valid: false,
      reason: 'atom 0 (C) has valence 5; C allows at most 4'
    })
    const ammonium = {
      elements: ['N', 'C', 'C', 'C', 'C'],
      bonds: [1, 2, 3, 4].map((b) => ({ a: 0, b, order: 1 as const }))
    }
    expect(validMolecule(ammonium).valid).toBe(false)
    expect(validMolecule({ ...ammonium, charges: [1, 0, 0, 0, 0] }).valid).toBe(true)
    const dihydrogenH = {
      elements: ['H', 'H', 'H'],
      bonds: [
        { a: 0, b: 1, order: 1 as const },
        { a: 1, b: 2, order: 1 as const }
      ]
    }
    expect(validMolecule(dihydrogenH).valid).toBe(false)
    expect(validMolecule({ elements: [], bonds: [] })).toEqual({ valid: false, reason: 'no atoms' })
    expect(validMolecule({ elements: ['Na'], bonds: [] }).valid).toBe(false)
  })

  it('keeps the largest fragment (explicit H counted; ties to the lowest atom index)', () => {
    // Water (3 atoms) first, then ethanol (9 atoms, indices 3…11).
    const e = fixtures.ethanol
    const graph: MoleculeGraph = {
      elements: ['O', 'H', 'H', ...e.elements],
      bonds: [
        { a: 0, b: 1, order: 1 },
        { a: 0, b: 2, order: 1 },
        ...e.bonds.map(({ a, b, order }) => ({ a: a + 3, b: b + 3, order }))
      ]
    }
    const v = validMolecule(graph)
    if (!v.valid) throw new Error(v.reason)
    expect(v.smiles).toBe('CCO')
    expect(v.fragmentCount).toBe(2)
    expect(Array.from(v.atoms)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(v.fragment.elements).toEqual(e.elements)
    // Two equal fragments: methane-like C (1 atom) and O (1 atom): the first wins.
    const tie = validMolecule({ elements: ['O', 'C'], bonds: [] })
    expect(tie.valid && tie.smiles).toBe('O')
  })
})

describe('uniqueness and novelty', () => {
  it('re-canonicalises RDKit-style training SMILES through OCL', () => {
    const set = trainingSet([
      'CCO',
      '[H]OC([H])([H])C([H])([H])[H]',
      'OCC',
      'C1=CC=CC=C1',
      'c1ccccc1',
      'F[C@H](Cl)Br',
      'FC(Cl)Br',
      'not a smiles'
    ])
    expect(set.idcodes).toEqual(
      new Set([oclIdcode('CCO'), oclIdcode('c1ccccc1'), oclIdcode('FC(Cl)Br')])
    )
    expect(set.unreadable).toBe(1)
  })

  it('gives graphs and training SMILES the same stereo-free key', () => {
    const stereo = [
      'C/C=C/C',
      'C/C=C\\C',
      'CC=CC',
      'C[C@H](O)CC',
      'C[C@H]1CC[C@@H](C)CC1',
      'CC=C=CC',
      'C/C=N/O',
      'N[C@@H](C)C(=O)O'
    ]
    for (const smiles of stereo) {
      const [fromTraining] = trainingSet([smiles]).idcodes
      expect(moleculeIdentity(graphFromSmiles(smiles)).idcode).toBe(fromTraining)
    }
    expect(trainingSet(['C/C=C/C', 'C/C=C\\C', 'CC=CC']).idcodes.size).toBe(1)
  })

  it('computes EDM’s validity, uniqueness and novelty', () => {
    const e = fixtures.ethanol
    // The same ethanol with its atoms in another order.
    const order = [2, 1, 0, 8, 7, 6, 5, 4, 3]
    const inverse = order.map((_, i) => order.indexOf(i))
    const shuffled: MoleculeGraph = {
      elements: order.map((i) => e.elements[i]),
      bonds: e.bonds.map(({ a, b, order: o }) => ({ a: inverse[a], b: inverse[b], order: o }))
    }
    const invalid = { elements: ['O', 'O', 'O'], bonds: [{ a: 0, b: 1, order: 3 as const }] }
    const metrics = moleculeSetMetrics(
      [e, shuffled, invalid, fixtures.methylamine],
      trainingSet(['OCC'])
    )
    expect(metrics.validity).toBe(3 / 4)
    expect(metrics.uniqueness).toBe(2 / 3)
    expect(metrics.novelty).toBe(1 / 2)
    expect(metrics.uniqueSmiles).toEqual(['CCO', 'CN'])
    expect(metrics.results[2].valid).toBe(false)
    const none = moleculeSetMetrics([invalid])
    expect(none.validity).toBe(0)
    expect(none.uniqueness).toBeNaN()
    expect(none.novelty).toBeUndefined()
  })
})

describe('withExplicitHydrogens', () => {
  it('adds the hydrogens a heavy-atom graph leaves implicit, after its atoms, keeping those it has', () => {
    // Ethanol as an SDF without hydrogens: C–C–O.
    const heavy = {
      elements: ['C', 'C', 'O'],
      bonds: [
        { a: 0, b: 1, order: 1 as const },
        { a: 1, b: 2, order: 1 as const }
      ]
    }
    const { graph, added, atoms } = withExplicitHydrogens(heavy)
    expect([added, atoms]).toEqual([6, 3])
    expect(graph.elements).toEqual(['C', 'C', 'O', 'H', 'H', 'H', 'H', 'H', 'H'])
    expect(graph.bonds.slice(2).map((b) => b.a)).toEqual([0, 0, 0, 1, 1, 2])
    // One explicit H on the oxygen, interleaved: kept where it is, the rest added.
    const partial = {
      elements: ['C', 'H', 'C', 'O'],
      bonds: [
        { a: 0, b: 2, order: 1 as const },
        { a: 2, b: 3, order: 1 as const },
        { a: 3, b: 1, order: 1 as const }
      ]
    }
    const filled = withExplicitHydrogens(partial)
    expect(filled.added).toBe(5)
    expect(filled.graph.elements.slice(0, 4)).toEqual(['C', 'H', 'C', 'O'])
    // Charges count: acetate's O− takes no hydrogen; a full graph is returned as it is.
    const acetate = withExplicitHydrogens({
      elements: ['C', 'C', 'O', 'O'],
      bonds: [
        { a: 0, b: 1, order: 1 as const },
        { a: 1, b: 2, order: 2 as const },
        { a: 1, b: 3, order: 1 as const }
      ],
      charges: [0, 0, 0, -1]
    })
    expect(acetate.added).toBe(3)
    expect(withExplicitHydrogens(graph).graph).toBe(graph)
  })
})
