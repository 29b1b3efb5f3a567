// The engine host as an Electron utility process, behind main's EngineProcess interface. Only a type comes
// from `electron`, so plain Node tests can pass a fake `fork`.
import type { utilityProcess } from 'electron'
import type { EngineProcess, SpawnEngine } from '../jobs/engine-process'

/** The shape of `utilityProcess.fork`. */
export type ForkUtility = typeof utilityProcess.fork

/** A SpawnEngine that forks `entry` (the bundled engine host) with `fork` each time it is called. */
export function utilityEngineSpawner(fork: ForkUtility, entry: string): SpawnEngine {
  return (): EngineProcess => {
    const child = fork(entry, [], {
      serviceName: 'Diffusion Studio engine',
      stdio: 'inherit'
    })
    return {
      get pid() {
        return child.pid
      },
      send: (request) => child.postMessage(request),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      kill: () => void child.kill()
    }
  }
}
