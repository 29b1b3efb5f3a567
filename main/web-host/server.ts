import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { StudioError, errorTitles, type ErrorCode } from '../contract'
import type { Studio } from '../app/studio'
import { createDispatch, createHandlers } from '../ipc/handlers'
import { readStatic } from './static-files'

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
  close(): Promise<void>
}

const maxBody = 1 << 20
const httpStatus: Partial<Record<ErrorCode, number>> = {
  'invalid-request': 400,
  'unknown-model': 404,
  'unknown-sampler': 400,
  'unknown-job': 404,
  'not-found': 404,
  'bad-input': 400,
  unauthorized: 403
}

const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
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

function sameToken(expected: string, given: string | undefined | null): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieToken(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === name) return value.join('=')
  }
  return undefined
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...securityHeaders })
  res.end(JSON.stringify(body))
}

function sendError(res: ServerResponse, error: unknown): void {
  const typed = StudioError.from(error)
  if (typed.code === 'internal') console.error('[web-host]', error)
  send(res, httpStatus[typed.code] ?? 500, {
    error: { code: typed.code, title: errorTitles[typed.code], message: typed.message }
  })
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBody) throw new StudioError('invalid-request', 'Request body over 1 MiB.')
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new StudioError('invalid-request', 'Request body is not JSON.')
  }
}

/**
 * The web host: the same contract as Electron IPC over HTTP + WebSocket, bound to 127.0.0.1 only,
 * with a random per-run token. Pages and the event socket accept the token from the URL or from the
 * cookie set on first load; API calls need it in the `x-studio-token` header, which a cross-site page
 * cannot send, and a Host header naming the loopback address (against DNS rebinding).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const dispatch = createDispatch(createHandlers(options.studio))
  let port = 0
  const cookieName = () => `studio_token_${port}`
  const hostOk = (req: IncomingMessage): boolean =>
    req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`

  const server = createServer((req, res) => {
    void (async () => {
      const url = requestUrl(req, port)
      if (!url) return send(res, 400, { error: { code: 'invalid-request', message: 'Bad URL.' } })
      if (!hostOk(req))
        return send(res, 403, { error: { code: 'unauthorized', message: 'Bad Host header.' } })
      if (url.pathname.startsWith('/api/')) {
        if (req.method !== 'POST')
          return send(res, 405, { error: { code: 'invalid-request', message: 'Use POST.' } })
        if (!sameToken(token, req.headers['x-studio-token'] as string | undefined)) {
          return send(res, 403, {
            error: { code: 'unauthorized', message: 'Missing or wrong token.' }
          })
        }
        try {
          const body = await readJson(req)
          const request =
            body && typeof body === 'object' ? (body as { request?: unknown }).request : undefined
          const result = await dispatch(url.pathname.slice('/api/'.length), request)
          return send(res, 200, { result })
        } catch (error) {
          return sendError(res, error)
        }
      }
      const queryToken = url.searchParams.get('token')
      if (!sameToken(token, queryToken) && !sameToken(token, cookieToken(req, cookieName()))) {
        res.writeHead(403, { 'content-type': 'text/plain', ...securityHeaders })
        return res.end(
          'Forbidden: open the URL with its token, as printed by `diffusion-studio serve`.\n'
        )
      }
      const file = await readStatic(options.rendererDir, url.pathname)
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain', ...securityHeaders })
        return res.end(
          url.pathname === '/'
            ? 'The renderer is not built: run `npm run build:renderer`.\n'
            : 'Not found.\n'
        )
      }
      res.writeHead(200, {
        'content-type': file.mime,
        'set-cookie': `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        ...securityHeaders
      })
      res.end(file.body)
    })().catch((error: unknown) => {
      console.error('[web-host] request failed:', error)
      if (!res.headersSent) sendError(res, error)
      else res.destroy()
    })
  })

  const sockets = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = requestUrl(req, port)
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
      return
    }
    const originOk =
      !req.headers.origin ||
      req.headers.origin === `http://127.0.0.1:${port}` ||
      req.headers.origin === `http://localhost:${port}`
    const authorised =
      sameToken(token, url.searchParams.get('token')) ||
      sameToken(token, cookieToken(req, cookieName()))
    if (url.pathname !== '/api/events' || !hostOk(req) || !originOk || !authorised) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => sockets.emit('connection', ws))
  })
  const broadcast = (text: string) => {
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(text)
  }
  // Job events go out as they are (the format clients already parse); model events are wrapped as
  // {stream: 'model', event}, which no job event can be mistaken for (job events have no `stream`).
  const stopJobs = options.studio.queue.on((event) => broadcast(JSON.stringify(event)))
  const stopModels = options.studio.downloads.on((event) =>
    broadcast(JSON.stringify({ stream: 'model', event }))
  )
  const unsubscribe = () => {
    stopJobs()
    stopModels()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
