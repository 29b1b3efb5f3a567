import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  InputKindSchema,
  StudioError,
  encodeFrame,
  frameContentType,
  errorTitles,
  hasBytes,
  inputSizeCaps,
  type ErrorCode
} from '../contract'
import {
  artifactFile,
  inputFile,
  parseFileRoute,
  parseRange,
  type ServedFile
} from '../ipc/artifacts'
import { createDispatch, createHandlers } from '../ipc/handlers'
import type { Studio } from '../ipc/studio'
import { throttleSteps } from '../ipc/step-throttle'
import { pageWithNonce, rendererCsp } from '../platform/csp'
import { readStatic } from '../platform/static-files'

export interface WebHostOptions {
  readonly studio: Studio
  readonly rendererDir: string
  /** 0 picks a free port. */
  readonly port: number
  readonly token?: string
}

export interface WebHost {
  readonly url: string
  readonly port: number
  readonly token: string
  /** The HTTP server's limits as set on it, milliseconds (read back from the server). */
  readonly timeouts: {
    readonly headersMs: number
    readonly requestMs: number
    readonly keepAliveMs: number
  }
  close(): Promise<void>
}

/**
 * Explicit limits instead of Node's defaults (up to ~90 s for headers, 300 s per request): a client gets
 * 10 s to send its headers and 120 s to send a whole request (a 64 MiB upload over loopback takes well under
 * a second); an idle kept-alive connection closes after 5 s. Handlers may take longer to answer (an import
 * copies gigabytes): these bound what the client sends, not the answer.
 */
export const httpTimeouts = { headersMs: 10_000, requestMs: 120_000, keepAliveMs: 5_000 } as const

/** JSON API bodies: far below anything legitimate would need. */
const maxBody = 1 << 20
/**
 * A body over its cap is still read (and dropped) up to this many bytes, so a client that is still writing
 * reads the refusal instead of a broken pipe; past it the connection is closed.
 */
const maxDrain = 256 << 20
/** WebSocket messages from a client (it sends none the host needs): tiny. */
const maxSocketMessage = 4 << 10

/** HTTP status per error code: model and input problems are 4xx with their code; failures 5xx. */
export const httpStatus: Record<ErrorCode, number> = {
  'invalid-request': 400,
  'unknown-model': 404,
  'unknown-sampler': 400,
  'unknown-job': 404,
  'bad-input': 400,
  'model-missing': 409,
  'model-corrupt': 422,
  'model-mismatch': 422,
  'provider-unavailable': 503,
  'out-of-memory': 507,
  'engine-crashed': 500,
  'runtime-failure': 500,
  cancelled: 409,
  unauthorized: 403,
  'download-failed': 502,
  'hash-mismatch': 422,
  'disk-full': 507,
  gated: 403,
  'not-found': 404,
  'rate-limited': 429,
  'in-use': 409,
  internal: 500
}

const securityHeaders = {
  'content-security-policy': rendererCsp,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store'
}

/** The request's URL, or undefined for a target that does not parse (answered 400, never thrown). */
function requestUrl(req: IncomingMessage, port: number): URL | undefined {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
  } catch {
    return undefined
  }
}

function same(expected: string, given: string | undefined | null): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy()
  res.writeHead(status, { 'content-type': 'application/json', ...securityHeaders })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, error: unknown): void {
  const typed = StudioError.from(error)
  if (typed.code === 'internal') console.error('[web-host]', error)
  send(res, httpStatus[typed.code], {
    error: { code: typed.code, title: errorTitles[typed.code], message: typed.message }
  })
}

/** "4 MiB", "6.3 MiB", "32.0 MiB" (a size just over a whole one keeps its decimal), "12 KiB". */
const mib = (bytes: number) =>
  bytes >= 1 << 20
    ? `${bytes % (1 << 20) === 0 ? bytes / (1 << 20) : (bytes / (1 << 20)).toFixed(1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`

/**
 * A request body of at most `cap` bytes. One over it (declared, or counted while it streams) is refused
 * with `tooLarge(bytes)` only once the client has sent it all (the rest is read and dropped, up to
 * maxDrain), so a client still writing gets the answer, not a broken pipe.
 */
function readBody(
  req: IncomingMessage,
  cap: number,
  tooLarge: (bytes: number) => StudioError
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    const chunks: Buffer[] = []
    let size = 0
    let over = declared > cap
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (!over && size > cap) {
        over = true
        chunks.length = 0
      }
      if (!over) chunks.push(chunk)
      else if (size > cap + maxDrain) {
        // Too much to drain: answer now and close (this client may see a reset).
        req.removeAllListeners('data')
        req.pause()
        reject(Object.assign(tooLarge(Math.max(size, declared)), { closeAfter: true }))
      }
    })
    req.on('end', () =>
      over ? reject(tooLarge(Math.max(size, declared))) : resolve(Buffer.concat(chunks))
    )
    req.on('error', reject)
  })
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(
    req,
    maxBody,
    (bytes) =>
      new StudioError(
        'invalid-request',
        `The request body is ${mib(bytes)}, over the ${mib(maxBody)} of JSON an API request may carry. Send files (images, masks, point clouds, molecules) with POST /inputs?kind=… instead.`
      )
  )
  if (body.length === 0) return {}
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    throw new StudioError('invalid-request', 'Request body is not JSON.')
  }
}

/** Serves a file with its MIME type, honouring one byte range (206) or refusing a bad one (416). */
function serveFile(req: IncomingMessage, res: ServerResponse, file: ServedFile): void {
  const range = parseRange(req.headers.range, file.size)
  const headers = {
    ...securityHeaders,
    'content-type': file.mime,
    'accept-ranges': 'bytes',
    'content-disposition': `inline; filename="${file.name.replace(/[^\w.-]/g, '_')}"`
  }
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${file.size}` })
    return void res.end()
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 }
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': String(Math.max(0, end - start + 1)),
    ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {})
  })
  if (req.method === 'HEAD' || file.size === 0) return void res.end()
  const stream = createReadStream(file.path, { start, end })
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}

/**
 * The web host: the same contract as Electron IPC over HTTP + WebSocket, bound to 127.0.0.1 only,
 * with a random per-run token. The page is opened with the token in its URL and gets a separate,
 * random session cookie (HttpOnly, SameSite=Strict) for pages, files and the event socket; API calls
 * and uploads need the token in the `x-studio-token` header, which a cross-site page cannot send.
 * The Host header must name the loopback address (DNS rebinding); the socket's Origin must be ours.
 * Artifacts are served by URL (`/artifacts/<job>/<index>`, Range supported), inputs are uploaded raw
 * (`POST /inputs?kind=…`), and events with bytes (previews) travel as binary WebSocket frames.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const session = randomBytes(24).toString('base64url')
  const { studio } = options
  const dispatch = createDispatch(createHandlers(studio))
  let port = 0
  const cookieName = () => `studio_session_${port}`
  const hostOk = (req: IncomingMessage): boolean =>
    req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`
  const pageAuthorised = (req: IncomingMessage, url: URL) =>
    same(token, url.searchParams.get('token')) || same(session, cookieValue(req, cookieName()))
  const apiAuthorised = (req: IncomingMessage) =>
    same(token, req.headers['x-studio-token'] as string | undefined)

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req, port)
    if (!url) return send(res, 400, { error: { code: 'invalid-request', message: 'Bad URL.' } })
    if (!hostOk(req))
      return send(res, 403, { error: { code: 'unauthorized', message: 'Bad Host header.' } })
    if (url.pathname.startsWith('/api/') || (url.pathname === '/inputs' && req.method === 'POST')) {
      // The token first: without it, nothing about the API is answered (not even its methods).
      if (!apiAuthorised(req)) {
        return send(res, 403, {
          error: { code: 'unauthorized', message: 'Missing or wrong token.' }
        })
      }
      if (req.method !== 'POST')
        return send(res, 405, { error: { code: 'invalid-request', message: 'Use POST.' } })
      if (url.pathname === '/inputs') {
        const kind = InputKindSchema.safeParse(url.searchParams.get('kind'))
        if (!kind.success) {
          throw new StudioError(
            'invalid-request',
            `?kind= must be one of ${InputKindSchema.options.join(', ')}.`
          )
        }
        const cap = inputSizeCaps[kind.data]
        const bytes = await readBody(
          req,
          cap,
          (size) =>
            new StudioError(
              'bad-input',
              `The ${kind.data} upload is ${mib(size)}, over the ${mib(cap)} limit for a ${kind.data}.`
            )
        )
        const name = url.searchParams.get('name')?.slice(0, 255) ?? undefined
        return send(res, 200, { result: await studio.inputs.add(kind.data, bytes, name) })
      }
      const body = await readJson(req)
      const request =
        body && typeof body === 'object' ? (body as { request?: unknown }).request : undefined
      const result = await dispatch(url.pathname.slice('/api/'.length), request)
      // A result with bytes (exported files) goes as one binary frame, never as JSON numbers.
      if (hasBytes(result)) {
        res.writeHead(200, { 'content-type': frameContentType, ...securityHeaders })
        return void res.end(encodeFrame({ result }))
      }
      return send(res, 200, { result })
    }
    if (!pageAuthorised(req, url)) {
      res.writeHead(403, { 'content-type': 'text/plain', ...securityHeaders })
      return void res.end(
        'Forbidden: open the URL with its token, as printed by `diffusion-studio serve`.\n'
      )
    }
    const fileRoute = parseFileRoute(url.pathname)
    if (fileRoute) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return send(res, 405, { error: { code: 'invalid-request', message: 'Use GET.' } })
      }
      const file =
        fileRoute.kind === 'artifact'
          ? artifactFile(studio, fileRoute.jobId, fileRoute.index)
          : inputFile(studio, fileRoute.ref)
      return serveFile(req, res, file)
    }
    const file = await readStatic(options.rendererDir, url.pathname)
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain', ...securityHeaders })
      return void res.end(
        url.pathname === '/'
          ? 'The renderer is not built: run `npm run build:renderer`.\n'
          : 'Not found.\n'
      )
    }
    // A page gets its own style nonce (shadow-root <style>s: wavesurfer's cspNonce).
    const page = file.mime.startsWith('text/html') ? pageWithNonce(file.body) : undefined
    res.writeHead(200, {
      'content-type': file.mime,
      'set-cookie': `${cookieName()}=${session}; HttpOnly; SameSite=Strict; Path=/`,
      ...securityHeaders,
      ...(page ? { 'content-security-policy': page.csp } : {})
    })
    res.end(page?.body ?? file.body)
  }

  const server = createServer((req, res) => {
    req.on('error', () => res.destroy())
    res.on('error', () => undefined)
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      if ((error as { closeAfter?: boolean }).closeAfter) res.setHeader('connection', 'close')
      sendError(res, error)
    })
  })
  server.headersTimeout = httpTimeouts.headersMs
  server.requestTimeout = httpTimeouts.requestMs
  server.keepAliveTimeout = httpTimeouts.keepAliveMs
  server.on('clientError', (_error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
    else socket.destroy()
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxSocketMessage })
  sockets.on('error', (error) => console.error('[web-host] socket server:', error.message))
  sockets.on('connection', (ws: WebSocket) => {
    // A protocol violation (bad close code, oversized or malformed frame) closes that socket only.
    ws.on('error', () => ws.terminate())
    ws.on('message', () => undefined)
  })
  server.on('upgrade', (req, socket: Duplex, head) => {
    socket.on('error', () => socket.destroy())
    const url = requestUrl(req, port)
    if (!url) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
    const originOk =
      !req.headers.origin ||
      req.headers.origin === `http://127.0.0.1:${port}` ||
      req.headers.origin === `http://localhost:${port}`
    if (url.pathname !== '/api/events' || !hostOk(req) || !originOk || !pageAuthorised(req, url)) {
      return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => sockets.emit('connection', ws))
  })
  const broadcast = (message: unknown) => {
    const frame = hasBytes(message) ? encodeFrame(message) : JSON.stringify(message)
    for (const client of sockets.clients) {
      if (client.readyState === client.OPEN)
        client.send(frame, { binary: typeof frame !== 'string' })
    }
  }
  // Job events go out as they are (steps at most 20 a second per job); model events are wrapped as
  // {stream: 'model', event}.
  const jobEvents = throttleSteps((event) => broadcast(event))
  const stopQueue = studio.queue.on(jobEvents.listener)
  const stopJobs = () => {
    stopQueue()
    jobEvents.dispose()
  }
  const stopModels = studio.downloads.on((event) => broadcast({ stream: 'model', event }))

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StudioError(
              'in-use',
              `Port ${options.port} is in use; pick another with --port, or 0 for any free port.`
            )
          : error.code === 'EACCES'
            ? new StudioError(
                'invalid-request',
                `Port ${options.port} needs privileges; use a port above 1023.`
              )
            : new StudioError('runtime-failure', `The web host could not listen: ${error.message}.`)
      )
    })
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  server.on('error', (error) => console.error('[web-host]', error.message))
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    timeouts: {
      headersMs: server.headersTimeout,
      requestMs: server.requestTimeout,
      keepAliveMs: server.keepAliveTimeout
    },
    close: async () => {
      stopJobs()
      stopModels()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
