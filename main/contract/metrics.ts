// A batch's metrics (JobRecord.metrics) in words and one unit each, for the window's table and the
// CLI's summary line alike: shares are percentages everywhere, counts whole numbers, distances as
// measured. Published figures to compare with: EDM on QM9 (Hoogeboom et al. 2022, Table 3, with its
// novelty and the unique share as GeoBFN's Table 1 reports them), LION on ShapeNet (Zeng et al. 2022,
// Table 2: 1-NNA by class).

export type MetricUnit = 'share' | 'count' | 'distance'

export interface MetricReference {
  readonly value: string
  readonly source: string
}

interface Known {
  readonly label: string
  readonly unit: MetricUnit
  readonly about: string
  /** The published figure for a batch of this class (shapes) or any batch (molecules). */
  readonly reference?: (label: string | undefined) => MetricReference | undefined
}

const edm = (value: string, how = ''): (() => MetricReference) => {
  const reference = { value, source: `EDM on QM9 (Hoogeboom et al. 2022)${how}` }
  return () => reference
}
const lion: Readonly<Record<string, string>> = {
  chair: '53.7 %',
  airplane: '67.4 %',
  car: '53.4 %'
}

/** The metrics the studio measures, in the order a table lists them. */
const known: Readonly<Record<string, Known>> = {
  'whole-molecule validity': { label: 'Valid (whole molecule)', unit: 'share', about: 'Share of molecules whose perceived bonds obey valence and make one molecule (one fragment).' },
  validity: { label: 'Valid (largest fragment, EDM)', unit: 'share', about: "EDM's validity: share of molecules whose perceived bonds obey valence, the largest fragment kept (a pile of fragments passes). What EDM's figure counts.", reference: edm('91.9 %') },
  uniqueness: { label: 'Unique', unit: 'share', about: 'Share of valid molecules whose SMILES no other molecule of the batch has.', reference: edm('98.7 %', ': 90.7 % valid and unique of 91.9 % valid') },
  novelty: { label: 'Novel', unit: 'share', about: 'Share of valid molecules whose SMILES is not in the training set.', reference: edm('58.0 %', ', as GeoBFN (Song et al. 2024) reports it') },
  'atom stability': { label: 'Atom stability', unit: 'share', about: 'Share of atoms with an allowed valence.', reference: edm('98.7 %') },
  'molecule stability': { label: 'Molecule stability', unit: 'share', about: 'Share of molecules in which every atom has an allowed valence.', reference: edm('82.0 %') },
  '1-NNA-CD': { label: '1-NNA (Chamfer)', unit: 'share', about: 'Leave-one-out 1-nearest-neighbour accuracy between generated and held-out shapes by Chamfer distance; 50 % is ideal.', reference: (label) => { const value = label ? lion[label.toLowerCase()] : undefined; return value ? { value, source: `LION on ShapeNet ${label!.toLowerCase()}s (Zeng et al. 2022)` } : undefined } },
  '1-NNA-EMD': { label: '1-NNA (EMD)', unit: 'share', about: 'As 1-NNA (Chamfer), by earth mover’s distance; 50 % is ideal.' },
  'COV-CD': { label: 'Coverage (Chamfer)', unit: 'share', about: 'Share of held-out shapes that are the nearest (Chamfer) to some generated shape; higher is better.' },
  'COV-EMD': { label: 'Coverage (EMD)', unit: 'share', about: 'As coverage (Chamfer), by earth mover’s distance.' },
  'MMD-CD': { label: 'MMD (Chamfer)', unit: 'distance', about: 'Mean over held-out shapes of the Chamfer distance to the closest generated shape; lower is better.' },
  'MMD-EMD': { label: 'MMD (EMD)', unit: 'distance', about: 'As MMD (Chamfer), by earth mover’s distance.' },
  molecules: { label: 'Molecules', unit: 'count', about: 'Molecules in the batch.' },
  'reference shapes': { label: 'Held-out shapes', unit: 'count', about: 'Held-out shapes of the class the batch was compared with.' }
} // prettier-ignore

const significant = (v: number) =>
  Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(4)))

/** The unit a metric is shown in (an unknown name: as measured). */
export function metricUnit(name: string): MetricUnit {
  return known[name]?.unit ?? 'distance'
}

/**
 * A metric's value in its unit: a share in [0, 1] as a percentage with one decimal ("50.0 %"), a count
 * as a whole number, anything else to 4 significant digits; out-of-range or non-finite values as they are.
 */
export function formatMetric(name: string, value: number): string {
  if (!Number.isFinite(value)) return String(value)
  const unit = metricUnit(name)
  if (unit === 'share' && value >= 0 && value <= 1) return `${(100 * value).toFixed(1)} %`
  if (unit === 'count' && Number.isInteger(value)) return String(value)
  return significant(value)
}

export interface MetricRow {
  readonly name: string
  readonly label: string
  readonly unit: MetricUnit
  readonly value: string
  /** What the number means, for a tooltip. */
  readonly about: string
  /** A published figure to compare with, and where it is from (none where none is published). */
  readonly reference?: MetricReference
}

/**
 * A batch's metrics as rows in a stable order (the known ones first, as listed above, then the rest
 * by name). `label` is the batch's class, for figures published per class.
 */
export function metricRows(
  metrics: Readonly<Record<string, number>> | undefined,
  label?: string
): MetricRow[] {
  if (!metrics) return []
  const order = Object.keys(known)
  const names = Object.keys(metrics).sort((a, b) => {
    const i = order.indexOf(a)
    const j = order.indexOf(b)
    return (i < 0 ? order.length : i) - (j < 0 ? order.length : j) || a.localeCompare(b)
  })
  return names.map((name) => {
    const k = known[name]
    const reference = k?.reference?.(label)
    return {
      name,
      label: k?.label ?? name.replace(/_/g, ' '),
      unit: metricUnit(name),
      value: formatMetric(name, metrics[name]),
      about: k?.about ?? '',
      ...(reference ? { reference } : {})
    }
  })
}

/** The CLI's summary line: "validity: 50.0 %, uniqueness: 100.0 %, …" (the JSON output keeps numbers). */
export function metricsLine(metrics: Readonly<Record<string, number>>): string {
  return metricRows(metrics)
    .map((row) => `${row.name}: ${row.value}`)
    .join(', ')
}
