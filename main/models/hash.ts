// sha256 of model files, cached by (path, size, mtime) so a model is hashed once, not on every run.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { openRegularFile } from '../platform/regular-file'

/** sha256 of a regular file. @throws StudioError bad-input for a named pipe, a device or a socket. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const handle = await openRegularFile(path)
  const hash = createHash('sha256')
  await pipeline(handle.createReadStream({ highWaterMark: 1 << 20 }), hash, { signal })
  return hash.digest('hex')
}

interface CacheEntry {
  size: number
  mtimeMs: number
  sha256: string
}

/** What identifies a version of the cache file, to notice another process's save. */
interface FileVersion {
  size: number
  mtimeMs: number
}

const isEntry = (value: unknown): value is CacheEntry => {
  const e = value as Partial<CacheEntry> | null
  return (
    typeof e?.sha256 === 'string' && typeof e.size === 'number' && typeof e.mtimeMs === 'number'
  )
}

/**
 * Remembers each file's hash with the size and mtime it had; a changed file is hashed again. Persisted
 * as JSON when a `file` is given, shared by processes (the CLI and a running engine): a lookup reloads
 * the file when another process saved it, and a save merges this process's changes into what is on
 * disk (per path, the entry for the newer file wins), written atomically.
 */
export class HashCache {
  /** What is on disk (as last read) with this process's unsaved changes applied. */
  #entries = new Map<string, CacheEntry>()
  /** This process's changes since its last save. */
  #pending = new Map<string, CacheEntry>()
  #forgotten: string[] = []
  /** The cache file as last read or written; undefined: not looked at yet, null: there is none. */
  #seen: FileVersion | null | undefined
  #reading: Promise<void> | undefined
  /** Files hashed (misses) and answered from the cache (hits) since creation. */
  readonly counts = { hashed: 0, cached: 0 }

  constructor(readonly file?: string) {}

  async #version(): Promise<FileVersion | null> {
    if (!this.file) return null
    const s = await stat(this.file).catch(() => undefined)
    return s ? { size: s.size, mtimeMs: s.mtimeMs } : null
  }

  async #readDisk(): Promise<Map<string, CacheEntry>> {
    const entries = new Map<string, CacheEntry>()
    if (!this.file) return entries
    try {
      const data = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, unknown>
      for (const [path, entry] of Object.entries(data)) if (isEntry(entry)) entries.set(path, entry)
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    return entries
  }

  /** `disk` with forgotten prefixes, then remembered entries, applied (the newer file wins). */
  #merge(
    disk: Map<string, CacheEntry>,
    pending = this.#pending,
    forgotten = this.#forgotten
  ): Map<string, CacheEntry> {
    for (const prefix of forgotten) {
      for (const path of [...disk.keys()]) if (path.startsWith(prefix)) disk.delete(path)
    }
    for (const [path, entry] of pending) {
      const other = disk.get(path)
      if (!other || other.mtimeMs <= entry.mtimeMs) disk.set(path, entry)
    }
    return disk
  }

  /** Reloads the cache file if it changed since this process last read or wrote it. */
  #refresh(): Promise<void> {
    this.#reading ??= (async () => {
      const version = await this.#version()
      const same =
        this.#seen !== undefined &&
        (this.#seen === null
          ? version === null
          : version !== null &&
            version.size === this.#seen.size &&
            version.mtimeMs === this.#seen.mtimeMs)
      if (same) return
      this.#entries = this.#merge(await this.#readDisk())
      this.#seen = version
    })().finally(() => (this.#reading = undefined))
    return this.#reading
  }

  /** The hash of `path` if the cache holds it for the file's current size and mtime. */
  async cached(path: string): Promise<string | undefined> {
    await this.#refresh()
    const entry = this.#entries.get(path)
    if (!entry) return undefined
    const s = await stat(path).catch(() => undefined)
    return s && s.size === entry.size && s.mtimeMs === entry.mtimeMs ? entry.sha256 : undefined
  }

  /** The file's sha256, from the cache when it is still valid (or always fresh with `force`). */
  async hash(
    path: string,
    options: { force?: boolean; signal?: AbortSignal } = {}
  ): Promise<string> {
    if (!options.force) {
      const hit = await this.cached(path)
      if (hit) {
        this.counts.cached++
        return hit
      }
    }
    const before = await stat(path)
    const sha256 = await sha256File(path, options.signal)
    this.counts.hashed++
    this.remember(path, before.size, before.mtimeMs, sha256)
    return sha256
  }

  /** Records a hash computed elsewhere (while copying or downloading the file). */
  remember(path: string, size: number, mtimeMs: number, sha256: string): void {
    const entry = { size, mtimeMs, sha256 }
    this.#entries.set(path, entry)
    this.#pending.set(path, entry)
  }

  /** Drops every entry under `prefix` (a removed model's folder), here and, on save, on disk. */
  forget(prefix: string): void {
    for (const map of [this.#entries, this.#pending]) {
      for (const path of [...map.keys()]) if (path.startsWith(prefix)) map.delete(path)
    }
    this.#forgotten.push(prefix)
  }

  /** Merges this process's changes into the cache file (re-read now) and writes it atomically. */
  async save(): Promise<void> {
    if (!this.file || (this.#pending.size === 0 && this.#forgotten.length === 0)) return
    await this.#reading
    const pending = this.#pending
    const forgotten = this.#forgotten
    this.#pending = new Map()
    this.#forgotten = []
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      const merged = this.#merge(await this.#readDisk(), pending, forgotten)
      await mkdir(dirname(this.file), { recursive: true })
      await writeFile(temp, JSON.stringify(Object.fromEntries(merged)))
      await rename(temp, this.file)
      this.#seen = await this.#version()
      this.#entries = this.#merge(merged) // with anything remembered while writing
    } catch (error) {
      await unlink(temp).catch(() => undefined)
      // Not saved: keep the changes for the next save (those made meanwhile take precedence).
      const later = this.#forgotten
      this.#forgotten = [...forgotten, ...later]
      for (const [path, entry] of pending) {
        const dropped = later.some((prefix) => path.startsWith(prefix))
        if (!dropped && !this.#pending.has(path)) this.#pending.set(path, entry)
      }
      throw error
    }
  }
}
