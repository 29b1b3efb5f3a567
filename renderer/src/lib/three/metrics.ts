// A batch's metrics (JobRecord.metrics) as table rows: plain names, fractions as percentages, and the
// published figure to compare with where the issue names one (EDM on QM9, Hoogeboom et al. 2022,
// Table 2; LION on ShapeNet chairs, Zeng et al. 2022, Table 2).

export interface MetricRow {
  readonly name: string
  readonly label: string
  readonly value: string
  /** What the number means, for a tooltip. */
  readonly about: string
  /** A published figure to compare with, and where it is from. */
  readonly reference?: { readonly value: string; readonly source: string }
}

interface Known {
  readonly label: string
  readonly about: string
  readonly fraction: boolean
  readonly reference?: { readonly value: string; readonly source: string }
}

const edm = 'EDM on QM9 (Hoogeboom et al. 2022)'
const known: Readonly<Record<string, Known>> = {
  'whole-molecule validity': { label: 'Valid (whole molecule)', fraction: true, about: 'Share of molecules whose perceived bonds obey valence and make one molecule (one fragment).' },
  validity: { label: 'Valid (largest fragment, EDM)', fraction: true, about: "EDM's validity: share of molecules whose perceived bonds obey valence, the largest fragment kept (a pile of fragments passes). What EDM's figure counts.", reference: { value: '91.9 %', source: edm } },
  uniqueness: { label: 'Unique', fraction: true, about: 'Share of valid molecules whose SMILES no other molecule of the batch has.' },
  novelty: { label: 'Novel', fraction: true, about: 'Share of valid molecules whose SMILES is not in the training set.' },
  atom_stability: { label: 'Atom stability', fraction: true, about: 'Share of atoms with an allowed valence.', reference: { value: '98.7 %', source: edm } },
  molecule_stability: { label: 'Molecule stability', fraction: true, about: 'Share of molecules in which every atom has an allowed valence.', reference: { value: '82.0 %', source: edm } },
  '1-NNA-CD': { label: '1-NNA (Chamfer)', fraction: true, about: 'Leave-one-out 1-nearest-neighbour accuracy between generated and held-out shapes by Chamfer distance; 50 % is ideal.', reference: { value: '53.7 %', source: 'LION on ShapeNet chairs (Zeng et al. 2022)' } },
  '1-NNA-EMD': { label: '1-NNA (EMD)', fraction: true, about: 'As 1-NNA (Chamfer), by earth mover’s distance; 50 % is ideal.' },
  'COV-CD': { label: 'Coverage (Chamfer)', fraction: true, about: 'Share of held-out shapes that are the nearest (Chamfer) to some generated shape; higher is better.' },
  'COV-EMD': { label: 'Coverage (EMD)', fraction: true, about: 'As coverage (Chamfer), by earth mover’s distance.' },
  'MMD-CD': { label: 'MMD (Chamfer)', fraction: false, about: 'Mean over held-out shapes of the Chamfer distance to the closest generated shape; lower is better.' },
  'MMD-EMD': { label: 'MMD (EMD)', fraction: false, about: 'As MMD (Chamfer), by earth mover’s distance.' }
} // prettier-ignore

const significant = (v: number) =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(4)))

/** Rows in a stable order: the known metrics first, in the order above, then the rest by name. */
export function metricRows(metrics: Readonly<Record<string, number>> | undefined): MetricRow[] {
  if (!metrics) return []
  const order = Object.keys(known)
  const names = Object.keys(metrics).sort((a, b) => {
    const i = order.indexOf(a)
    const j = order.indexOf(b)
    return (i < 0 ? order.length : i) - (j < 0 ? order.length : j) || a.localeCompare(b)
  })
  return names.map((name) => {
    const v = metrics[name]
    const k = known[name]
    const value = !Number.isFinite(v)
      ? String(v)
      : k?.fraction && v >= 0 && v <= 1
        ? `${(100 * v).toFixed(1)} %`
        : significant(v)
    return {
      name,
      label: k?.label ?? name.replace(/_/g, ' '),
      value,
      about: k?.about ?? '',
      ...(k?.reference ? { reference: k.reference } : {})
    }
  })
}
