import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Option, type Command } from 'commander'
import { StudioError } from '../../contract'
import { projectRoot } from '../../platform/paths'
import type { DistReply, DistRequest } from './dist-worker'

export interface DistOptions {
  /** Only the unpacked app folder (`linux-unpacked/`, …), no installer. */
  readonly dir?: boolean
  readonly arch?: 'x64' | 'arm64'
  /** An unpacked Electron (or a folder holding its zip) instead of downloading one. */
  readonly electronDist?: string
  /** false: keep native modules as installed (for a stand-in Electron: Electron cannot load them). */
  readonly rebuild?: boolean
  /** Where installers go (default dist/). */
  readonly output?: string
}

/** Failures that mean something could not be downloaded: what electron-builder printed or threw. */
const offline =
  /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|network connectivity|net::ERR_|unable to get local issuer/i

/** One sentence for a failed build: what failed, and when the cause is the network, what to do. */
export function failureSentence(reply: { message: string; output: string }): string {
  const first = reply.message.split('\n').find((line) => line.trim() !== '') ?? 'no reason given'
  const what = first.trim().replace(/[.:]$/, '')
  if (offline.test(reply.message) || offline.test(reply.output)) {
    return `electron-builder failed (${what}): it downloads Electron, Electron's headers for the native-module rebuild and its packaging tools on first use, and this machine could not reach them, so build installers where there is network access (README, "Installers").`
  }
  return `electron-builder failed: ${what}.`
}

/** The worker: out/cli/dist-worker.mjs beside the bundled CLI, or its TypeScript source through tsx. */
const fromSource = /\.[cm]?ts$/.test(new URL(import.meta.url).pathname)
const workerEntry = fileURLToPath(
  new URL(fromSource ? './dist-worker.ts' : './dist-worker.mjs', import.meta.url)
)

/**
 * `npm run dist`: installers for this OS (or, with `dir`, the unpacked app) from the electron-vite build
 * in out/, packaged from a staging folder so the checkout's node_modules is never rebuilt for Electron.
 * Prints each artifact (or unpacked folder) on stdout, electron-builder's log and the sizes on stderr.
 * @throws StudioError runtime-failure (exit 5) whenever electron-builder fails, offline included, or the
 *   package would not run (a native file inside app.asar, another OS's binary, a library not found).
 */
export async function dist(options: DistOptions = {}): Promise<number> {
  const request: DistRequest = {
    root: projectRoot,
    stageDir: mkdtempSync(join(tmpdir(), 'diffusion-studio-stage-')),
    output: resolve(options.output ?? join(projectRoot, 'dist')),
    dir: options.dir === true,
    ...(options.arch ? { arch: options.arch } : {}),
    ...(options.electronDist ? { electronDist: resolve(options.electronDist) } : {}),
    rebuild: options.rebuild !== false
  }
  const child = fork(workerEntry, [JSON.stringify(request)], {
    execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
    // stdout stays for the artifacts' paths; electron-builder's log goes to stderr.
    stdio: ['ignore', 2, 2, 'ipc'],
    cwd: projectRoot
  })
  let reply: DistReply | undefined
  child.on('message', (message) => (reply = message as DistReply))
  const ended = await new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.on('exit', (code, signal) => done({ code, signal }))
  )
  rmSync(request.stageDir, { recursive: true, force: true })
  if (!reply) {
    throw new StudioError(
      'runtime-failure',
      `electron-builder stopped without a result (${ended.signal ? `signal ${ended.signal}` : `exit code ${ended.code}`}).`
    )
  }
  if (!reply.ok) {
    throw new StudioError('runtime-failure', reply.own ? reply.message : failureSentence(reply))
  }
  if (ended.code !== 0) {
    throw new StudioError('runtime-failure', `electron-builder exited with code ${ended.code}.`)
  }
  const lines = [...reply.artifacts, ...(request.dir ? reply.packages.map((p) => p.appOutDir) : [])]
  if (lines.length === 0)
    throw new StudioError('runtime-failure', 'electron-builder wrote nothing.')
  for (const line of lines) process.stdout.write(line + '\n')
  const { describeSizes } = await import('./dist-inspect')
  for (const p of reply.packages) process.stderr.write(describeSizes(p.label, p.sizes) + '\n')
  return 0
}

export function registerDistCommand(program: Command, exit: (code: number) => void): void {
  program
    .command('dist')
    .description('installers for this OS with electron-builder (after npm run build)')
    .option('--dir', 'only the unpacked app folder, no installer')
    .addOption(
      new Option('--arch <arch>', 'the CPU the package is for (default: this one)').choices([
        'x64',
        'arm64'
      ])
    )
    .option(
      '--electron-dist <folder>',
      'an unpacked Electron (or a folder with its zip) instead of downloading one'
    )
    .option(
      '--no-rebuild',
      'keep native modules as installed instead of rebuilding them for Electron (the package is then for layout checks only)'
    )
    .option('--output <folder>', 'where installers go (default: dist/ in the checkout)')
    .option(
      '--bench',
      'measure instead: npm run build and dist --dir against a stand-in Electron, timed, with the sizes; tables go to docs/benchmarks.md'
    )
    .action(async (options: DistOptions & { bench?: boolean }) => {
      if (!options.bench) return exit(await dist(options))
      const [{ runPackageBench }, { writeSection }] = await Promise.all([
        import('./dist-bench'),
        import('./bench')
      ])
      const { markdown } = await runPackageBench(dist)
      process.stdout.write(markdown + '\n')
      await writeSection(
        'package',
        'Package: size per target and build time',
        'npm run bench:package',
        markdown
      )
      exit(0)
    })
}
