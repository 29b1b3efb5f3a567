// Molecular graphs from SMILES, for conformer generation: every atom explicit (hydrogens included),
// bonds kekulised, formal charges kept. Parsing and kekulisation are openchemlib's.
import type { Molecule } from 'openchemlib'
import { ocl } from './openchemlib'
import { StudioError } from '../contract'
import { elements as elementTable } from './elements'
import { fragments } from './molecule'
import type { MoleculeGraph } from './molecule'
import { fromOclMolecule } from './ocl'
import { stereoOfOcl, type StereoElement } from './stereo'
import { describeValenceProblem, valenceProblems } from './valence'

/** The longest SMILES accepted. */
export const maxSmilesLength = 4000

export interface SmilesOptions {
  /** Elements the caller (its model) supports. Default: every element of the element table. */
  readonly elements?: readonly string[]
  /** Most atoms, hydrogens included. Default 1000. */
  readonly maxAtoms?: number
}

export interface SmilesGraph extends MoleculeGraph {
  /** Formal charges, one per atom (zeros included). */
  readonly charges: readonly number[]
  /** OCL's canonical SMILES of the input (stereo kept when the SMILES has it). */
  readonly canonicalSmiles: string
  /** Atoms that are not hydrogen. */
  readonly heavyAtoms: number
  /** Connected components (1 for one molecule; "C.C" gives 2). */
  readonly fragmentCount: number
  /** The stereo the SMILES specifies (@/@@ centres, / \\ double bonds), in the graph's numbering. */
  readonly stereo: readonly StereoElement[]
}

/**
 * The graph of a SMILES with explicit hydrogens: the atoms in the order written (a plain [H] becomes
 * implicit; an isotope such as [2H] stays an atom there), then each atom's implicit hydrogens,
 * atom by atom; bond orders 1–3 with aromatic rings kekulised (OCL);
 * formal charges. Stereo marks are returned as stereo elements (`stereo`; the graph has no 3D).
 * @throws StudioError bad-input for an empty, overlong or malformed SMILES (`smilesSyntaxProblem`: OCL
 *   reads "C(" as methane and "C(=)C" as ethene), an unreadable one (with OCL's reason), a
 *   wildcard/query atom, an atom that would be a radical (e.g. a non-kekulisable aromatic ring),
 *   an atom over its valence, elements outside `options.elements` (naming them and the set), or
 *   more than `options.maxAtoms` atoms with hydrogens (naming the count and the limit).
 */
export function graphFromSmiles(smiles: string, options: SmilesOptions = {}): SmilesGraph {
  const text = smiles.trim()
  if (text.length === 0) throw new StudioError('bad-input', 'The SMILES is empty.')
  if (text.length > maxSmilesLength) {
    throw new StudioError(
      'bad-input',
      `The SMILES is ${text.length} characters long; the limit is ${maxSmilesLength}.`
    )
  }
  const syntax = smilesSyntaxProblem(text)
  if (syntax) throw new StudioError('bad-input', `The SMILES "${clip(text)}" ${syntax}.`)
  let mol: Molecule
  try {
    // With coordinates: OCL's stereo perception (and so the canonical SMILES) is only stable then.
    mol = ocl().Molecule.fromSmiles(text)
  } catch (error) {
    const reason = (error as Error).message.replace(/^.*?SmilesParser:\s*/, '')
    throw new StudioError('bad-input', `The SMILES "${clip(text)}" could not be read: ${reason}.`)
  }
  if (mol.getAllAtoms() === 0) throw new StudioError('bad-input', 'The SMILES has no atoms.')
  if (mol.isFragment()) {
    throw new StudioError(
      'bad-input',
      `The SMILES "${clip(text)}" has wildcard or query atoms (*); give a complete molecule.`
    )
  }
  mol.ensureHelperArrays(ocl().Molecule.cHelperNeighbours)
  for (let a = 0; a < mol.getAllAtoms(); a++) {
    if (mol.getAtomRadical(a) !== 0) {
      throw new StudioError(
        'bad-input',
        `Atom ${a} (${mol.getAtomLabel(a)}) of "${clip(text)}" would be a radical: an aromatic ring ` +
          'that cannot be kekulised (e.g. c1cccc1; write [nH] or a Kekulé form) or an explicit radical, ' +
          'which is not supported.'
      )
    }
  }
  const supported = options.elements ?? elementTable.map((e) => e.symbol)
  const present = new Set<string>()
  let implicitH = 0
  for (let a = 0; a < mol.getAllAtoms(); a++) {
    present.add(mol.getAtomLabel(a))
    implicitH += mol.getImplicitHydrogens(a)
  }
  if (implicitH > 0) present.add('H')
  const outside = [...present].filter((symbol) => !supported.includes(symbol))
  if (outside.length > 0) {
    throw new StudioError(
      'bad-input',
      `The molecule contains ${outside.join(', ')}, which ${outside.length > 1 ? 'are' : 'is'} not supported; ` +
        `supported elements: ${supported.join(', ')}.`
    )
  }
  const atoms = mol.getAllAtoms() + implicitH
  const maxAtoms = options.maxAtoms ?? 1000
  if (atoms > maxAtoms) {
    throw new StudioError(
      'bad-input',
      `The molecule has ${atoms} atoms with its hydrogens; the limit is ${maxAtoms}. Use a smaller molecule.`
    )
  }
  const graph = fromOclMolecule(mol, { hydrogens: true })
  const problems = valenceProblems(graph)
  if (problems.length > 0) {
    throw new StudioError(
      'bad-input',
      `The SMILES "${clip(text)}" breaks valence rules: ${problems.map(describeValenceProblem).join('; ')}.`
    )
  }
  const charges = graph.charges ?? graph.elements.map(() => 0)
  return {
    elements: graph.elements,
    bonds: graph.bonds,
    charges,
    canonicalSmiles: mol.toIsomericSmiles(),
    heavyAtoms: graph.elements.filter((e) => e !== 'H').length,
    fragmentCount: fragments(graph).count,
    stereo: stereoOfOcl(mol)
  }
}

type Token = 'atom' | 'ring' | 'bond' | 'open' | 'close' | 'dot'

/**
 * What is wrong with a SMILES's structure (OpenSMILES grammar: branches, bonds, dots), in words with
 * the 1-based position, or undefined when the structure is sound — checked before openchemlib, whose
 * parser silently accepts an unclosed branch ("C(", "C((C)C"), an empty branch ("C()C"), a bond to
 * nothing ("C-", "C(=)C" → ethene) and empty components ("C..C", ".C"). Atoms themselves (brackets,
 * elements, ring closures) are left to openchemlib.
 */
export function smilesSyntaxProblem(smiles: string): string | undefined {
  const opened: number[] = []
  let previous: Token | undefined
  for (let i = 0; i < smiles.length; i++) {
    const c = smiles[i]
    const at = `(position ${i + 1})`
    let token: Token
    if (c === '[') {
      const end = smiles.indexOf(']', i)
      if (end < 0) return `has a bracket atom "[" that is never closed ${at}`
      i = end
      token = 'atom'
    } else if (c === '%') {
      i += 2
      token = 'ring'
    } else if (c >= '0' && c <= '9') token = 'ring'
    else if ('-=#$:/\\'.includes(c)) token = 'bond'
    else if (c === '(') token = 'open'
    else if (c === ')') token = 'close'
    else if (c === '.') token = 'dot'
    else token = 'atom'
    const after = previous === 'atom' || previous === 'ring' || previous === 'close'
    if (token === 'open') {
      if (!after) return `opens a branch "(" with no atom before it ${at}`
      opened.push(i + 1)
    } else if (token === 'close') {
      if (previous === 'open') return `has an empty branch "()" ${at}`
      if (previous === 'bond') return `has a bond "${smiles[i - 1]}" that joins nothing ${at}`
      if (opened.length === 0) return `closes a branch ")" that was never opened ${at}`
      opened.pop()
    } else if (token === 'dot') {
      if (!after) return `has an empty component "." ${at}`
    } else if (token === 'bond') {
      if (previous === 'bond') return `has two bonds in a row ${at}`
      if (previous === undefined || previous === 'dot') return `starts with a bond "${c}" ${at}`
    } else if (token === 'ring' && !(after || previous === 'bond')) {
      return `has a ring closure with no atom before it ${at}`
    }
    previous = token
  }
  if (previous === 'bond') return `ends with a bond "${smiles.at(-1)}" that joins nothing`
  if (previous === 'dot') return 'ends with an empty component "."'
  if (opened.length > 0) {
    return `has a branch "(" that is never closed (position ${opened.at(-1)})`
  }
  return undefined
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}
