// Paths a user gives on the command line, checked before any work: a clear typed error instead of a
// stack trace (a file where a folder should be, a folder where a file should be, /proc, no permission).
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { StudioError } from '../contract'

const pseudo = /^\/(proc|sys|dev)(\/|$)/

function why(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  switch (code) {
    case 'ENOTDIR':
      return 'part of the path is a file, not a folder'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EROFS':
      return 'the file system is read-only'
    case 'ENOSPC':
      return 'the disk is full'
    case 'ENOENT':
      return 'part of the path cannot be created'
    default:
      return (error as Error).message
  }
}

/**
 * A folder the studio will write into: created if missing, and proven writable.
 * @throws StudioError invalid-request naming the option and the reason.
 */
export function writableFolder(path: string, option: string): string {
  const dir = resolve(path)
  if (pseudo.test(dir)) {
    throw new StudioError(
      'invalid-request',
      `${option} ${dir} is inside a system folder (${dir.split('/')[1]}); pick a normal folder.`
    )
  }
  try {
    const stat = statSync(dir, { throwIfNoEntry: false })
    if (stat && !stat.isDirectory()) {
      throw new StudioError('invalid-request', `${option} ${dir} is a file, not a folder.`)
    }
    mkdirSync(dir, { recursive: true })
    const probe = resolve(dir, `.write-test-${randomBytes(4).toString('hex')}`)
    writeFileSync(probe, '')
    rmSync(probe, { force: true })
  } catch (error) {
    if (error instanceof StudioError) throw error
    throw new StudioError('invalid-request', `${option} ${dir} cannot be written: ${why(error)}.`)
  }
  return dir
}

export interface OutputTarget {
  readonly dir: string
  readonly stem: string
  /** The extension without its dot, lower case. */
  readonly ext: string
}

/**
 * `--out FILE`: its folder is writable, it is not a folder itself, its extension is one the task writes.
 * @throws StudioError invalid-request.
 */
export function outputTarget(out: string, formats: readonly string[], what: string): OutputTarget {
  const file = resolve(out)
  let stat: ReturnType<typeof statSync>
  try {
    stat = statSync(file, { throwIfNoEntry: false })
  } catch (error) {
    throw new StudioError('invalid-request', `--out ${file} cannot be written: ${why(error)}.`)
  }
  if (stat?.isDirectory()) {
    throw new StudioError(
      'invalid-request',
      `--out ${file} is a folder; name a file inside it, e.g. ${file}/out.${formats[0]}.`
    )
  }
  const ext = extname(file).slice(1).toLowerCase()
  if (!formats.includes(ext)) {
    throw new StudioError(
      'invalid-request',
      `--out must end in ${formats.map((f) => `.${f}`).join(' or ')} for ${what}${ext ? ` (not .${ext})` : ''}.`
    )
  }
  const stem = basename(file, extname(file))
  if (stem.length === 0 || stem.length > 200) {
    throw new StudioError(
      'invalid-request',
      '--out names a file of 1–200 characters before its extension.'
    )
  }
  return { dir: writableFolder(dirname(file), '--out'), stem, ext }
}

/**
 * Files a job writing `<stem>.<ext>` into `dir` would replace: `stem.ext`, `stem-N.ext` (a batch) and
 * their `-trajectory` files (any extension).
 */
export function existingOutputs(target: OutputTarget): string[] {
  const escaped = target.stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const ext = target.ext.replace(/[^a-z0-9]/gi, '')
  const pattern = new RegExp(`^${escaped}(-\\d+)?(\\.${ext}|-trajectory\\.[a-z0-9]+)$`, 'i')
  try {
    return readdirSync(target.dir)
      .filter((name) => pattern.test(name))
      .map((name) => join(target.dir, name))
  } catch {
    return []
  }
}
