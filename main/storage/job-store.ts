import Database from 'better-sqlite3'
import { JobRecordSchema, describeIssues, jobRecordVersion, type JobRecord } from '../contract'

/** A stored row that does not parse even after migration: kept (never dropped), and reported. */
export interface UnreadableJob {
  readonly id: string
  readonly reason: string
}

/**
 * Brings a stored record to the current schema (jobRecordVersion). Version 1 (studio 0.1, no
 * schemaVersion) had image-only artifacts without a `kind`.
 */
export function migrateJobRecord(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw
  const record = raw as Record<string, unknown>
  if (record.schemaVersion === undefined) {
    const artifacts = Array.isArray(record.artifacts) ? record.artifacts : []
    return {
      ...record,
      schemaVersion: 2,
      artifacts: artifacts.map((a: unknown) =>
        a && typeof a === 'object' && !('kind' in a) ? { kind: 'image', ...a } : a
      )
    }
  }
  return record
}

/**
 * The persisted job history (SQLite in the data folder): each job's spec, status, outputs and error.
 * Older rows are migrated when the store opens; a row that still does not parse is moved to the
 * `jobs_unreadable` table with the reason (never silently dropped) and listed by `unreadable()`.
 */
export class JobStore {
  readonly #db: Database.Database
  readonly #upsert: Database.Statement
  readonly #byId: Database.Statement
  readonly #newest: Database.Statement
  readonly #unfinished: Database.Statement
  readonly #unreadable: UnreadableJob[] = []

  constructor(file: string) {
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      status TEXT NOT NULL,
      record TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at DESC);
    CREATE TABLE IF NOT EXISTS jobs_unreadable (
      id TEXT PRIMARY KEY,
      record TEXT NOT NULL,
      reason TEXT NOT NULL
    );`)
    this.#upsert = this.#db.prepare(
      `INSERT INTO jobs (id, created_at, status, record) VALUES (@id, @createdAt, @status, @record)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, record = excluded.record`
    )
    this.#byId = this.#db.prepare('SELECT record FROM jobs WHERE id = ?')
    this.#newest = this.#db.prepare(
      'SELECT record FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?'
    )
    this.#unfinished = this.#db.prepare(
      "SELECT record FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at, rowid"
    )
    this.#migrate()
  }

  /** Rewrites every older row at the current version; moves rows that cannot be read aside. */
  #migrate(): void {
    const rows = this.#db.prepare('SELECT id, record FROM jobs').all() as {
      id: string
      record: string
    }[]
    const setAside = this.#db.prepare(
      'INSERT OR REPLACE INTO jobs_unreadable (id, record, reason) VALUES (?, ?, ?)'
    )
    const remove = this.#db.prepare('DELETE FROM jobs WHERE id = ?')
    this.#db.transaction(() => {
      for (const row of rows) {
        let raw: unknown
        try {
          raw = JSON.parse(row.record)
        } catch {
          setAside.run(row.id, row.record, 'not JSON')
          remove.run(row.id)
          continue
        }
        const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion
        if (version === jobRecordVersion) continue
        const parsed = JobRecordSchema.safeParse(migrateJobRecord(raw))
        if (parsed.success) this.save(parsed.data)
        else {
          setAside.run(row.id, row.record, describeIssues(parsed.error))
          remove.run(row.id)
        }
      }
    })()
    for (const row of this.#db
      .prepare('SELECT id, reason FROM jobs_unreadable')
      .all() as UnreadableJob[]) {
      this.#unreadable.push(row)
    }
    if (this.#unreadable.length) {
      console.error(
        `[history] ${this.#unreadable.length} job record(s) could not be read; they are kept in the ` +
          `jobs_unreadable table of history.sqlite (${this.#unreadable.map((u) => u.id).join(', ')}).`
      )
    }
  }

  save(job: JobRecord): void {
    this.#upsert.run({
      id: job.id,
      createdAt: job.createdAt,
      status: job.status,
      record: JSON.stringify(job)
    })
  }

  get(id: string): JobRecord | undefined {
    const row = this.#byId.get(id) as { record: string } | undefined
    return row ? this.#parse(row.record) : undefined
  }

  list(limit: number): JobRecord[] {
    const rows = this.#newest.all(limit) as { record: string }[]
    return rows.map((row) => this.#parse(row.record)).filter((job) => job !== undefined)
  }

  /** Jobs a previous studio left queued or running, oldest first. */
  unfinished(): JobRecord[] {
    const rows = this.#unfinished.all() as { record: string }[]
    return rows.map((row) => this.#parse(row.record)).filter((job) => job !== undefined)
  }

  /** Rows that could not be read (kept in jobs_unreadable). */
  unreadable(): readonly UnreadableJob[] {
    return this.#unreadable
  }

  /** Input refs any stored job refers to (the input store keeps these). */
  referencedInputs(refsOf: (job: JobRecord) => readonly string[]): Set<string> {
    const refs = new Set<string>()
    for (const row of this.#db.prepare('SELECT record FROM jobs').all() as { record: string }[]) {
      const job = this.#parse(row.record)
      if (job) for (const ref of refsOf(job)) refs.add(ref)
    }
    for (const row of this.#db.prepare('SELECT record FROM jobs_unreadable').all() as {
      record: string
    }[]) {
      for (const ref of row.record.match(/[0-9a-f]{64}/g) ?? []) refs.add(ref)
    }
    return refs
  }

  #parse(text: string): JobRecord | undefined {
    try {
      const parsed = JobRecordSchema.safeParse(JSON.parse(text))
      return parsed.success ? parsed.data : undefined
    } catch {
      return undefined
    }
  }

  close(): void {
    this.#db.close()
  }
}
