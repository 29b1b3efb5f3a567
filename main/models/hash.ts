// sha256 of model files, cached by (path, size, mtime) so a model is hashed once, not on every run.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash, { signal })
  return hash.digest('hex')
}

interface CacheEntry {
  size: number
  mtimeMs: number
  sha256: string
}

/**
 * Remembers each file's hash with the size and mtime it had; a changed file is hashed again. Persisted
 * as JSON (written atomically) when a `file` is given.
 */
export class HashCache {
  #entries = new Map<string, CacheEntry>()
  #loaded: Promise<void> | undefined
  #dirty = false
  /** Files hashed (misses) and answered from the cache (hits) since creation. */
  readonly counts = { hashed: 0, cached: 0 }

  constructor(readonly file?: string) {}

  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      if (!this.file) return
      try {
        const data = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, CacheEntry>
        for (const [path, entry] of Object.entries(data)) {
          if (typeof entry?.sha256 === 'string') this.#entries.set(path, entry)
        }
      } catch {
        // No cache yet, or an unreadable one: start empty.
      }
    })()
    return this.#loaded
  }

  /** The hash of `path` if the cache holds it for the file's current size and mtime. */
  async cached(path: string): Promise<string | undefined> {
    await this.#load()
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
    this.#entries.set(path, { size, mtimeMs, sha256 })
    this.#dirty = true
  }

  forget(prefix: string): void {
    for (const path of [...this.#entries.keys()]) {
      if (path.startsWith(prefix)) this.#entries.delete(path)
    }
    this.#dirty = true
  }

  async save(): Promise<void> {
    if (!this.file || !this.#dirty) return
    await this.#load()
    this.#dirty = false
    await mkdir(dirname(this.file), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    await writeFile(temp, JSON.stringify(Object.fromEntries(this.#entries)))
    await rename(temp, this.file)
  }
}
