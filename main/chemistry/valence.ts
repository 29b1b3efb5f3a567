// Valence checks shared by validity (generated molecules) and SMILES input (conformers).
import { allowedValences } from './elements'
import { bondOrderSums, chargeOf } from './molecule'
import type { MoleculeGraph } from './molecule'

export interface ValenceProblem {
  readonly atom: number
  readonly element: string
  readonly charge: number
  /** Σ of the atom's bond orders (explicit bonds, bonds to explicit H included). */
  readonly valence: number
  /** The largest valence allowed for the element and charge; undefined when unknown. */
  readonly maxValence: number | undefined
}

/**
 * Atoms whose explicit valence exceeds the largest one allowed for their element and formal charge
 * (`allowedValences`), or whose element/charge the table cannot judge. Atoms below their valence
 * are fine: they take implicit hydrogens, as in RDKit. O(atoms + bonds).
 */
export function valenceProblems(graph: MoleculeGraph): ValenceProblem[] {
  const sums = bondOrderSums(graph)
  const problems: ValenceProblem[] = []
  graph.elements.forEach((element, atom) => {
    const charge = chargeOf(graph, atom)
    const allowed = allowedValences(element, charge)
    const maxValence = allowed ? allowed[allowed.length - 1] : undefined
    if (maxValence === undefined || sums[atom] > maxValence) {
      problems.push({ atom, element, charge, valence: sums[atom], maxValence })
    }
  })
  return problems
}

/** One line for a valence problem: "atom 3 (N) has valence 4; N allows at most 3". */
export function describeValenceProblem(p: ValenceProblem): string {
  const ion =
    p.charge === 0
      ? p.element
      : `${p.element}${p.charge > 0 ? '+' : '−'}${Math.abs(p.charge) > 1 ? Math.abs(p.charge) : ''}`
  return p.maxValence === undefined
    ? `atom ${p.atom} (${ion}) has no known valence`
    : `atom ${p.atom} (${ion}) has valence ${p.valence}; ${ion} allows at most ${p.maxValence}`
}
