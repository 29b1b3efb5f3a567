import { fork } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { EngineRequest } from '../contract'
import { engineEnv } from '../platform/engine-env'

/** Main's handle on an engine host process, whatever started it (Node fork or Electron utilityProcess). */
export interface EngineProcess {
  readonly pid: number | undefined
  send(request: EngineRequest): void
  onMessage(listener: (raw: unknown) => void): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
  /** Spawn or channel errors (EAGAIN, EPIPE); the client kills the process and fails its job. */
  onError?(listener: (error: Error) => void): void
  /** The host's last lines of console output (kept for crash reports), newest last. */
  recentOutput?(): string[]
  kill(): void
}

export type SpawnEngine = () => EngineProcess

/**
 * The engine host's script: beside this code in the CLI's bundle (out/cli/engine-host.mjs, built with
 * it), or the TypeScript sources through tsx when this file runs as TypeScript (tests, STUDIO_FROM_SOURCE).
 */
export function engineHostEntry(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(
    /\.[cm]?ts$/.test(new URL(moduleUrl).pathname)
      ? new URL('../engine/host/entry.mjs', moduleUrl)
      : new URL('./engine-host.mjs', moduleUrl)
  )
}

/** Whether the engine's own console output (and native libraries' traces) should be shown. */
export const verboseEngine = (): boolean => /^(1|true|yes)$/i.test(process.env.STUDIO_VERBOSE ?? '')

/**
 * Follows a child's output: lines of the studio's own (`[engine] …`) always go to `write`; native traces
 * (Dawn/Vulkan probing a GPU that is not there, ORT warnings) only when verbose. The last lines are kept.
 */
export function followOutput(
  streams: readonly (NodeJS.ReadableStream | null | undefined)[],
  write: (line: string) => void,
  verbose = verboseEngine()
): () => string[] {
  const recent: string[] = []
  for (const stream of streams) {
    if (!stream) continue
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line)
      if (recent.length > 40) recent.shift()
      if (verbose || line.startsWith('[engine]')) write(line)
    })
  }
  return () => [...recent]
}

/**
 * Forks the engine host as a Node process (web host, CLI, tests), with structured-clone messages (so
 * previews cross as bytes) and only the environment it needs.
 */
export const spawnNodeEngine: SpawnEngine = () => nodeEngineSpawner(engineHostEntry())()

/** A spawner of Node engine hosts from `entry` (bench:startup compares the sources' entry and the bundle's). */
export const nodeEngineSpawner =
  (entry: string): SpawnEngine =>
  () => {
    const child = fork(entry, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: engineEnv(),
      serialization: 'advanced'
    })
    const recent = followOutput([child.stdout, child.stderr], (line) =>
      process.stderr.write(line + '\n')
    )
    return {
      get pid() {
        return child.pid
      },
      send: (request) => {
        if (child.connected) child.send(request)
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
      onError: (listener) => child.on('error', listener),
      recentOutput: recent,
      kill: () => child.kill('SIGKILL')
    }
  }
