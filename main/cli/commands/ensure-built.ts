import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot, rendererDir } from '../../platform/paths'

function run(command: string, args: string[]): boolean {
  // stdout stays clean for the line that carries the web host's URL.
  return spawnSync(command, args, { cwd: projectRoot, stdio: ['ignore', 2, 2] }).status === 0
}

/**
 * Builds what is missing: the renderer for the web host (`serve`, `start` without Electron); everything
 * for Electron. A fresh checkout has neither, and `npm start` / `npm run serve` must work on it.
 * @throws Error when the build fails.
 */
export function ensureBuilt(forElectron: boolean): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  if (forElectron && !existsSync(join(projectRoot, 'out', 'main', 'index.js'))) {
    if (!run(npm, ['run', 'build'])) throw new Error('npm run build failed')
  } else if (!existsSync(join(rendererDir(), 'index.html'))) {
    process.stderr.write('The renderer is not built yet: building it (npm run build:renderer)…\n')
    if (!run(npm, ['run', 'build:renderer'])) throw new Error('npm run build:renderer failed')
  }
}
