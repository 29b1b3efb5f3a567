// What `dist` checks in the folder electron-builder wrote (`linux-unpacked/`, `win-unpacked/`, `mac/…app`)
// before it reports success: native code loads only from outside app.asar (the dynamic loader cannot
// read an archive), nothing is built for another OS, every shared library an addon links resolves
// inside the package or to the C/C++ runtime every desktop has, and addons that are not N-API carry
// Electron's ABI. Also the sizes `dist` prints.
import { getRawHeader } from '@electron/asar'
import { spawnSync } from 'node:child_process'
import {
  closeSync,
  existsSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync
} from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import type { DistTarget } from './dist-stage'

export type BinaryFormat = 'elf' | 'mach-o' | 'pe'

/** The executable format a file's first bytes announce, or null for anything else. */
export function binaryFormat(head: Uint8Array, name: string): BinaryFormat | null {
  const [a, b, c, d] = head
  if (a === 0x7f && b === 0x45 && c === 0x4c && d === 0x46) return 'elf'
  const magic = ((a ?? 0) << 24) | ((b ?? 0) << 16) | ((c ?? 0) << 8) | (d ?? 0)
  const machO = [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].map((m) => m | 0)
  // 0xcafebabe is also a Java class file: count it only with a binary's name.
  if (machO.includes(magic) || (magic === (0xcafebabe | 0) && !name.endsWith('.class'))) {
    return 'mach-o'
  }
  if (a === 0x4d && b === 0x5a && /\.(exe|dll|node|sys)$/i.test(name)) return 'pe'
  return null
}

const nativeName = /\.(node|so(\.\d+)*|dylib|dll|exe)$/i

export const formatOf: Record<DistTarget['platform'], BinaryFormat> = {
  linux: 'elf',
  darwin: 'mach-o',
  win32: 'pe'
}

export interface AsarFile {
  /** Path inside the archive, with `/`. */
  readonly path: string
  readonly size: number
  /** Stored in app.asar.unpacked beside the archive rather than in it. */
  readonly unpacked: boolean
  /** Byte offset of the file's data in the archive (packed files). */
  readonly offset: number
}

interface HeaderNode {
  files?: Record<string, HeaderNode>
  size?: number
  offset?: string
  unpacked?: boolean
  link?: string
}

/** Every file in an asar archive, from its header (@electron/asar). */
export function asarFiles(archive: string): { files: AsarFile[]; dataOffset: number } {
  const { header, headerSize } = getRawHeader(archive)
  const files: AsarFile[] = []
  const walk = (node: HeaderNode, prefix: string): void => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name
      if (child.files) walk(child, path)
      else if (child.link === undefined) {
        files.push({
          path,
          size: child.size ?? 0,
          unpacked: child.unpacked === true,
          offset: Number(child.offset ?? 0)
        })
      }
    }
  }
  walk(header as HeaderNode, '')
  // Layout: an 8-byte size pickle, the header pickle, then the files' data.
  return { files, dataOffset: 8 + headerSize }
}

function readHead(path: string, position = 0, length = 4): Buffer {
  const buffer = Buffer.alloc(length)
  const fd = openSync(path, 'r')
  try {
    readSync(fd, buffer, 0, length, position)
  } finally {
    closeSync(fd)
  }
  return buffer
}

function walkFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0
  if (!lstatSync(dir).isDirectory()) return lstatSync(dir).size
  return walkFiles(dir).reduce((sum, file) => sum + lstatSync(file).size, 0)
}

/** `node_register_module_v<N>` (ABI N) or `napi_register_module_v1` (N-API), read from an addon's bytes. */
export function addonAbi(bytes: Buffer): number | 'napi' | null {
  const text = bytes.toString('latin1')
  const node = /node_register_module_v(\d+)/.exec(text)
  if (node) return Number(node[1])
  return text.includes('napi_register_module_v1') ? 'napi' : null
}

/** The C and C++ runtime every Linux desktop has: an addon may link these from the system. */
const baseLibrary =
  /^(linux-vdso|linux-gate|ld-linux[\w.-]*|libc|libm|libdl|librt|libpthread|libutil|libresolv|libstdc\+\+|libgcc_s)\.so/

export interface LinkedLibrary {
  readonly name: string
  /** Where the dynamic loader finds it (ldd), or null when it does not. */
  readonly path: string | null
}

/** The shared libraries `file` loads, as the dynamic loader resolves them (`ldd`), or null without ldd. */
export function linkedLibraries(file: string): LinkedLibrary[] | null {
  const result = spawnSync('ldd', [file], { encoding: 'utf8', env: { PATH: process.env.PATH } })
  if (result.error || result.status !== 0) return null
  const libraries: LinkedLibrary[] = []
  for (const line of result.stdout.split('\n')) {
    const arrow = /^\s*(\S+)\s+=>\s+(not found|(\S+))/.exec(line)
    if (arrow) libraries.push({ name: arrow[1]!, path: arrow[3] ? resolve(arrow[3]) : null })
    else {
      const direct = /^\s*(\S+)\s+\(0x/.exec(line)
      if (direct) libraries.push({ name: direct[1]!.split('/').pop()!, path: direct[1]! })
    }
  }
  return libraries
}

export interface NativeFile {
  /** Path relative to app.asar.unpacked. */
  readonly path: string
  readonly abi: number | 'napi' | null
  readonly links: readonly LinkedLibrary[] | null
}

export interface PackageSizes {
  /** Everything electron-builder wrote for this target, in bytes. */
  readonly total: number
  readonly asar: number
  readonly unpacked: number
  readonly starter: number
  /** Electron itself (the rest). */
  readonly electron: number
}

export interface Inspection {
  readonly resourcesDir: string
  readonly sizes: PackageSizes
  readonly asar: readonly AsarFile[]
  readonly natives: readonly NativeFile[]
  /** Faults: `dist` fails on any. */
  readonly problems: readonly string[]
  /** Things a person must know (for instance: addons left at Node's ABI by --no-rebuild). */
  readonly warnings: readonly string[]
}

/** resources/ of a packaged app (Contents/Resources in a macOS bundle). */
export function resourcesDirOf(appOutDir: string): string {
  const bundle = readdirSync(appOutDir).find((name) => name.endsWith('.app'))
  return bundle ? join(appOutDir, bundle, 'Contents', 'Resources') : join(appOutDir, 'resources')
}

export interface InspectOptions {
  /** Electron's NODE_MODULE_VERSION: every addon that is not N-API must carry it. */
  readonly electronAbi: number
  /** false when `dist --no-rebuild` left addons as installed (their ABI mismatch is then a warning). */
  readonly rebuilt: boolean
}

/**
 * Checks a packaged app folder for `target` (see the file comment).
 * @returns sizes, the asar listing, the native files with their ABI and linked libraries, problems and
 *   warnings; ldd runs only on Linux for the machine's own architecture (`links` is null otherwise).
 */
export function inspectPackage(
  appOutDir: string,
  target: DistTarget,
  options: InspectOptions
): Inspection {
  const resourcesDir = resourcesDirOf(appOutDir)
  const archive = join(resourcesDir, 'app.asar')
  const unpackedDir = archive + '.unpacked'
  const problems: string[] = []
  const warnings: string[] = []
  const wanted = formatOf[target.platform]

  const { files: asar, dataOffset } = existsSync(archive)
    ? asarFiles(archive)
    : { files: [], dataOffset: 0 }
  if (!existsSync(archive)) problems.push('resources/app.asar is missing.')
  for (const file of asar) {
    if (file.unpacked) continue
    const format =
      file.size >= 4 ? binaryFormat(readHead(archive, dataOffset + file.offset), file.path) : null
    if (nativeName.test(file.path) || format) {
      problems.push(
        `${file.path} is inside app.asar, where the dynamic loader cannot open it (asarUnpack).`
      )
    }
    if (format && format !== wanted) {
      problems.push(`${file.path} is a ${format} binary in a ${target.platform} package.`)
    }
  }
  for (const file of walkFiles(appOutDir)) {
    if (file === archive) continue
    const format = binaryFormat(readHead(file), file)
    if (format && format !== wanted) {
      problems.push(
        `${relative(appOutDir, file)} is a ${format} binary in a ${target.platform} package.`
      )
    }
  }

  const canLdd =
    target.platform === 'linux' && process.platform === 'linux' && target.arch === process.arch
  const natives: NativeFile[] = []
  for (const file of walkFiles(unpackedDir)) {
    const path = relative(unpackedDir, file)
    if (!nativeName.test(path) && !binaryFormat(readHead(file), path)) continue
    const abi = path.endsWith('.node') ? addonAbi(readFileSync(file)) : null
    const links = canLdd ? linkedLibraries(file) : null
    natives.push({ path, abi, links })
    if (typeof abi === 'number' && abi !== options.electronAbi) {
      const message = `${path} is built for Node ABI ${abi}, not Electron's ${options.electronAbi}`
      if (options.rebuilt) problems.push(`${message}: the rebuild for Electron did not take.`)
      else {
        warnings.push(
          `${message} (--no-rebuild): Electron cannot load it, so this package is for checking the layout only.`
        )
      }
    }
    for (const library of links ?? []) {
      if (library.path === null) {
        problems.push(`${path} links ${library.name}, which the dynamic loader cannot find.`)
      } else if (
        !baseLibrary.test(library.name) &&
        !resolve(library.path).startsWith(resolve(unpackedDir) + sep)
      ) {
        problems.push(
          `${path} links ${library.name} from ${library.path}, outside the package (only the C/C++ runtime may come from the system).`
        )
      }
    }
  }

  const total = bytesUnder(appOutDir)
  const asarBytes = existsSync(archive) ? lstatSync(archive).size : 0
  const unpacked = bytesUnder(unpackedDir)
  const starter = bytesUnder(join(resourcesDir, 'starter'))
  return {
    resourcesDir,
    sizes: {
      total,
      asar: asarBytes,
      unpacked,
      starter,
      electron: total - asarBytes - unpacked - starter
    },
    asar,
    natives,
    problems,
    warnings
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`

/** One line: `linux-x64 package: 180.2 MB unpacked (app.asar 3.1 MB, native 70.0 MB, models 61.0 MB, Electron 0.1 MB)`. */
export function describeSizes(label: string, sizes: PackageSizes): string {
  return `${label} package: ${mb(sizes.total)} unpacked (app.asar ${mb(sizes.asar)}, app.asar.unpacked ${mb(sizes.unpacked)}, starter models ${mb(sizes.starter)}, Electron ${mb(sizes.electron)})`
}
