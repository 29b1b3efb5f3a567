import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { EngineRequest } from '../contract'

/** Main's handle on an engine host process, whatever started it (Node fork or Electron utilityProcess). */
export interface EngineProcess {
  readonly pid: number | undefined
  send(request: EngineRequest): void
  onMessage(listener: (raw: unknown) => void): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
  /** Spawn or channel errors (EAGAIN, EPIPE); the client kills the process and fails its job. */
  onError?(listener: (error: Error) => void): void
  kill(): void
}

export type SpawnEngine = () => EngineProcess

const hostEntry = fileURLToPath(new URL('../engine/host/entry.mjs', import.meta.url))

/** Forks the engine host as a Node process (web host, CLI, tests). Its stdout goes to our stderr. */
export const spawnNodeEngine: SpawnEngine = () => {
  const child = fork(hostEntry, [], {
    stdio: ['ignore', 2, 'inherit', 'ipc'],
    env: process.env,
    serialization: 'json'
  })
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
    kill: () => child.kill('SIGKILL')
  }
}
