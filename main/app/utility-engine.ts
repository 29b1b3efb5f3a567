// The engine host as an Electron utility process, behind main's EngineProcess interface. Only a type comes
// from `electron`, so plain Node tests can pass a fake `fork`.
import type { utilityProcess } from 'electron'
import { followOutput, type EngineProcess, type SpawnEngine } from '../jobs/engine-process'
import { engineEnv } from '../platform/engine-env'

/** The shape of `utilityProcess.fork`. */
export type ForkUtility = typeof utilityProcess.fork

/** A SpawnEngine that forks `entry` (the bundled engine host) with `fork` each time it is called. */
export function utilityEngineSpawner(fork: ForkUtility, entry: string): SpawnEngine {
  return (): EngineProcess => {
    const child = fork(entry, [], {
      serviceName: 'Diffusion Studio engine',
      stdio: 'pipe',
      // The engine needs no tokens, proxies or NODE_OPTIONS: it gets only what onnxruntime needs.
      env: engineEnv()
    })
    const recent = followOutput([child.stdout, child.stderr], (line) => console.error(line))
    return {
      get pid() {
        return child.pid
      },
      send: (request) => child.postMessage(request),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      recentOutput: recent,
      kill: () => void child.kill()
    }
  }
}
