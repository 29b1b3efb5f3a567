import { homedir, platform } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// Where things live. Environment variables override every default, which is how Electron (packaged
// resources) and the tests (temporary folders) point the studio elsewhere.

/** The checkout's root, from this file's location (main/platform/paths.ts). */
export const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')

/** The per-user data folder: history, settings, outputs, models. Same folder Electron's userData uses. */
export function dataDir(): string {
  if (process.env.STUDIO_DATA_DIR) return resolve(process.env.STUDIO_DATA_DIR)
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

export function modelRoots(): ModelRoots {
  return {
    starter: resolve(
      process.env.STUDIO_STARTER_DIR ?? join(projectRoot, 'native-models', 'starter')
    ),
    user: resolve(process.env.STUDIO_MODELS_DIR ?? join(dataDir(), 'models'))
  }
}

/** The built renderer served by the web host and loaded by Electron. */
export function rendererDir(): string {
  return resolve(process.env.STUDIO_RENDERER_DIR ?? join(projectRoot, 'out', 'renderer'))
}
