// The staging app folder of `dist`: what electron-builder packages, apart from the checkout.
// electron-builder rebuilds native modules for Electron's ABI in the app folder it is given; when that
// folder is the checkout, the checkout's own better-sqlite3 stops loading in Node (CLI, web host, tests).
// So `dist` copies the electron-vite bundle and only the packages it imports at run time, for one
// platform and architecture, into a folder of its own, and electron-builder rebuilds and packs there.
import { builtinModules } from 'node:module'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { StudioError } from '../../contract'

/** What one package is built for: Node's `process.platform` and `process.arch` names. */
export interface DistTarget {
  readonly platform: 'linux' | 'darwin' | 'win32'
  readonly arch: 'x64' | 'arm64'
  /** Linux only: the C library of the machines it will run on (the build machine's). */
  readonly libc?: 'glibc' | 'musl'
}

/** The machine this runs on, as a target. */
export function hostTarget(arch: DistTarget['arch'] = hostArch()): DistTarget {
  const platform = process.platform
  if (platform !== 'linux' && platform !== 'darwin' && platform !== 'win32') {
    throw new StudioError(
      'runtime-failure',
      `Installers are built on Linux, macOS or Windows, not ${platform}.`
    )
  }
  if (platform !== 'linux') return { platform, arch }
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } })
    .header
  return { platform, arch, libc: header?.glibcVersionRuntime ? 'glibc' : 'musl' }
}

function hostArch(): DistTarget['arch'] {
  if (process.arch === 'x64' || process.arch === 'arm64') return process.arch
  throw new StudioError(
    'runtime-failure',
    `Installers are built for x64 or arm64, not ${process.arch}.`
  )
}

interface PackageJson {
  name: string
  version: string
  description?: string
  author?: string | { name: string; email?: string; url?: string }
  homepage?: string
  license?: string
  main?: string
  type?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  os?: string[]
  cpu?: string[]
  libc?: string[]
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson
}

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
}

const builtins = new Set(builtinModules)
const importPattern =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s*)["']([^"'\n]+)["']/g

/** The package a bare module specifier names: `@scope/name/x` → `@scope/name`; null for paths and built-ins. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.includes(':')) return null
  const parts = specifier.split('/')
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
  return builtins.has(name) || name === 'electron' ? null : name
}

/** What of out/ the app does not run: the renderer holds no imports, out/cli is the command line's bundle. */
const notApp = (outDir: string, file: string): boolean =>
  ['renderer', 'cli'].some((folder) => relative(outDir, file).startsWith(folder + sep))

/**
 * The npm packages the electron-vite bundle loads at run time (everything else is bundled), read from
 * its import statements, `import()` and `require()` calls: the packages an installed app must carry.
 */
export function runtimePackages(outDir: string): string[] {
  const names = new Set<string>()
  const code = filesUnder(outDir, (name) => /\.(c|m)?js$/.test(name)).filter(
    (file) => !notApp(outDir, file)
  )
  for (const file of code) {
    for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const name = packageOf(match[1]!)
      if (name) names.add(name)
    }
  }
  return [...names].sort()
}

const platforms = ['darwin', 'linux', 'linuxmusl', 'win32', 'freebsd'] as const
const arches = ['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'wasm32'] as const
/** `darwin-arm64`, `linuxmusl-x64`, …: the key npm platform packages and binary folders are named by. */
function targetKey(target: DistTarget): string {
  const platform =
    target.platform === 'linux' && target.libc === 'musl' ? 'linuxmusl' : target.platform
  return `${platform}-${target.arch}`
}

/** Whether a package's `os`, `cpu` and `libc` fields (npm's own) allow it on the target. */
export function packageFits(
  pkg: Pick<PackageJson, 'os' | 'cpu' | 'libc'>,
  target: DistTarget
): boolean {
  const allows = (list: string[] | undefined, value: string | undefined): boolean => {
    if (!list || list.length === 0 || value === undefined) return true
    const denied = list.filter((v) => v.startsWith('!')).map((v) => v.slice(1))
    const wanted = list.filter((v) => !v.startsWith('!'))
    return !denied.includes(value) && (wanted.length === 0 || wanted.includes(value))
  }
  return (
    allows(pkg.os, target.platform) &&
    allows(pkg.cpu, target.arch) &&
    allows(pkg.libc, target.platform === 'linux' ? target.libc : undefined)
  )
}

/**
 * Whether a path inside a package is another platform's binary folder (`bin/napi-v6/darwin/arm64/…`,
 * as onnxruntime-node ships every platform in one package): a `<platform>/<arch>` pair of folders that
 * is not the target's.
 */
export function isForeignBinaryPath(pathInPackage: string, target: DistTarget): boolean {
  const parts = pathInPackage.split(/[\\/]/)
  for (let i = 0; i + 1 < parts.length; i++) {
    const [platform, arch] = [parts[i]!, parts[i + 1]!]
    if (
      (platforms as readonly string[]).includes(platform) &&
      (arches as readonly string[]).includes(arch)
    ) {
      const key = `${platform === 'linuxmusl' ? 'linuxmusl' : platform}-${arch}`
      const wanted = targetKey(target)
      // A glibc build also reads `linux` folders; a musl build reads `linuxmusl` ones first.
      if (key !== wanted && !(target.platform === 'linux' && key === `linux-${target.arch}`)) {
        return true
      }
    }
  }
  return false
}

/** Where Node would find package `name` when required from `fromDir` (nested node_modules first). */
function resolvePackageDir(name: string, fromDir: string, root: string): string | null {
  let dir = fromDir
  for (;;) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dir === root) return null
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

export interface StagedPackage {
  readonly name: string
  readonly version: string
  /** Its folder relative to the staging root, `node_modules/…`. */
  readonly path: string
}

export interface StageResult {
  readonly dir: string
  readonly packages: readonly StagedPackage[]
}

/**
 * Writes the app folder electron-builder packages for `target` into `stageDir` (empty or absent):
 * `out/` without source maps, a package.json with the runtime dependencies only, and node_modules with
 * those packages and their dependencies copied from `root`'s, each only where npm's `os`/`cpu`/`libc`
 * fields allow the target and without other platforms' binary folders.
 * @throws StudioError runtime-failure when out/ is missing, when the bundle loads a package that
 *   package.json does not list in `dependencies` or that is not installed, or when a package's binaries
 *   for the target are not installed (a platform package npm installed for this machine only).
 */
export function stageApp(root: string, stageDir: string, target: DistTarget): StageResult {
  const outDir = join(root, 'out')
  if (!existsSync(join(outDir, 'main', 'index.js'))) {
    throw new StudioError(
      'runtime-failure',
      'out/main/index.js is missing: run `npm run build` first.'
    )
  }
  const app = readPackage(root)
  const direct = runtimePackages(outDir)
  const undeclared = direct.filter((name) => !app.dependencies?.[name])
  if (undeclared.length > 0) {
    throw new StudioError(
      'runtime-failure',
      `The bundle in out/ loads ${undeclared.join(', ')} at run time, but package.json does not list ${undeclared.length > 1 ? 'them' : 'it'} in dependencies.`
    )
  }

  mkdirSync(stageDir, { recursive: true })
  cpSync(outDir, join(stageDir, 'out'), {
    recursive: true,
    // out/cli is the command line's bundle, not part of the app.
    filter: (source) => !source.endsWith('.map') && relative(outDir, source) !== 'cli'
  })
  const stagedPackage: PackageJson = {
    name: app.name,
    version: app.version,
    description: app.description,
    author: app.author,
    homepage: app.homepage,
    license: app.license,
    main: app.main,
    type: app.type,
    dependencies: Object.fromEntries(direct.map((name) => [name, app.dependencies![name]!]))
  }
  writeFileSync(join(stageDir, 'package.json'), JSON.stringify(stagedPackage, null, 2) + '\n')

  const staged = new Map<string, StagedPackage>()
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const dir = resolvePackageDir(name, fromDir, root)
    if (!dir) {
      if (optional) return
      throw new StudioError(
        'runtime-failure',
        `${name} is not installed: run \`npm install\` first.`
      )
    }
    const path = relative(root, dir)
    if (staged.has(path)) return
    const pkg = readPackage(dir)
    if (!packageFits(pkg, target)) return
    const platformPackages = Object.keys(pkg.optionalDependencies ?? {}).filter((dep) =>
      new RegExp(`-(${platforms.join('|')})-(${arches.join('|')})$`).test(dep)
    )
    const missing = platformPackages.filter(
      (dep) => dep.endsWith('-' + targetKey(target)) && !resolvePackageDir(dep, dir, root)
    )
    if (missing.length > 0) {
      throw new StudioError(
        'runtime-failure',
        `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed, so a ${targetKey(target)} package cannot be built here: build it on that platform, or run \`npm install --os=${target.platform} --cpu=${target.arch}\` first.`
      )
    }
    staged.set(path, { name, version: pkg.version, path })
    cpSync(dir, join(stageDir, path), {
      recursive: true,
      filter: (source) => {
        const inside = relative(dir, source)
        const top = inside.split(sep)[0]
        return top !== 'node_modules' && !isForeignBinaryPath(inside, target)
      }
    })
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false)
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true)
  }
  for (const name of direct) visit(name, root, false)
  return {
    dir: stageDir,
    packages: [...staged.values()].sort((a, b) => (a.path < b.path ? -1 : 1))
  }
}
