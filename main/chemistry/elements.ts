// The elements the studio's molecule features know: the QM9 set (H, C, N, O, F) that models
// generate, and S, Cl, Br, P, B, Si, I so imported molecules can be displayed.
//   covalent radius: Cordero et al. 2008, "Covalent radii revisited", Dalton Trans. 2832 (Å; C sp3);
//   colour: the CPK convention as Jmol defines it (jmol.sourceforge.net/jscolors);
//   mass: IUPAC 2021 standard atomic weights, conventional/abridged values (Da);
//   valences: the neutral-atom valence lists RDKit uses for sanitisation (atomic_data.cpp).

export interface Element {
  readonly symbol: string
  readonly atomicNumber: number
  /** Allowed valences of the neutral atom, smallest first. */
  readonly valences: readonly number[]
  /** Single-bond covalent radius, Å. */
  readonly covalentRadius: number
  /** CPK colour, '#rrggbb'. */
  readonly color: string
  /** Standard atomic weight, Da. */
  readonly mass: number
}

const table: readonly Element[] = [
  { symbol: 'H', atomicNumber: 1, valences: [1], covalentRadius: 0.31, color: '#ffffff', mass: 1.008 },
  { symbol: 'B', atomicNumber: 5, valences: [3], covalentRadius: 0.84, color: '#ffb5b5', mass: 10.81 },
  { symbol: 'C', atomicNumber: 6, valences: [4], covalentRadius: 0.76, color: '#909090', mass: 12.011 },
  { symbol: 'N', atomicNumber: 7, valences: [3], covalentRadius: 0.71, color: '#3050f8', mass: 14.007 },
  { symbol: 'O', atomicNumber: 8, valences: [2], covalentRadius: 0.66, color: '#ff0d0d', mass: 15.999 },
  { symbol: 'F', atomicNumber: 9, valences: [1], covalentRadius: 0.57, color: '#90e050', mass: 18.998 },
  { symbol: 'Si', atomicNumber: 14, valences: [4], covalentRadius: 1.11, color: '#f0c8a0', mass: 28.085 },
  { symbol: 'P', atomicNumber: 15, valences: [3, 5, 7], covalentRadius: 1.07, color: '#ff8000', mass: 30.974 },
  { symbol: 'S', atomicNumber: 16, valences: [2, 4, 6], covalentRadius: 1.05, color: '#ffff30', mass: 32.06 },
  { symbol: 'Cl', atomicNumber: 17, valences: [1], covalentRadius: 1.02, color: '#1ff01f', mass: 35.45 },
  { symbol: 'Br', atomicNumber: 35, valences: [1], covalentRadius: 1.2, color: '#a62929', mass: 79.904 },
  { symbol: 'I', atomicNumber: 53, valences: [1, 3, 5], covalentRadius: 1.39, color: '#940094', mass: 126.9 }
] // prettier-ignore

/** Every element of the table, by atomic number. */
export const elements: readonly Element[] = table

/** The QM9 elements that generative models here produce, in the usual one-hot order. */
export const qm9Elements: readonly string[] = ['H', 'C', 'N', 'O', 'F']

const bySymbol = new Map(table.map((e) => [e.symbol, e]))
const byNumber = new Map(table.map((e) => [e.atomicNumber, e]))

/** The element of a symbol ('C', 'Cl'; case-sensitive), or undefined when the table lacks it. */
export function elementOf(symbol: string): Element | undefined {
  return bySymbol.get(symbol)
}

/** The element of an atomic number, or undefined when the table lacks it. */
export function elementOfNumber(atomicNumber: number): Element | undefined {
  return byNumber.get(atomicNumber)
}

/** Noble gases: what a charged atom can be isoelectronic with and then takes no bonds. */
const nobleGases = new Set([2, 10, 18, 36, 54, 86])

/**
 * The valences an atom may have with a formal charge, as RDKit reasons for common organic ions:
 * those of the isoelectronic element Z − charge (N⁺ like C: 4; O⁻ like F: 1; B⁻ like C: 4; C⁻ like
 * N: 3; Cl⁻ like Ar: 0). Undefined when neither the element nor its isoelectronic partner is in
 * the table (the valence cannot be judged).
 */
export function allowedValences(symbol: string, charge = 0): readonly number[] | undefined {
  const element = bySymbol.get(symbol)
  if (!element) return undefined
  if (charge === 0) return element.valences
  const z = element.atomicNumber - charge
  if (nobleGases.has(z) || z === 0) return [0]
  return byNumber.get(z)?.valences
}
