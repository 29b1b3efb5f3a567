/** The training set's atom-count histogram (manifest `atomCounts`, "19" → 1234) as bars from 1 to max. */
export function histogramBars(
  counts: Readonly<Record<string, number>> | undefined,
  maxAtoms: number
): { atoms: number; count: number; share: number }[] {
  if (!counts) return []
  const entries = Object.entries(counts)
    .map(([k, v]) => [Number(k), v] as const)
    .filter(([k, v]) => Number.isInteger(k) && k >= 1 && k <= maxAtoms && v >= 0)
  if (entries.length === 0) return []
  const lo = Math.min(...entries.map(([k]) => k))
  const hi = Math.max(...entries.map(([k]) => k))
  const top = Math.max(...entries.map(([, v]) => v)) || 1
  const byAtoms = new Map(entries)
  const bars = []
  for (let atoms = lo; atoms <= hi; atoms++) {
    const count = byAtoms.get(atoms) ?? 0
    bars.push({ atoms, count, share: count / top })
  }
  return bars
}

/** The atom count most training molecules have, or undefined without a histogram. */
export function commonest(bars: readonly { atoms: number; count: number }[]): number | undefined {
  let best: { atoms: number; count: number } | undefined
  for (const bar of bars) if (!best || bar.count > best.count) best = bar
  return best?.atoms
}
