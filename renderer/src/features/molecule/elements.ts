// What the molecule viewer needs of each element: its symbol and atomic number, CPK colour (Jmol's
// convention, jmol.sourceforge.net/jscolors), single-bond covalent radius (Cordero et al. 2008, Dalton
// Trans. 2832; Å, C sp3) for bond perception, and van der Waals radius (Bondi 1964; Alvarez 2013 for
// the metals Bondi lacks; Å) for space-filling. Elements outside the table draw as Jmol's unknown pink.

export interface ElementStyle {
  readonly symbol: string
  readonly atomicNumber: number
  /** '#rrggbb'. */
  readonly color: string
  readonly covalentRadius: number
  readonly vdwRadius: number
}

const table: readonly ElementStyle[] = [
  { symbol: 'H', atomicNumber: 1, color: '#ffffff', covalentRadius: 0.31, vdwRadius: 1.2 },
  { symbol: 'He', atomicNumber: 2, color: '#d9ffff', covalentRadius: 0.28, vdwRadius: 1.4 },
  { symbol: 'Li', atomicNumber: 3, color: '#cc80ff', covalentRadius: 1.28, vdwRadius: 1.82 },
  { symbol: 'Be', atomicNumber: 4, color: '#c2ff00', covalentRadius: 0.96, vdwRadius: 1.53 },
  { symbol: 'B', atomicNumber: 5, color: '#ffb5b5', covalentRadius: 0.84, vdwRadius: 1.92 },
  { symbol: 'C', atomicNumber: 6, color: '#909090', covalentRadius: 0.76, vdwRadius: 1.7 },
  { symbol: 'N', atomicNumber: 7, color: '#3050f8', covalentRadius: 0.71, vdwRadius: 1.55 },
  { symbol: 'O', atomicNumber: 8, color: '#ff0d0d', covalentRadius: 0.66, vdwRadius: 1.52 },
  { symbol: 'F', atomicNumber: 9, color: '#90e050', covalentRadius: 0.57, vdwRadius: 1.47 },
  { symbol: 'Ne', atomicNumber: 10, color: '#b3e3f5', covalentRadius: 0.58, vdwRadius: 1.54 },
  { symbol: 'Na', atomicNumber: 11, color: '#ab5cf2', covalentRadius: 1.66, vdwRadius: 2.27 },
  { symbol: 'Mg', atomicNumber: 12, color: '#8aff00', covalentRadius: 1.41, vdwRadius: 1.73 },
  { symbol: 'Al', atomicNumber: 13, color: '#bfa6a6', covalentRadius: 1.21, vdwRadius: 1.84 },
  { symbol: 'Si', atomicNumber: 14, color: '#f0c8a0', covalentRadius: 1.11, vdwRadius: 2.1 },
  { symbol: 'P', atomicNumber: 15, color: '#ff8000', covalentRadius: 1.07, vdwRadius: 1.8 },
  { symbol: 'S', atomicNumber: 16, color: '#ffff30', covalentRadius: 1.05, vdwRadius: 1.8 },
  { symbol: 'Cl', atomicNumber: 17, color: '#1ff01f', covalentRadius: 1.02, vdwRadius: 1.75 },
  { symbol: 'Ar', atomicNumber: 18, color: '#80d1e3', covalentRadius: 1.06, vdwRadius: 1.88 },
  { symbol: 'K', atomicNumber: 19, color: '#8f40d4', covalentRadius: 2.03, vdwRadius: 2.75 },
  { symbol: 'Ca', atomicNumber: 20, color: '#3dff00', covalentRadius: 1.76, vdwRadius: 2.31 },
  { symbol: 'Fe', atomicNumber: 26, color: '#e06633', covalentRadius: 1.32, vdwRadius: 2.04 },
  { symbol: 'Cu', atomicNumber: 29, color: '#c88033', covalentRadius: 1.32, vdwRadius: 1.4 },
  { symbol: 'Zn', atomicNumber: 30, color: '#7d80b0', covalentRadius: 1.22, vdwRadius: 1.39 },
  { symbol: 'Se', atomicNumber: 34, color: '#ffa100', covalentRadius: 1.2, vdwRadius: 1.9 },
  { symbol: 'Br', atomicNumber: 35, color: '#a62929', covalentRadius: 1.2, vdwRadius: 1.85 },
  { symbol: 'I', atomicNumber: 53, color: '#940094', covalentRadius: 1.39, vdwRadius: 1.98 }
]

/** How an element the table lacks is drawn (Jmol's colour for unknown atoms). */
export const unknownElement: ElementStyle = {
  symbol: 'X',
  atomicNumber: 0,
  color: '#ff1493',
  covalentRadius: 0.75,
  vdwRadius: 1.7
}

const bySymbol = new Map(table.map((e) => [e.symbol.toLowerCase(), e]))
const byNumber = new Map(table.map((e) => [e.atomicNumber, e]))

/** The element of a symbol, in any case ('CL' and 'cl' are chlorine); unknownElement if not listed. */
export function styleOf(symbol: string): ElementStyle {
  return bySymbol.get(symbol.trim().toLowerCase()) ?? unknownElement
}

/** The element of an atomic number; unknownElement if not listed. */
export function styleOfNumber(atomicNumber: number): ElementStyle {
  return byNumber.get(atomicNumber) ?? unknownElement
}

/**
 * An atom label as files write it (a symbol in any case, or an atomic number as XYZ allows) in its
 * standard spelling ('CL' → 'Cl', '6' → 'C'); unknown labels come back trimmed, as given.
 */
export function normaliseSymbol(label: string): string {
  const text = label.trim()
  if (/^\d+$/.test(text)) {
    const e = byNumber.get(Number(text))
    return e ? e.symbol : text
  }
  return bySymbol.get(text.toLowerCase())?.symbol ?? text
}

export const isHydrogen = (symbol: string): boolean => symbol === 'H' || symbol === 'D'
