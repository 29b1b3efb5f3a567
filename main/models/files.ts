// File-system steps that keep a model folder complete or absent: hashed copies, fsync, free space.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, realpath, rename, rm, stat, statfs } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomBytes } from 'node:crypto'
import { StudioError } from '../contract'
import { openRegularFile, readRegularFile } from '../platform/regular-file'

/** `root`/`rel` resolved, when that lies strictly inside `root`; else (`..`, absolute) undefined. */
export function containedJoin(root: string, rel: string): string | undefined {
  const base = resolve(root)
  const path = resolve(base, rel)
  return path.startsWith(base + sep) ? path : undefined
}

/** Flushes a file's data to disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Flushes a folder's entries (a rename inside it) to disk; not possible on Windows, where it is skipped. */
export async function fsyncDir(path: string): Promise<void> {
  try {
    const handle = await open(path, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // Windows cannot open folders for fsync; NTFS journals the rename itself.
  }
}

/** Copies `from` to `to` (creating folders), hashing on the way; the copy is fsynced. */
export async function copyWithHash(
  from: string,
  to: string,
  signal?: AbortSignal,
  onBytes?: (n: number) => void
): Promise<{ sha256: string; size: number }> {
  const source = await openRegularFile(from)
  await mkdir(dirname(to), { recursive: true }).catch(async (error: unknown) => {
    await source.close()
    throw error
  })
  const hash = createHash('sha256')
  let size = 0
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      onBytes?.(chunk.length)
      done(null, chunk)
    }
  })
  // The stream closes the handle when it ends or fails.
  await pipeline(source.createReadStream({ highWaterMark: 1 << 20 }), tap, createWriteStream(to), {
    signal
  })
  await fsyncFile(to)
  return { sha256: hash.digest('hex'), size }
}

/**
 * Every regular file under `root`, as forward-slash relative paths, sorted. Symbolic links are followed
 * as onnxruntime and diffusers follow them (a Hugging Face cache snapshot is a tree of links into
 * `../../blobs/`): a link to a file is listed at the link's path (copying it copies the target's bytes); a
 * link to a folder is walked once (loops are skipped); a dangling link is left out.
 */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  const seen = new Set<string>()
  const walk = async (dir: string) => {
    const real = await realpath(dir)
    if (seen.has(real)) return
    seen.add(real)
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      const kind = entry.isSymbolicLink()
        ? await stat(full).then(
            (s) => (s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other'),
            () => 'other'
          )
        : entry.isDirectory()
          ? 'dir'
          : entry.isFile()
            ? 'file'
            : 'other'
      if (kind === 'dir') await walk(full)
      else if (kind === 'file') out.push(relative(root, full).split(sep).join('/'))
    }
  }
  await walk(root)
  return out.sort()
}

/**
 * Reads a JSON file (a regular file only: a named pipe or a device is refused, never read). A file that does not parse is a typed `bad-input` that names the file and the
 * position, never its contents (which may be anything: a secret, a binary).
 */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = (await readRegularFile(path)).toString('utf8')
  try {
    return JSON.parse(text)
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1]
    throw new StudioError(
      'bad-input',
      `${path} is not valid JSON${at ? ` (the error is at character ${at})` : ''}.`
    )
  }
}

/** A fresh hidden working folder inside `root` (same file system, so the final rename is atomic). */
export async function makeStagingDir(root: string, purpose: string): Promise<string> {
  await mkdir(root, { recursive: true })
  const dir = join(root, `.${purpose}-${randomBytes(6).toString('hex')}`)
  await mkdir(dir)
  return dir
}

/** Moves a finished folder into place; fails if the target exists. */
export async function publishDir(staging: string, target: string): Promise<void> {
  await fsyncDir(staging)
  await rename(staging, target)
  await fsyncDir(dirname(target))
}

export async function removeTree(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 3 })
}

/** Free bytes for an unprivileged user on the file system holding `path`. */
export type FreeSpaceFn = (path: string) => Promise<number>

export const freeBytes: FreeSpaceFn = async (path) => {
  const s = await statfs(path)
  return Number(s.bavail) * Number(s.bsize)
}

/** "3.1 GB", "120 MB", "900 kB": decimal units, as file managers show sizes. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  if (unit === 0) return `${bytes} bytes`
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`
}
