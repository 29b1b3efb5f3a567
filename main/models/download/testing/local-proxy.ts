// A tiny forward proxy on 127.0.0.1 for tests: CONNECT tunnels (https) and absolute-URI requests (http),
// counting both, so tests can prove that downloads honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
import * as http from 'node:http'
import * as net from 'node:net'

export interface LocalProxy {
  url: string
  /** host:port of every CONNECT tunnel opened. */
  connects: string[]
  /** Absolute URIs of every forwarded http request. */
  forwards: string[]
  close(): Promise<void>
}

export async function startLocalProxy(): Promise<LocalProxy> {
  const connects: string[] = []
  const forwards: string[] = []
  const sockets = new Set<net.Socket>()
  const server = http.createServer((req, res) => {
    forwards.push(req.url ?? '')
    const upstream = http.request(
      req.url ?? '',
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '')
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    forwards,
    async close() {
      for (const s of sockets) s.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}
