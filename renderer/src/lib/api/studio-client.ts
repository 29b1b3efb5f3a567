import {
  JobEventSchema,
  ModelEventSchema,
  StudioError,
  artifactPath,
  describeIssues,
  inputPath,
  checkInputSize,
  invokeContract,
  verbs,
  type InputInfo,
  type InputKind,
  type JobEvent,
  type ModelEvent,
  type StudioApi,
  type Verb,
  type VerbRequest,
  type VerbResponse
} from '../contract'
import { toStudioError } from './errors'

/**
 * The raw, untrusted side of a transport: it moves a verb's request out and brings back whatever came in.
 * `createStudioClient` turns it into a StudioApi whose every answer and event has been parsed with the
 * contract's schemas, and whose every failure is a StudioError.
 */
export interface Transport {
  call(verb: Verb, request: unknown): Promise<unknown>
  /** Uploads an input's bytes; the answer is parsed as an InputInfo. */
  upload(kind: InputKind, bytes: Uint8Array, name: string | undefined): Promise<unknown>
  /**
   * Every event message of both streams: a job event as is, a model event wrapped as
   * `{ stream: 'model', event }` (the web host's wire format).
   */
  subscribe(listener: (raw: unknown) => void): () => void
}

/** A model event's envelope on the event link; job events travel bare (they have no `stream`). */
export function modelEnvelope(raw: unknown): { event: unknown } | null {
  if (typeof raw !== 'object' || raw === null) return null
  const { stream, event } = raw as { stream?: unknown; event?: unknown }
  return stream === 'model' ? { event } : null
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting'

/** A StudioApi plus what the UI wants to know about the link itself (only the web client has a link). */
export type StudioClient = StudioApi & {
  readonly transport: 'electron' | 'web'
  /** Reports the event link's state; `reconnected` is true when it comes back after a drop. */
  onConnection(listener: (state: ConnectionState, reconnected: boolean) => void): () => void
  /** Where artifact `index` of a job is served (same origin as the page on both transports). */
  artifactUrl(jobId: string, index: number): string
  /** Where a stored input's bytes are served. */
  inputUrl(ref: string): string
  /** Stores a file (dropped, pasted or picked) in the input store and returns what it is. */
  putInput(kind: InputKind, file: Blob, name?: string): Promise<InputInfo>
}

/** Parses one verb's answer with the contract; a malformed answer is the host's fault, not the user's. */
export function parseResponse<V extends Verb>(verb: V, raw: unknown): VerbResponse<V> {
  const schema = invokeContract[verb].response
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    throw new StudioError(
      'internal',
      `The studio sent a malformed answer to ${verb}: ${describeIssues(parsed.error)}`
    )
  }
  return parsed.data as VerbResponse<V>
}

/** Parses one job event; returns null (and logs) for anything that does not match the contract. */
export function parseJobEvent(raw: unknown): JobEvent | null {
  const parsed = JobEventSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  console.warn('Dropped a malformed job event:', describeIssues(parsed.error))
  return null
}

/** Parses one model event; returns null (and logs) for anything that does not match the contract. */
export function parseModelEvent(raw: unknown): ModelEvent | null {
  const parsed = ModelEventSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  console.warn('Dropped a malformed model event:', describeIssues(parsed.error))
  return null
}

export function createStudioClient(
  transport: Transport,
  kind: 'electron' | 'web',
  onConnection: StudioClient['onConnection'] = () => () => {}
): StudioClient {
  const api = {} as Record<Verb, (request: unknown) => Promise<unknown>>
  for (const verb of verbs) {
    api[verb] = async (request: unknown) => {
      let raw: unknown
      try {
        raw = await transport.call(verb, request)
      } catch (error) {
        throw toStudioError(error)
      }
      return parseResponse(verb, raw)
    }
  }
  const typed = api as unknown as { [V in Verb]: (r: VerbRequest<V>) => Promise<VerbResponse<V>> }
  return {
    ...typed,
    transport: kind,
    onJobEvent(listener) {
      return transport.subscribe((raw) => {
        if (modelEnvelope(raw)) return
        const event = parseJobEvent(raw)
        if (event) listener(event)
      })
    },
    onModelEvent(listener) {
      return transport.subscribe((raw) => {
        const envelope = modelEnvelope(raw)
        if (!envelope) return
        const event = parseModelEvent(envelope.event)
        if (event) listener(event)
      })
    },
    onConnection,
    artifactUrl: (jobId, index) => artifactPath(jobId, index),
    inputUrl: (ref) => inputPath(ref),
    async putInput(kind, file, name) {
      let raw: unknown
      try {
        // Refused by its size before it is read (File.size needs no read), as main does.
        checkInputSize(kind, file.size, name)
        const bytes = new Uint8Array(await file.arrayBuffer())
        raw = await transport.upload(kind, bytes, name)
      } catch (error) {
        throw toStudioError(error)
      }
      return parseResponse('addInput', raw)
    }
  }
}

/** The Electron preload's `window.studio` seen as a transport, so its answers get parsed too. */
export function electronTransport(studio: StudioApi): Transport {
  const byVerb = studio as unknown as Record<Verb, (request: unknown) => Promise<unknown>>
  return {
    call: (verb, request) => byVerb[verb](request),
    upload: (kind, bytes, name) => studio.addInput({ kind, bytes, ...(name ? { name } : {}) }),
    subscribe: (listener) => {
      const stopJobs = studio.onJobEvent((event) => listener(event))
      const stopModels = studio.onModelEvent((event) => listener({ stream: 'model', event }))
      return () => {
        stopJobs()
        stopModels()
      }
    }
  }
}
