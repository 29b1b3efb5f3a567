// Atom and molecule stability as EDM defines it (Hoogeboom et al. 2022, §5.1; qm9/analyze.py
// `check_stability`): an atom is stable when the sum of its bond orders equals a valence EDM allows
// for its element; a molecule is stable when all its atoms are. Charges are ignored, as in EDM.
import { StudioError } from '../contract'
import { perceiveBonds } from './bonds'
import { bondOrderSums } from './molecule'
import type { MoleculeGraph } from './molecule'

/**
 * EDM's `allowed_bonds`: H 1, C 4, N 3, O 2, F 1 for QM9, and its values for the other elements
 * of the table (B 3, Si 4, P 3 or 5, S 4, Cl 1, Br 1, I 1 — S 4 is EDM's choice, kept for
 * comparability).
 */
export const edmAllowedValences: Readonly<Record<string, readonly number[]>> = {
  H: [1],
  C: [4],
  N: [3],
  O: [2],
  F: [1],
  B: [3],
  Si: [4],
  P: [3, 5],
  S: [4],
  Cl: [1],
  Br: [1],
  I: [1]
}

export interface AtomStability {
  /** Σ of bond orders per atom, [atoms]. */
  readonly valences: Int32Array
  /** Whether each atom's sum is one of its element's allowed valences, [atoms]. */
  readonly stable: readonly boolean[]
  readonly stableCount: number
}

/**
 * Per-atom stability of a molecular graph (bonds usually from `perceiveBonds`). O(atoms + bonds).
 * @throws StudioError bad-input for an element EDM gives no valence for.
 */
export function atomStability(molecule: MoleculeGraph): AtomStability {
  const valences = bondOrderSums(molecule)
  let stableCount = 0
  const stable = molecule.elements.map((symbol, i) => {
    const allowed = edmAllowedValences[symbol]
    if (!allowed) {
      throw new StudioError(
        'bad-input',
        `Atom ${i} is "${symbol}"; stability is defined for ${Object.keys(edmAllowedValences).join(', ')}.`
      )
    }
    const ok = allowed.includes(valences[i])
    if (ok) stableCount++
    return ok
  })
  return { valences, stable, stableCount }
}

export interface MoleculeStability {
  /** All atoms stable (an empty molecule is not). */
  readonly stable: boolean
  readonly stableAtoms: number
  readonly atoms: number
}

/** Whether every atom is stable (EDM's `molecule_stable`), with the counts EDM sums over a set. */
export function moleculeStability(molecule: MoleculeGraph): MoleculeStability {
  const { stableCount } = atomStability(molecule)
  const atoms = molecule.elements.length
  return { stable: atoms > 0 && stableCount === atoms, stableAtoms: stableCount, atoms }
}

/** `moleculeStability` of the bonds perceived from coordinates (Å): EDM's `check_stability`. */
export function stabilityFromCoordinates(
  positions: Float32Array,
  elements: readonly string[]
): MoleculeStability {
  return moleculeStability({ elements, bonds: perceiveBonds(positions, elements) })
}

export interface SetStability {
  /** Σ stable atoms / Σ atoms over the set (EDM's "atom stability"). */
  readonly atomStability: number
  /** Stable molecules / molecules (EDM's "molecule stability"). */
  readonly moleculeStability: number
  readonly molecules: number
}

/** EDM's set-level stability from per-molecule results. NaN for an empty set. */
export function setStability(results: readonly MoleculeStability[]): SetStability {
  let atoms = 0
  let stableAtoms = 0
  let stable = 0
  for (const r of results) {
    atoms += r.atoms
    stableAtoms += r.stableAtoms
    if (r.stable) stable++
  }
  return {
    atomStability: atoms > 0 ? stableAtoms / atoms : NaN,
    moleculeStability: results.length > 0 ? stable / results.length : NaN,
    molecules: results.length
  }
}
