import Database from 'better-sqlite3'
import { JobRecordSchema, type JobRecord } from '../contract'

/**
 * The persisted job history (SQLite in the user-data folder): each job's spec, status, outputs and
 * error. Rows that fail their schema on load (a hand-edited or older database) are skipped, never fatal.
 */
export class JobStore {
  readonly #db: Database.Database
  readonly #upsert: Database.Statement
  readonly #byId: Database.Statement
  readonly #newest: Database.Statement
  readonly #unfinished: Database.Statement

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
    CREATE INDEX IF NOT EXISTS jobs_created ON jobs (created_at DESC);`)
    this.#upsert = this.#db.prepare(
      `INSERT INTO jobs (id, created_at, status, record) VALUES (@id, @createdAt, @status, @record)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, record = excluded.record`
    )
    this.#byId = this.#db.prepare('SELECT record FROM jobs WHERE id = ?')
    this.#newest = this.#db.prepare(
      'SELECT record FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?'
    )
    this.#unfinished = this.#db.prepare(
      "SELECT record FROM jobs WHERE status IN ('queued', 'running')"
    )
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

  /** Jobs left queued or running by a previous process that stopped: marks them failed. */
  failInterrupted(now: number): number {
    let count = 0
    const rows = this.#unfinished.all() as { record: string }[]
    for (const row of rows) {
      const job = this.#parse(row.record)
      if (!job) continue
      this.save({
        ...job,
        status: 'failed',
        finishedAt: now,
        error: { code: 'engine-crashed', message: 'The studio stopped before this job finished.' }
      })
      count++
    }
    return count
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
