// One GET with redirects followed by hand: the Authorization header never leaves the hub's origin, and the
// hub's x-linked-etag / x-linked-size (sent on the redirect to its file store) are kept.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { route, type ProxyEnv } from './proxy'

export interface GetOptions {
  headers?: Record<string, string>
  /** Sent only to this origin (the hub), never to redirect targets elsewhere. */
  token?: { value: string; origin: string }
  env: ProxyEnv
  ca?: string | Buffer
  signal?: AbortSignal
  /** Abort when no byte arrives for this long. */
  idleTimeoutMs?: number
  maxRedirects?: number
}

export interface GetResult {
  response: IncomingMessage
  url: URL
  /** Headers of every response on the way (redirects first). */
  chain: IncomingHttpHeaders[]
}

function once(
  url: URL,
  headers: Record<string, string>,
  options: GetOptions
): Promise<IncomingMessage> {
  const { transport, options: request } = route(url, options.env, { ca: options.ca })
  return new Promise((resolve, reject) => {
    const req = transport.request({
      ...request,
      headers: {
        ...(request.headers as Record<string, string>),
        'user-agent': 'diffusion-studio',
        ...headers
      },
      signal: options.signal
    })
    req.setTimeout(options.idleTimeoutMs ?? 30_000, () =>
      req.destroy(
        new Error(`no data from ${url.host} for ${(options.idleTimeoutMs ?? 30_000) / 1000} s`)
      )
    )
    req.once('response', resolve)
    req.once('error', reject)
    req.end()
  })
}

const redirects = new Set([301, 302, 303, 307, 308])

/** GETs `url`, following up to `maxRedirects` redirects. The caller consumes (or discards) the body. */
export async function get(url: URL, options: GetOptions): Promise<GetResult> {
  const chain: IncomingHttpHeaders[] = []
  let current = url
  for (let hop = 0; hop <= (options.maxRedirects ?? 5); hop++) {
    const headers = { ...options.headers }
    if (options.token && current.origin === options.token.origin) {
      headers.authorization = `Bearer ${options.token.value}`
    }
    const response = await once(current, headers, options)
    chain.push(response.headers)
    const location = response.headers.location
    if (!redirects.has(response.statusCode ?? 0) || !location)
      return { response, url: current, chain }
    response.resume() // discard the redirect's body
    current = new URL(location, current)
  }
  throw new Error(`too many redirects from ${url.href}`)
}

/** Reads a whole (small) body as text. */
export async function readText(
  response: IncomingMessage,
  limit = 16 * 1024 * 1024
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response) {
    size += (chunk as Buffer).length
    if (size > limit) throw new Error('response too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The first value of a header across the redirect chain (x-linked-etag is on the hub's redirect). */
export function firstHeader(chain: IncomingHttpHeaders[], name: string): string | undefined {
  for (const headers of chain) {
    const value = headers[name]
    if (typeof value === 'string' && value) return value
  }
  return undefined
}
