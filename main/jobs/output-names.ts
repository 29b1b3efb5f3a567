import type { JobRecord } from '../contract'

/** A file-name-safe slug of at most `max` characters (letters, digits, dashes), or ''. */
export function slug(text: string, max = 40): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '')
}

const pad = (n: number) => String(n).padStart(2, '0')

/**
 * Output file stem from the recipe: `<date>-<time>-<what>-s<seed>-<id>`, e.g.
 * `20261201-001203-smileys-emotion-s7-3fa2c1` (the job id's start keeps names unique).
 */
export function outputStem(job: Pick<JobRecord, 'id' | 'spec' | 'createdAt'>): string {
  const d = new Date(job.createdAt)
  const when = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`
  const spec = job.spec as { prompt?: string; label?: string; task: string; seed: number }
  const what = slug(spec.prompt || spec.label || spec.task.replace('.', '-')) || 'output'
  return `${when}-${what}-s${spec.seed}-${slug(job.id, 6) || 'job'}`
}
