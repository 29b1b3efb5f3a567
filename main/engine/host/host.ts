// The engine host process: owns onnxruntime-node, runs one job at a time, reports typed updates.
// A crash here (a native abort in ORT, out of memory) never takes main down: main restarts it.
// It says it is ready as soon as it can take requests; onnxruntime and the pipelines (requests.ts) load
// right after, and requests that come meanwhile wait for them in order.
import type { EngineMessage } from '../../contract'
import { connectToParent } from './port'

const port = connectToParent()
const loading = import('./requests').then(({ handleRequests }) => handleRequests(port))
port.onMessage((raw) => {
  loading.then(
    (handle) => handle(raw),
    (error: unknown) => refuse(raw, error)
  )
})

/** When the engine's code cannot load (a broken onnxruntime install), every request says why. */
function refuse(raw: unknown, error: unknown): void {
  const message = `The engine could not load: ${error instanceof Error ? error.message : String(error)}. Reinstall the studio (npm ci).`
  const request = raw as { type?: unknown; jobId?: unknown; requestId?: unknown } | null
  const failure = { code: 'runtime-failure', message } as const
  let reply: EngineMessage | undefined
  if (request?.type === 'run' && typeof request.jobId === 'string') {
    reply = { type: 'job', jobId: request.jobId, update: { type: 'failed', error: failure } }
  } else if (request?.type === 'info' && typeof request.requestId === 'string') {
    reply = { type: 'reply', requestId: request.requestId, error: failure }
  }
  if (reply) port.send(reply)
}

// Main decides what Ctrl+C means (cancel between calls); the host only leaves when main goes away.
process.on('SIGINT', () => undefined)
process.on('disconnect', () => process.exit(0))

port.send({ type: 'ready', pid: process.pid })
