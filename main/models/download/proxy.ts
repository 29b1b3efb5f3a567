// System proxy support without extra dependencies: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY (either
// case). https targets go through a CONNECT tunnel; http targets are sent to the proxy in absolute-URI form.
import * as http from 'node:http'
import * as https from 'node:https'
import type { Duplex } from 'node:stream'
import { isIP } from 'node:net'
import * as tls from 'node:tls'

export type ProxyEnv = Record<string, string | undefined>

const envVar = (env: ProxyEnv, name: string) => env[name] ?? env[name.toLowerCase()]

/** Whether NO_PROXY exempts `url`: `*`, exact hosts, `.domain` / `domain` suffixes, optional `:port`. */
export function bypassesProxy(url: URL, env: ProxyEnv): boolean {
  const list = envVar(env, 'NO_PROXY')
  if (!list) return false
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return true
    const match = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''))!
    const name = match[1].replace(/^\*?\./, '')
    if (match[2] && match[2] !== port) continue
    if (host === name || host.endsWith(`.${name}`)) return true
  }
  return false
}

/** The proxy to use for `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: ProxyEnv): URL | undefined {
  if (bypassesProxy(url, env)) return undefined
  const value =
    url.protocol === 'https:'
      ? (envVar(env, 'HTTPS_PROXY') ?? envVar(env, 'ALL_PROXY'))
      : (envVar(env, 'HTTP_PROXY') ?? envVar(env, 'ALL_PROXY'))
  if (!value) return undefined
  try {
    return new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    return undefined
  }
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {}
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` }
}

/** An https agent whose connections are TLS over a CONNECT tunnel through `proxy`. */
export class TunnelAgent extends https.Agent {
  constructor(
    readonly proxy: URL,
    options: https.AgentOptions = {}
  ) {
    super(options)
  }

  // Node's Agent calls createConnection(options, callback) and waits for the callback when nothing is returned.
  override createConnection(
    options: https.RequestOptions,
    callback?: (error: Error | null, socket: Duplex) => void
  ): Duplex | undefined {
    const done = (error: Error | null, socket?: Duplex) => callback?.(error, socket as Duplex)
    const target = `${options.host}:${options.port ?? 443}`
    const transport = this.proxy.protocol === 'https:' ? https : http
    const request = transport.request({
      host: this.proxy.hostname,
      port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers: { host: target, ...proxyAuthorization(this.proxy) },
      agent: false
    })
    request.once('connect', (response, socket, head) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        done(
          new Error(
            `the proxy ${this.proxy.host} refused the tunnel to ${target}: HTTP ${response.statusCode}`
          )
        )
        return
      }
      if (head.length) socket.unshift(head)
      const host = String(options.host)
      // SNI takes host names only; a tunnel to an IP address verifies the certificate's IP instead.
      const servername = options.servername || (isIP(host) ? undefined : host)
      const secure = tls.connect({
        ...(options as tls.ConnectionOptions),
        socket,
        ...(servername ? { servername } : {})
      })
      done(null, secure)
    })
    request.once('error', (error) =>
      done(new Error(`cannot reach the proxy ${this.proxy.host}: ${error.message}`))
    )
    request.end()
    return undefined
  }
}

export interface RoutedRequest {
  options: http.RequestOptions & https.RequestOptions
  transport: typeof http | typeof https
  proxy?: URL
}

/** Request options for `url`, routed through the proxy from `env` when there is one. */
export function route(
  url: URL,
  env: ProxyEnv,
  tlsOptions: { ca?: string | Buffer } = {}
): RoutedRequest {
  const proxy = proxyFor(url, env)
  const secure = url.protocol === 'https:'
  const base = { method: 'GET', ...(secure && tlsOptions.ca ? { ca: tlsOptions.ca } : {}) }
  if (!proxy) {
    return {
      transport: secure ? https : http,
      options: { ...base, host: url.hostname, port: url.port, path: url.pathname + url.search }
    }
  }
  if (secure) {
    return {
      proxy,
      transport: https,
      options: {
        ...base,
        host: url.hostname,
        port: url.port || 443,
        path: url.pathname + url.search,
        ...(isIP(url.hostname) ? {} : { servername: url.hostname }),
        agent: new TunnelAgent(proxy, tlsOptions.ca ? { ca: tlsOptions.ca } : {})
      }
    }
  }
  // Plain http through the proxy: the request line carries the absolute URI.
  return {
    proxy,
    transport: proxy.protocol === 'https:' ? https : http,
    options: {
      ...base,
      host: proxy.hostname,
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      path: url.href,
      headers: { host: url.host, ...proxyAuthorization(proxy) }
    }
  }
}
