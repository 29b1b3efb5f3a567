import type { EngineMessage } from '../../contract'

/** The engine host's side of its channel to main: a forked Node process or an Electron utility process. */
export interface HostPort {
  send(message: EngineMessage): void
  onMessage(listener: (raw: unknown) => void): void
}

interface ParentPort {
  postMessage(message: unknown): void
  on(event: 'message', listener: (event: { data: unknown }) => void): void
}

export function connectToParent(): HostPort {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data))
    }
  }
  if (!process.send)
    throw new Error('the engine host must be started by the studio (no IPC channel)')
  return {
    send: (message) => process.send?.(message),
    onMessage: (listener) => process.on('message', listener)
  }
}
