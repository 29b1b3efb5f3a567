import { randomBytes } from 'node:crypto'
import {
  accessSync,
  constants,
  mkdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { homedir, platform } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StudioError } from '../contract'

// Where things live. Environment variables override every default, which is how Electron (packaged
// resources) and the tests (temporary folders) point the studio elsewhere. Every folder named from
// outside (a flag, an environment variable, the platform's default) passes one check before use.

/** The checkout's root, from this file's location (main/platform/paths.ts). */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')

const pseudo = /^\/(proc|sys|dev)(\/|$)/

/** A file-system error in words ("permission denied", "the disk is full"). */
export function why(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
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

/** The deepest part of `dir` that exists (itself, or an ancestor), as the file system resolves it. */
function existingAncestor(dir: string): { path: string; real: string; isDirectory: boolean } {
  let path = dir
  for (;;) {
    const s = statSync(path, { throwIfNoEntry: false })
    if (s) return { path, real: realpathSync(path), isDirectory: s.isDirectory() }
    const parent = dirname(path)
    if (parent === path) return { path, real: path, isDirectory: true }
    path = parent
  }
}

/**
 * A folder the studio uses, named by `name` (a flag such as `--data-dir`, or an environment variable such as
 * `STUDIO_DATA_DIR`). 'write': created if missing (one level at a time, never Node's recursive mkdir, which
 * spins forever under /proc) and proven writable; 'check': the same checks, nothing created (the folder, or
 * the part of it that exists, must be writable); 'read': it must exist. System folders (/proc, /sys, /dev,
 * also through links) and files are refused before anything is created.
 * @throws StudioError invalid-request naming `name`, the path and the reason.
 */
export function usableFolder(
  path: string,
  name: string,
  mode: 'write' | 'check' | 'read' = 'write'
): string {
  const dir = resolve(path)
  const refuse = (reason: string) => new StudioError('invalid-request', `${name} ${dir} ${reason}`)
  try {
    const base = existingAncestor(dir)
    const system = [dir, base.real].find((p) => pseudo.test(p))
    if (system) {
      throw refuse(`is inside a system folder (${system.split('/')[1]}); pick a normal folder.`)
    }
    if (!base.isDirectory) {
      throw refuse(
        base.path === dir
          ? 'is a file, not a folder.'
          : `cannot be used: ${base.path} is a file, not a folder.`
      )
    }
    if (mode === 'read') {
      if (base.path !== dir) throw refuse('does not exist.')
    } else if (mode === 'check') {
      accessSync(base.path, constants.W_OK)
    } else {
      const missing: string[] = []
      for (let p = dir; p !== base.path; p = dirname(p)) missing.unshift(p)
      for (const p of missing) {
        try {
          mkdirSync(p)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        }
      }
      const probe = join(dir, `.write-test-${randomBytes(4).toString('hex')}`)
      writeFileSync(probe, '')
      rmSync(probe, { force: true })
    }
  } catch (error) {
    if (error instanceof StudioError) throw error
    throw refuse(`cannot be ${mode === 'read' ? 'read' : 'written'}: ${why(error)}.`)
  }
  return dir
}

/**
 * The per-user data folder: history, settings, outputs, models. Same folder Electron's userData uses;
 * `STUDIO_DATA_DIR` overrides it. Checked by usableFolder ('check': nothing is created until the studio
 * writes there, and then safely, since the part that exists is a real, writable folder).
 * @throws StudioError invalid-request when the folder cannot be used.
 */
export function dataDir(): string {
  const named = process.env.STUDIO_DATA_DIR
  if (named) return usableFolder(named, 'STUDIO_DATA_DIR', 'check')
  return usableFolder(defaultDataDir(), 'The data folder', 'check')
}

function defaultDataDir(): string {
  const home = homedir()
  switch (platform()) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'diffusion-studio')
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'diffusion-studio')
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'diffusion-studio')
  }
}

export interface ModelRoots {
  /** Bundled starter models, read-only. */
  readonly starter: string
  /** Models the user imported or downloaded. */
  readonly user: string
}

/** The model roots; folders named by STUDIO_STARTER_DIR (must exist) and STUDIO_MODELS_DIR are checked. */
export function modelRoots(): ModelRoots {
  const starter = process.env.STUDIO_STARTER_DIR
  const user = process.env.STUDIO_MODELS_DIR
  return {
    starter: starter
      ? usableFolder(starter, 'STUDIO_STARTER_DIR', 'read')
      : join(projectRoot, 'native-models', 'starter'),
    user: user ? usableFolder(user, 'STUDIO_MODELS_DIR', 'check') : join(dataDir(), 'models')
  }
}

/** The built renderer served by the web host and loaded by Electron. */
export function rendererDir(): string {
  return resolve(process.env.STUDIO_RENDERER_DIR ?? join(projectRoot, 'out', 'renderer'))
}
