// Loaded sessions, keyed by (model, component, shape bucket, provider, file digest), kept under a memory
// budget: the least recently used idle session is released when a new one would not fit. Timing per key.
import type * as ort from 'onnxruntime-node'

export interface SessionStats {
  /** Model calls (warm-up excluded) and their time in session.run, milliseconds. */
  calls: number
  totalMs: number
  lastMs: number
  /** Times the session was created (more than 1 after an eviction), and the time that took. */
  loads: number
  loadMs: number
  warmupMs: number
}

export interface SessionTiming extends SessionStats {
  key: string
  resident: boolean
  estimateMB: number
}

export interface PooledSessionSpec {
  key: string
  /** Memory the session is expected to hold while loaded. */
  estimateMB: number
  /** Creates the session (validated and warmed up); called again after an eviction. */
  load: () => Promise<ort.InferenceSession>
}

interface Entry {
  spec: PooledSessionSpec
  session?: Promise<ort.InferenceSession>
  busy: number
  lastUsed: number
  /** Released as soon as its last run ends. */
  doomed: boolean
}

export const emptyStats = (): SessionStats => ({
  calls: 0,
  totalMs: 0,
  lastMs: 0,
  loads: 0,
  loadMs: 0,
  warmupMs: 0
})

async function releaseQuietly(session: Promise<ort.InferenceSession>): Promise<void> {
  try {
    await (await session).release()
  } catch {
    // A session that failed to load, or is already gone, has nothing to release.
  }
}

export class SessionPool {
  readonly #entries = new Map<string, Entry>()
  readonly #stats = new Map<string, SessionStats>()
  #tick = 0
  #evictions = 0

  constructor(readonly budgetMB: number) {}

  /** The live stats object of a key (created on first use). */
  stats(key: string): SessionStats {
    let stats = this.#stats.get(key)
    if (!stats) this.#stats.set(key, (stats = emptyStats()))
    return stats
  }

  /** Runs `fn` with the loaded session of `spec`, loading it (and making room) when needed. */
  async use<T>(
    spec: PooledSessionSpec,
    fn: (session: ort.InferenceSession) => Promise<T>
  ): Promise<T> {
    let entry = this.#entries.get(spec.key)
    if (!entry) {
      entry = { spec, busy: 0, lastUsed: 0, doomed: false }
      this.#entries.set(spec.key, entry)
    }
    entry.spec = spec // the latest loader and estimate, for a reload after eviction
    entry.lastUsed = ++this.#tick
    entry.doomed = false
    if (!entry.session) {
      this.#makeRoom(spec.estimateMB, spec.key)
      const loading = this.#load(entry)
      entry.session = loading
      loading.catch(() => {
        if (entry.session === loading) entry.session = undefined
      })
    }
    const session = entry.session
    entry.busy++
    try {
      return await fn(await session)
    } finally {
      entry.busy--
      if (entry.doomed && entry.busy === 0 && entry.session === session) {
        entry.session = undefined
        await releaseQuietly(session)
      }
    }
  }

  async #load(entry: Entry): Promise<ort.InferenceSession> {
    const started = performance.now()
    const session = await entry.spec.load()
    const stats = this.stats(entry.spec.key)
    stats.loads++
    stats.loadMs += performance.now() - started
    return session
  }

  /** Releases least recently used idle sessions until `needMB` more fits the budget (if it can). */
  #makeRoom(needMB: number, forKey: string): void {
    let resident = this.residentMB()
    while (resident + needMB > this.budgetMB) {
      let victim: Entry | undefined
      for (const entry of this.#entries.values()) {
        if (!entry.session || entry.busy > 0 || entry.spec.key === forKey) continue
        if (!victim || entry.lastUsed < victim.lastUsed) victim = entry
      }
      if (!victim?.session) return // everything left is in use: go over budget rather than fail
      void releaseQuietly(victim.session)
      victim.session = undefined
      resident -= victim.spec.estimateMB
      this.#evictions++
    }
  }

  /** Estimated memory of the loaded (or loading) sessions. */
  residentMB(): number {
    let total = 0
    for (const entry of this.#entries.values()) if (entry.session) total += entry.spec.estimateMB
    return total
  }

  /** Keys of loaded sessions, least recently used first. */
  residentKeys(): string[] {
    return [...this.#entries.values()]
      .filter((e) => e.session)
      .sort((a, b) => a.lastUsed - b.lastUsed)
      .map((e) => e.spec.key)
  }

  get evictions(): number {
    return this.#evictions
  }

  /** Per-key timing, for the engine-overhead benchmark. */
  timings(): SessionTiming[] {
    return [...this.#stats.entries()].map(([key, stats]) => {
      const entry = this.#entries.get(key)
      return {
        key,
        ...stats,
        resident: Boolean(entry?.session),
        estimateMB: entry?.spec.estimateMB ?? 0
      }
    })
  }

  /** Releases the sessions whose key starts with `prefix`, except `keep`; a running one when it ends. */
  retire(prefix: string, keep: string): void {
    for (const entry of this.#entries.values()) {
      if (!entry.session || entry.spec.key === keep || !entry.spec.key.startsWith(prefix)) continue
      if (entry.busy > 0) {
        entry.doomed = true
        continue
      }
      void releaseQuietly(entry.session)
      entry.session = undefined
    }
  }

  /** Releases every session; one still running is released when its run ends. */
  async release(): Promise<void> {
    const pending: Promise<void>[] = []
    for (const entry of this.#entries.values()) {
      if (!entry.session) continue
      if (entry.busy > 0) {
        entry.doomed = true
        continue
      }
      pending.push(releaseQuietly(entry.session))
      entry.session = undefined
    }
    await Promise.all(pending)
  }
}
