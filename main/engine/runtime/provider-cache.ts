// The execution-provider probe, kept per machine and onnxruntime version (`providers.json` in the data
// folder). A probe of a missing provider costs an engine start 0.1–0.5 s (CUDA's libraries searched and
// refused, Dawn enumerating Vulkan adapters that are not there), so a start skips the providers this
// machine is known to lack and probes only the ones that may work. The record is keyed by what their
// availability depends on (onnxruntime's version and native files, the OS and CPU, the NVIDIA driver's
// version and the GPUs it lists, the library search paths and, on Linux, the dynamic linker's cache, which
// installing CUDA or a Vulkan driver rewrites); any change, or `diffusion-studio info --reprobe`, probes
// everything again.
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { arch, cpus, hostname, platform, totalmem } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { ProviderProbeSchema, type ProviderName, type ProviderProbe } from '../../contract'
import { nvidiaGpuNames } from './device-names'
import { platformGate } from './providers'

const RecordSchema = z.object({
  key: z.string(),
  probedAt: z.string(),
  providers: z.array(ProviderProbeSchema)
})
export type ProbeRecord = z.infer<typeof RecordSchema>

/** Folder names, or [] when the folder is absent. */
function names(dir: string): string[] {
  try {
    return readdirSync(dir).sort()
  } catch {
    return []
  }
}

/** A file's first line ('' when it cannot be read): the NVIDIA driver's version line. */
function firstLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n', 1)[0] ?? ''
  } catch {
    return ''
  }
}

/** onnxruntime-node's native folder for this platform (its binding and provider libraries). */
function defaultOrtBinDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json')
    return join(dirname(pkg), 'bin', `napi-v6`, platform(), arch())
  } catch {
    return ''
  }
}

/**
 * What decides which providers load here, as one short digest: onnxruntime's version, OS, CPU and
 * memory, onnxruntime-node's native files, the NVIDIA driver's version and the GPUs it lists, the library search paths (LD_LIBRARY_PATH, CUDA_PATH, …;
 * PATH on Windows), the Vulkan driver manifests and, on Linux, the mtime of /etc/ld.so.cache.
 */
export function probeKey(
  onnxruntime: string,
  env: NodeJS.ProcessEnv = process.env,
  { driverFile = '/proc/driver/nvidia/version', ortBinDir = defaultOrtBinDir() } = {}
): string {
  const os = platform()
  const ldCache =
    os === 'linux' ? statSync('/etc/ld.so.cache', { throwIfNoEntry: false }) : undefined
  const facts = [
    `onnxruntime ${onnxruntime}`,
    // The provider libraries onnxruntime-node carries (a reinstall may swap them under one version).
    `ort files ${names(ortBinDir)
      .map((name) => `${name}:${statSync(join(ortBinDir, name), { throwIfNoEntry: false })?.size}`)
      .join(',')}`,
    `driver ${firstLine(driverFile)}`,
    `${os}-${arch()} ${hostname()}`,
    `${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${totalmem()} B`,
    `gpus ${nvidiaGpuNames().join(', ')}`,
    ...['LD_LIBRARY_PATH', 'DYLD_LIBRARY_PATH', 'CUDA_PATH', 'CUDA_HOME', 'VK_ICD_FILENAMES'].map(
      (name) => `${name}=${env[name] ?? ''}`
    ),
    os === 'win32' ? `PATH=${env.PATH ?? env.Path ?? ''}` : '',
    `ld.so.cache ${ldCache?.mtimeMs ?? 'none'}`,
    `vulkan ${['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d'].flatMap(names).join(',')}`
  ]
  return createHash('sha256').update(facts.join('\n')).digest('hex').slice(0, 32)
}

const platforms: readonly NodeJS.Platform[] = ['linux', 'darwin', 'win32']

/** The providers a probe found missing here, with its reasons, read from and written to `file`. */
export class ProviderProbeCache {
  readonly #file: string
  readonly #key: string

  constructor(file: string, key: string) {
    this.#file = file
    this.#key = key
  }

  /** The last probe on this machine and onnxruntime version; undefined when there is none or it is older. */
  read(): ProbeRecord | undefined {
    try {
      const parsed = RecordSchema.safeParse(JSON.parse(readFileSync(this.#file, 'utf8')))
      return parsed.success && parsed.data.key === this.#key ? parsed.data : undefined
    } catch {
      return undefined
    }
  }

  /** Providers a probe found missing here → the reason it gave (not the ones the OS rules out, not the untried). */
  missing(): Map<ProviderName, string> {
    const known = new Map<ProviderName, string>()
    for (const p of this.read()?.providers ?? []) {
      if (p.available || !p.reason || p.reason.startsWith('not tried')) continue
      if (platforms.some((os) => platformGate(p.name, os) === p.reason)) continue
      known.set(p.name, p.reason)
    }
    return known
  }

  /**
   * Records a probe's results: what it tried replaces what was known; providers it did not try keep
   * their earlier result. Written whole or not at all; a read-only data folder only costs the next start
   * its probes.
   */
  write(providers: readonly ProviderProbe[]): void {
    const before = new Map((this.read()?.providers ?? []).map((p) => [p.name, p]))
    const merged = providers.map(({ cached: _cached, ...p }) =>
      p.reason?.startsWith('not tried') && before.has(p.name) ? before.get(p.name)! : p
    )
    const record: ProbeRecord = {
      key: this.#key,
      probedAt: new Date().toISOString(),
      providers: merged
    }
    const temporary = `${this.#file}.${process.pid}.tmp`
    try {
      mkdirSync(dirname(this.#file), { recursive: true })
      writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n')
      renameSync(temporary, this.#file)
    } catch {
      rmSync(temporary, { force: true })
    }
  }

  /** Forgets the probe (`info --reprobe`). */
  clear(): void {
    rmSync(this.#file, { force: true })
  }
}
