import {
  RemoteErrorSchema,
  StudioError,
  decodeFrame,
  frameContentType,
  type Verb
} from '../contract'
import { asErrorCode } from './errors'
import {
  createStudioClient,
  type ConnectionState,
  type StudioClient,
  type Transport
} from './studio-client'

/**
 * StudioApi over the web host protocol (`diffusion-studio serve`):
 *
 * - every verb is `POST /api/<verb>` with header `x-studio-token` and body `{"request": …}` (the key is left
 *   out for verbs without an argument); the answer is `{"result": …}` (2xx) or `{"error": {code, message}}`;
 *   an answer holding bytes (`exportArtifacts`) comes as one binary frame (contract/frames.ts) of
 *   `{"result": …}`, content type `application/vnd.diffusion-studio.frame`;
 * - job events arrive on `WebSocket /api/events?token=…`, one JobEvent per message: JSON text, or a binary
 *   frame (contract/frames.ts) when it carries bytes (a preview); model events (download progress and
 *   outcomes) on the same socket wrapped as `{"stream": "model", "event": …}`; the socket is opened with
 *   the first listener, reconnects with exponential backoff, and closes with the last listener;
 * - inputs are uploaded raw: `POST /inputs?kind=…&name=…` with the token header; artifacts and inputs are
 *   read by URL (`/artifacts/<job>/<index>`, `/inputs/<ref>`) with the page's session cookie.
 */

export const TOKEN_HEADER = 'x-studio-token'
export const TOKEN_STORAGE_KEY = 'diffusion-studio.token'

type SocketLike = {
  binaryType?: string
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
  close(): void
}

export type WebClientOptions = {
  /** Origin of the web host, e.g. `http://127.0.0.1:41234`. */
  origin: string
  token: string
  fetch?: typeof fetch
  createSocket?: (url: string) => SocketLike
  backoff?: BackoffOptions
  /** Injected for tests. */
  setTimeout?: (fn: () => void, ms: number) => unknown
  clearTimeout?: (handle: unknown) => void
  random?: () => number
}

export type BackoffOptions = { initialMs: number; maxMs: number; factor: number; jitter: number }
export const defaultBackoff: BackoffOptions = {
  initialMs: 250,
  maxMs: 10_000,
  factor: 2,
  jitter: 0.2
}

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with ± jitter. */
export function backoffDelay(
  attempt: number,
  options = defaultBackoff,
  random = Math.random
): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt)
  const spread = base * options.jitter * (random() * 2 - 1)
  return Math.max(0, Math.round(base + spread))
}

/** `http://h:p` → `ws://h:p/api/events?token=…` (https → wss). */
export function eventsUrl(origin: string, token: string): string {
  const url = new URL('/api/events', origin)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('token', token)
  return url.toString()
}

/** The content type of an answer sent as a binary frame (it holds bytes). */
export const FRAME_TYPE = frameContentType

/** Turns one HTTP answer into a result or a StudioError carrying the host's code and message. */
export async function readAnswer(verb: Verb, response: Response): Promise<unknown> {
  let body: unknown
  try {
    body = response.headers.get('content-type')?.startsWith(FRAME_TYPE)
      ? decodeFrame(new Uint8Array(await response.arrayBuffer()))
      : await response.json()
  } catch {
    body = undefined
  }
  if (response.ok) {
    if (typeof body === 'object' && body !== null && 'result' in body) {
      return (body as { result: unknown }).result
    }
    throw new StudioError('internal', `The web host answered ${verb} without a result.`)
  }
  const tokenHint =
    'Open the address that `diffusion-studio serve` printed; it carries the access token.'
  const remote = RemoteErrorSchema.safeParse(body)
  if (remote.success) {
    const { code, message } = remote.data.error
    const known = asErrorCode(code)
    if (known === 'unauthorized') throw new StudioError(known, `${message} ${tokenHint}`)
    throw new StudioError(known ?? 'internal', known ? message : `${code}: ${message}`)
  }
  if (response.status === 401 || response.status === 403) {
    throw new StudioError(
      'unauthorized',
      `The web host refused ${verb} (HTTP ${response.status}). ${tokenHint}`
    )
  }
  throw new StudioError('internal', `The web host answered ${verb} with HTTP ${response.status}.`)
}

export function webTransport(options: WebClientOptions): Transport & {
  onConnection: StudioClient['onConnection']
  close(): void
} {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const createSocket =
    options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const backoff = options.backoff ?? defaultBackoff
  const later = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms))
  const cancelLater =
    options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>))
  const random = options.random ?? Math.random

  const listeners = new Set<(raw: unknown) => void>()
  const connectionListeners = new Set<(state: ConnectionState, reconnected: boolean) => void>()
  let socket: SocketLike | null = null
  let timer: unknown = null
  let attempt = 0
  let everOpened = false
  let state: ConnectionState = 'connecting'

  const setState = (next: ConnectionState, reconnected = false) => {
    state = next
    for (const l of connectionListeners) l(next, reconnected)
  }

  const connect = () => {
    timer = null
    const s = createSocket(eventsUrl(options.origin, options.token))
    s.binaryType = 'arraybuffer'
    socket = s
    s.onopen = () => {
      if (socket !== s) return
      const reconnected = everOpened
      everOpened = true
      attempt = 0
      setState('open', reconnected)
    }
    s.onmessage = (message) => {
      if (socket !== s) return
      let raw: unknown
      try {
        if (typeof message.data === 'string') raw = JSON.parse(message.data)
        else if (message.data instanceof ArrayBuffer)
          raw = decodeFrame(new Uint8Array(message.data))
        else return
      } catch {
        console.warn('Dropped an event that could not be decoded')
        return
      }
      for (const l of listeners) l(raw)
    }
    s.onerror = () => {
      // onclose follows and schedules the reconnect.
    }
    s.onclose = () => {
      if (socket !== s) return
      socket = null
      if (listeners.size === 0) return
      setState(everOpened ? 'reconnecting' : 'connecting')
      timer = later(connect, backoffDelay(attempt++, backoff, random))
    }
  }

  const disconnect = () => {
    if (timer !== null) cancelLater(timer)
    timer = null
    const s = socket
    socket = null
    s?.close()
  }

  return {
    async call(verb, request) {
      let response: Response
      try {
        response = await doFetch(`${options.origin}/api/${verb}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: options.token },
          body: JSON.stringify(request === undefined ? {} : { request })
        })
      } catch (error) {
        throw new StudioError(
          'internal',
          `Cannot reach the web host at ${options.origin}; is \`diffusion-studio serve\` still running? (${String(error)})`
        )
      }
      return readAnswer(verb, response)
    },
    async upload(kind, bytes, name) {
      const query = new URLSearchParams({ kind, ...(name ? { name } : {}) })
      let response: Response
      try {
        response = await doFetch(`${options.origin}/inputs?${query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream', [TOKEN_HEADER]: options.token },
          body: bytes as BodyInit
        })
      } catch (error) {
        throw new StudioError(
          'internal',
          `Cannot reach the web host at ${options.origin} (${String(error)}).`
        )
      }
      return readAnswer('addInput', response)
    },
    subscribe(listener) {
      listeners.add(listener)
      if (!socket && timer === null) connect()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) disconnect()
      }
    },
    onConnection(listener) {
      connectionListeners.add(listener)
      listener(state, false)
      return () => connectionListeners.delete(listener)
    },
    close() {
      listeners.clear()
      disconnect()
    }
  }
}

/** The StudioApi of the web host, every answer and event parsed with the contract. */
export function createWebClient(options: WebClientOptions): StudioClient {
  const transport = webTransport(options)
  return createStudioClient(transport, 'web', transport.onConnection)
}

type LocationLike = { href: string }
type StorageLike = { getItem(k: string): string | null; setItem(k: string, v: string): void }
type HistoryLike = { replaceState(data: unknown, unused: string, url?: string): void }

/**
 * Reads the access token from `?token=` (then keeps it in sessionStorage and removes it from the address
 * bar, so it is not bookmarked, shared or logged), or from sessionStorage after a reload.
 */
export function takeToken(
  location: LocationLike,
  storage: StorageLike,
  history: HistoryLike
): string | null {
  const url = new URL(location.href)
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) {
    storage.setItem(TOKEN_STORAGE_KEY, fromQuery)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromQuery
  }
  return storage.getItem(TOKEN_STORAGE_KEY)
}
