// Paths a user gives on the command line, checked before any work: a clear typed error instead of a
// stack trace (a file where a folder should be, a folder where a file should be, /proc, no permission).
import { readdirSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { StudioError } from '../contract'
import { usableFolder, why } from '../platform/paths'

/**
 * A folder the studio will write into: created if missing, and proven writable (the one check every
 * folder a user names gets: platform/paths.ts usableFolder).
 * @throws StudioError invalid-request naming the option and the reason.
 */
export const writableFolder = (path: string, option: string): string => usableFolder(path, option)

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
  // Checked now, created only once the whole command has been accepted (a refused one leaves nothing).
  return { dir: usableFolder(dirname(file), '--out', 'check'), stem, ext }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Names in `target.dir` that match `^stem(-N)?.ext<tail>$`. */
function matching(target: OutputTarget, tail: string): string[] {
  const ext = target.ext.replace(/[^a-z0-9]/gi, '')
  const pattern = new RegExp(`^${escape(target.stem)}(-\\d+)?\\.${ext}${tail}$`, 'i')
  try {
    return readdirSync(target.dir)
      .filter((name) => pattern.test(name))
      .map((name) => join(target.dir, name))
  } catch {
    return []
  }
}

/**
 * Outputs a job writing `<stem>.<ext>` would replace: `stem.ext` and `stem-N.ext` (a batch). Side files
 * (`stem.ext.trajectory.xyz`) are not outputs: they never refuse a job.
 */
export const existingOutputs = (target: OutputTarget): string[] => matching(target, '')

/** Side files of this job's outputs left by an earlier run (their output gone), which the job replaces. */
export const staleSideFiles = (target: OutputTarget): string[] =>
  matching(target, '\\.trajectory\\.[a-z0-9]+')

/**
 * Every file a job writing `<stem>.<ext>` can leave: outputs, side files and the hidden temporary files
 * of the atomic writes (`.<name>.<hex>.tmp`), with their modification times.
 */
export function jobFiles(target: OutputTarget): Map<string, number> {
  const ext = target.ext.replace(/[^a-z0-9]/gi, '')
  const name = `${escape(target.stem)}(-\\d+)?\\.${ext}(\\.trajectory\\.[a-z0-9]+)?`
  const pattern = new RegExp(`^(${name}|\\.${name}\\.[0-9a-f]+\\.tmp)$`, 'i')
  const found = new Map<string, number>()
  try {
    for (const entry of readdirSync(target.dir)) {
      if (!pattern.test(entry)) continue
      const path = join(target.dir, entry)
      found.set(path, statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0)
    }
  } catch {
    // No folder yet: nothing there.
  }
  return found
}
