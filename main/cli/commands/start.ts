import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../platform/paths'
import type { Command } from 'commander'
import { ensureBuilt } from './ensure-built'

/** The Electron binary's path, or why there is none. Never triggers a download by itself. */
export function findElectronBinary(): { path: string } | { missing: string } {
  const pkg = join(projectRoot, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return { missing: 'the Electron binary is not installed' }
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` }
}

function hasDisplay(): boolean {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

/** `npm start`: the Electron app; where the binary is missing (or no display), the web host. */
export async function start(args: string[]): Promise<number> {
  let electron = findElectronBinary()
  if ('missing' in electron && hasDisplay() && !process.env.STUDIO_NO_ELECTRON_DOWNLOAD) {
    process.stderr.write(
      `Electron: ${electron.missing}; trying to download it (npx install-electron)…\n`
    )
    spawnSync(process.execPath, [join(projectRoot, 'node_modules', 'electron', 'install.js')], {
      stdio: 'inherit',
      timeout: 120_000
    })
    electron = findElectronBinary()
  }
  if ('path' in electron && hasDisplay()) {
    ensureBuilt(true)
    const child = spawn(electron.path, [projectRoot, ...args], { stdio: 'inherit' })
    return await new Promise((done) => child.on('exit', (code) => done(code ?? 0)))
  }
  const why = 'missing' in electron ? electron.missing : 'there is no display'
  process.stderr.write(`Electron cannot start here (${why}); starting the web host instead.\n`)
  const { serve } = await import('./serve')
  return serve({})
}

export function registerStartCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('start')
    .description('the Electron app, or the web host where Electron cannot start')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_values: unknown, command: Command) => exit(await start(command.args)))
}
