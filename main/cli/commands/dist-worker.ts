// The child process `dist` runs electron-builder in. electron-builder registers async-exit-hook, whose
// `beforeExit` handler calls process.exit(0): in the CLI's own process that turned every failed build
// into exit code 0. Here the outcome goes to the parent as a message and this process ends with an
// explicit exit code of its own.
import { readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { AfterPackContext, Configuration } from 'electron-builder'
import { StudioError } from '../../contract'
import { builder } from '../../../electron.config'
import { inspectPackage, type PackageSizes } from './dist-inspect'
import { hostTarget, stageApp, type DistTarget } from './dist-stage'

/** What the parent passes (JSON in argv[2]). */
export interface DistRequest {
  readonly root: string
  readonly stageDir: string
  readonly output: string
  readonly dir: boolean
  readonly arch?: DistTarget['arch']
  readonly electronDist?: string
  readonly rebuild: boolean
}

/** What the worker sends back before it exits. */
export type DistReply =
  | {
      readonly ok: true
      readonly artifacts: readonly string[]
      readonly packages: readonly {
        readonly label: string
        readonly appOutDir: string
        readonly sizes: PackageSizes
      }[]
    }
  | {
      readonly ok: false
      readonly message: string
      readonly output: string
      /** The studio's own check failed (staging, inspection): its message is the sentence. */
      readonly own: boolean
    }

/** The last 64 KiB this process printed: some failures are explained only in what a tool printed. */
let printed = ''
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed = (printed + String(chunk)).slice(-65536)
    return write(chunk, ...rest)
  }) as typeof stream.write
}

function electronVersionOf(root: string): string {
  const pkg = JSON.parse(
    readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')
  ) as { version: string }
  return pkg.version
}

async function electronAbiOf(version: string): Promise<number> {
  const { getAbi } = await import('node-abi')
  return Number(getAbi(version, 'electron'))
}

/** The project's configuration with the staging folder's paths made absolute and this run's choices. */
function configFor(
  request: DistRequest,
  electronVersion: string,
  afterPack: (context: AfterPackContext) => Promise<void>
): Configuration {
  const fromRoot = (path: string): string => resolve(request.root, path)
  const extraResources = (
    builder.extraResources as { from: string; to: string; filter: string[] }[]
  ).map((entry) => ({ ...entry, from: fromRoot(entry.from) }))
  return {
    ...builder,
    electronVersion,
    ...(request.electronDist ? { electronDist: resolve(request.electronDist) } : {}),
    npmRebuild: request.rebuild,
    directories: {
      ...builder.directories,
      output: resolve(request.output),
      buildResources: fromRoot(builder.directories!.buildResources!)
    },
    extraResources,
    icon: fromRoot(builder.icon as string),
    linux: { ...builder.linux, icon: fromRoot(builder.linux!.icon as string) },
    afterPack
  }
}

async function run(request: DistRequest): Promise<DistReply> {
  const target = hostTarget(request.arch)
  const label = `${target.platform}-${target.arch}`
  rmSync(request.stageDir, { recursive: true, force: true })
  const staged = stageApp(request.root, request.stageDir, target)
  process.stderr.write(
    `dist: staged ${staged.packages.length} runtime packages for ${label} in ${staged.dir}\n`
  )
  const electronVersion = electronVersionOf(request.root)
  const electronAbi = await electronAbiOf(electronVersion)
  const packages: { label: string; appOutDir: string; sizes: PackageSizes }[] = []
  const afterPack = async (context: AfterPackContext): Promise<void> => {
    const inspection = inspectPackage(context.appOutDir, target, {
      electronAbi,
      rebuilt: request.rebuild
    })
    for (const warning of inspection.warnings) process.stderr.write(`warning: ${warning}\n`)
    if (inspection.problems.length > 0) {
      for (const problem of inspection.problems) process.stderr.write(`problem: ${problem}\n`)
      throw new StudioError(
        'runtime-failure',
        `the ${label} package would not run: ${inspection.problems[0]}${inspection.problems.length > 1 ? ` (and ${inspection.problems.length - 1} more above)` : ''}`
      )
    }
    packages.push({ label, appOutDir: context.appOutDir, sizes: inspection.sizes })
  }
  const { Arch, Platform, build } = await import('electron-builder')
  const platform = Platform.fromString(target.platform)
  const artifacts = await build({
    projectDir: staged.dir,
    config: configFor(request, electronVersion, afterPack),
    targets: platform.createTarget(request.dir ? 'dir' : null, Arch[target.arch]),
    publish: 'never'
  })
  return { ok: true, artifacts, packages }
}

/** Every line of an error, its stack and causes: what a failure is classified by. */
function describeError(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.stack ?? current.message)
      current = current.cause
    } else {
      parts.push(String(current))
      break
    }
  }
  return parts.join('\n')
}

const request = JSON.parse(process.argv[2] ?? '{}') as DistRequest
let reply: DistReply
try {
  reply = await run(request)
} catch (error) {
  const message = error instanceof Error ? error.message : String(error)
  reply = {
    ok: false,
    message,
    output: `${describeError(error)}\n${printed}`,
    own: error instanceof StudioError
  }
} finally {
  rmSync(request.stageDir, { recursive: true, force: true })
}
process.send!(reply, () => process.exit(reply.ok ? 0 : 1))
