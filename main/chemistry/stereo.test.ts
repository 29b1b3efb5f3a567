import { ConformerGenerator, Molecule, Resources } from 'openchemlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { graphFromSmiles, type SmilesGraph } from './smiles'
import { perceiveStereo, reflectPositions, stereoOfMolfile } from './stereo'
import { readMolfile, writeMolfile } from '../codecs/molfile'

beforeAll(() => Resources.registerFromNodejs())

/** 3D positions for `graph` from openchemlib's conformer generator (which keeps R/S and E/Z). */
function oclPositions(smiles: string, graph: SmilesGraph, seed = 7): Float32Array {
  const mol = Molecule.fromSmiles(smiles)
  const c = new ConformerGenerator(seed).getOneConformerAsMolecule(mol)!
  c.ensureHelperArrays(Molecule.cHelperNeighbours)
  const positions = new Float32Array(graph.elements.length * 3)
  const xyz = (k: number) => [c.getAtomX(k), c.getAtomY(k), c.getAtomZ(k)]
  const heavy = graph.elements.filter((e) => e !== 'H').length
  for (let i = 0; i < heavy; i++) positions.set(xyz(i), i * 3)
  // Hydrogens of one atom are interchangeable: give each of ours one of OCL's on the same atom.
  const used = new Set<number>()
  for (const { a, b } of graph.bonds) {
    const [h, parent] =
      graph.elements[b] === 'H' ? [b, a] : graph.elements[a] === 'H' ? [a, b] : [-1, -1]
    if (h < heavy) continue
    for (let n = 0; n < c.getAllConnAtoms(parent); n++) {
      const k = c.getConnAtom(parent, n)
      if (c.getAtomicNo(k) === 1 && !used.has(k)) {
        used.add(k)
        positions.set(xyz(k), h * 3)
        break
      }
    }
  }
  return positions
}

const stereoSmiles = [
  'N[C@@H](C)C(=O)O', // L-alanine
  'N[C@H](C)C(=O)O', // D-alanine
  'C/C=C/C',
  'C/C=C\\C',
  'C[C@@H](O)[C@H](N)C(=O)O', // threonine: two centres
  'C[C@H]1CC[C@@H](C)CC1', // trans-1,4-dimethylcyclohexane: no CIP label, still stereo
  'F/C=C/C=C\\F',
  'CC=[C@]=CC', // an allene's axis
  'C[C@@H]1C[C@H]1C'
]

describe('stereo elements', () => {
  it('reads them from a SMILES: centres and double bonds', () => {
    expect(graphFromSmiles('N[C@@H](C)C(=O)O').stereo).toEqual([
      { kind: 'centre', atom: 1, parity: 1 }
    ])
    expect(graphFromSmiles('C/C=C/C').stereo).toEqual([
      { kind: 'double bond', a: 1, b: 2, parity: 1 }
    ])
    expect(graphFromSmiles('C/C=C\\C').stereo).toEqual([
      { kind: 'double bond', a: 1, b: 2, parity: 2 }
    ])
    expect(graphFromSmiles('NC(C)C(=O)O').stereo).toEqual([]) // unspecified: nothing to keep
    expect(graphFromSmiles('C[C@@H](O)[C@H](N)C(=O)O').stereo).toHaveLength(2)
  })

  it.each(stereoSmiles)(
    'perceives %s from 3D as the SMILES says, and the mirror image inverts every centre only',
    (smiles) => {
      const graph = graphFromSmiles(smiles)
      const positions = oclPositions(smiles, graph)
      expect(perceiveStereo(graph, positions, graph.stereo)).toEqual(graph.stereo)
      const mirrored = perceiveStereo(graph, reflectPositions(positions), graph.stereo)
      expect(mirrored).toEqual(
        graph.stereo.map((e) => (e.kind === 'centre' ? { ...e, parity: 3 - e.parity } : e))
      )
    }
  )

  it("reads a molfile's stereo from its 3D coordinates, with its hydrogens anywhere in the file", () => {
    const smiles = 'C[C@@H](O)[C@H](N)C(=O)O'
    const graph = graphFromSmiles(smiles)
    const positions = oclPositions(smiles, graph)
    // Hydrogens first, then the heavy atoms: OCL would move them; the numbering is the file's.
    const n = graph.elements.length
    const heavy = graph.elements.filter((e) => e !== 'H').length
    const order = [
      ...Array.from({ length: n - heavy }, (_, k) => heavy + k),
      ...Array.from({ length: heavy }, (_, k) => k)
    ]
    const at = new Int32Array(n)
    order.forEach((old, k) => (at[old] = k))
    const shuffled = {
      elements: order.map((i) => graph.elements[i]),
      bonds: graph.bonds.map(({ a, b, order: o }) => ({ a: at[a], b: at[b], order: o })),
      positions: Float32Array.from(
        { length: n * 3 },
        (_, k) => positions[order[Math.floor(k / 3)] * 3 + (k % 3)]
      )
    }
    const wanted = stereoOfMolfile(writeMolfile(shuffled), shuffled)
    expect(wanted.map((e) => e.kind === 'centre' && e.atom)).toEqual([at[1], at[3]])
    expect(perceiveStereo(shuffled, shuffled.positions, wanted)).toEqual(wanted)
    expect(
      perceiveStereo(shuffled, reflectPositions(shuffled.positions), wanted).map((e) => e.parity)
    ).toEqual(wanted.map((e) => 3 - e.parity))
  })

  it("reads a 2D molfile's wedges (openchemlib writes them) and leaves unwedged centres alone", () => {
    for (const smiles of [
      'N[C@@H](C)C(=O)O',
      'N[C@H](C)C(=O)O',
      'C[C@@H](O)[C@H](N)C(=O)O',
      'C/C=C\\C'
    ]) {
      const mol = Molecule.fromSmiles(smiles)
      const text = mol.toMolfile()
      const graph = graphFromSmiles(smiles)
      const file = readMolfile(text).molecule
      const wanted = stereoOfMolfile(text, file)
      expect(
        wanted.map((e) => e.parity),
        smiles
      ).toEqual(graph.stereo.map((e) => e.parity))
    }
    const plain = readMolfile(Molecule.fromSmiles('NC(C)C(=O)O').toMolfile()).molecule
    expect(stereoOfMolfile(Molecule.fromSmiles('NC(C)C(=O)O').toMolfile(), plain)).toEqual([])
  })

  it('says 0 where the coordinates leave a centre undefined (flat)', () => {
    const graph = graphFromSmiles('N[C@@H](C)C(=O)O')
    const flat = oclPositions('N[C@@H](C)C(=O)O', graph).map((v, k) => (k % 3 === 2 ? 0 : v))
    expect(perceiveStereo(graph, flat, graph.stereo)[0].parity).toBe(0)
  })
})
