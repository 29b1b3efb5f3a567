// Which samples of a batch the user discarded, by job: pure rules, kept in localStorage by kept.svelte.ts.

export type Discarded = Record<string, number[]>

/** At most this many jobs remember their discarded samples (the oldest are forgotten). */
export const jobLimit = 100

export function toggleDiscard(state: Discarded, jobId: string, index: number): Discarded {
  const current = state[jobId] ?? []
  const next = current.includes(index)
    ? current.filter((i) => i !== index)
    : [...current, index].sort((a, b) => a - b)
  const { [jobId]: _, ...rest } = state
  const out: Discarded = next.length ? { ...rest, [jobId]: next } : rest
  const jobs = Object.keys(out)
  for (const old of jobs.slice(0, Math.max(0, jobs.length - jobLimit))) delete out[old]
  return out
}

/** The samples of `indices` that are kept (not discarded), in order. */
export function keptOf(state: Discarded, jobId: string, indices: readonly number[]): number[] {
  const gone = state[jobId] ?? []
  return indices.filter((i) => !gone.includes(i))
}

/** Reads what was stored, dropping anything malformed. */
export function parseDiscarded(text: string | null): Discarded {
  try {
    const raw = JSON.parse(text ?? '{}') as unknown
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {}
    const out: Discarded = {}
    for (const [job, list] of Object.entries(raw)) {
      if (Array.isArray(list) && list.every((i) => Number.isInteger(i) && i >= 0)) {
        out[job] = list as number[]
      }
    }
    return out
  } catch {
    return {}
  }
}
