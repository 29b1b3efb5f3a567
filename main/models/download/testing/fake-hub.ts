// A Hugging Face-style hub on 127.0.0.1 for download tests: the revision API, /resolve/ URLs (LFS files
// redirected to a second "CDN" origin with x-linked-etag, like the real hub), Range requests, and
// switchable faults: dropped connections, wrong bytes, status codes, slow bodies, tokens.
import { createHash } from 'node:crypto'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'

export interface HubFileSpec {
  path: string
  bytes: Buffer
  /** Stored in LFS (sha256 in the API, served through the CDN). Default: anything over 1 kB or .onnx/.pb/_data. */
  lfs?: boolean
}

export interface SeenRequest {
  server: 'hub' | 'cdn'
  path: string
  range?: string
  authorization?: string
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const gitOid = (b: Buffer) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex')

export class FakeHub {
  readonly requests: SeenRequest[] = []
  readonly files = new Map<string, HubFileSpec & { lfs: boolean; sha256: string; oid: string }>()
  readonly commit = 'c0ffee'.padEnd(40, '0')
  /** When set, the hub (not the CDN) answers 401 without this bearer token. */
  token?: string
  /** The token stops working (401) — a revoked token. */
  revoked = false
  /** Close the connection after this many bytes of the file (absolute offset), once per entry. */
  readonly dropAt = new Map<string, number>()
  /** Called after a drop (e.g. to revoke the token before the client resumes). */
  onDrop?: (path: string) => void
  /** Serve different bytes (same length) for these files. */
  readonly corrupt = new Set<string>()
  /** List and serve these files with no checksum at all (no LFS sha256, blob id or ETag). */
  readonly unchecked = new Set<string>()
  /** Status answers queued per file path (or 'api'): each request takes the next one. */
  readonly statuses = new Map<string, { status: number; headers?: Record<string, string> }[]>()
  /** Send this file in small chunks with a pause between them. */
  slow?: { path: string; chunk: number; everyMs: number }
  #servers: (http.Server | https.Server)[] = []
  hubUrl = ''
  cdnUrl = ''

  constructor(
    readonly repo: string,
    readonly revision: string,
    files: HubFileSpec[]
  ) {
    for (const f of files) {
      const lfs =
        f.lfs ?? (f.bytes.length > 1024 || /\.(onnx|pb|onnx_data|safetensors)$/.test(f.path))
      this.files.set(f.path, { ...f, lfs, sha256: sha256(f.bytes), oid: gitOid(f.bytes) })
    }
  }

  async start(tls?: { key: string; cert: string }): Promise<this> {
    const make = (server: 'hub' | 'cdn') => {
      const handler = (req: http.IncomingMessage, res: http.ServerResponse) =>
        this.#handle(server, req, res)
      return tls ? https.createServer(tls, handler) : http.createServer(handler)
    }
    const listen = (s: http.Server | https.Server) =>
      new Promise<string>((resolve) =>
        s.listen(0, '127.0.0.1', () =>
          resolve(`${tls ? 'https' : 'http'}://127.0.0.1:${(s.address() as AddressInfo).port}`)
        )
      )
    const hub = make('hub')
    const cdn = make('cdn')
    this.#servers = [hub, cdn]
    this.hubUrl = await listen(hub)
    this.cdnUrl = await listen(cdn)
    return this
  }

  async close(): Promise<void> {
    for (const s of this.#servers) {
      s.closeAllConnections()
      await new Promise((resolve) => s.close(resolve))
    }
  }

  /** The requests that fetched a file's bytes (from the CDN for LFS files, else from the hub). */
  requestsFor(path: string): SeenRequest[] {
    const file = this.files.get(path)
    if (!file) return []
    return this.requests.filter((r) =>
      file.lfs ? r.path === `/cdn/${file.sha256}` : r.path.endsWith(`/${path}`)
    )
  }

  #queued(key: string) {
    return this.statuses.get(key)?.shift()
  }

  #handle(server: 'hub' | 'cdn', req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x')
    const path = decodeURIComponent(url.pathname)
    this.requests.push({
      server,
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {})
    })
    if (server === 'cdn') {
      const file = [...this.files.values()].find((f) => path === `/cdn/${f.sha256}`)
      return file ? this.#serve(file, req, res) : void res.writeHead(404).end()
    }
    if (
      this.token !== undefined &&
      (this.revoked || req.headers.authorization !== `Bearer ${this.token}`)
    ) {
      return void res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error":"Invalid credentials"}')
    }
    const apiPrefix = `/api/models/${this.repo}/revision/`
    if (path.startsWith(apiPrefix)) {
      const queued = this.#queued('api')
      if (queued) return void res.writeHead(queued.status, queued.headers).end()
      if (path.slice(apiPrefix.length) !== this.revision) return void res.writeHead(404).end()
      const siblings = [...this.files.values()].map((f) =>
        this.unchecked.has(f.path)
          ? { rfilename: f.path, size: f.bytes.length }
          : f.lfs
            ? {
                rfilename: f.path,
                size: f.bytes.length,
                blobId: f.oid,
                lfs: { sha256: f.sha256, size: f.bytes.length, pointerSize: 134 }
              }
            : { rfilename: f.path, size: f.bytes.length, blobId: f.oid }
      )
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: this.repo, sha: this.commit, siblings }))
    }
    const resolvePrefix = `/${this.repo}/resolve/`
    if (!path.startsWith(resolvePrefix)) return void res.writeHead(404).end()
    const [rev, ...rest] = path.slice(resolvePrefix.length).split('/')
    const file = this.files.get(rest.join('/'))
    if (!file || (rev !== this.revision && rev !== this.commit))
      return void res.writeHead(404).end('Entry not found')
    const queued = this.#queued(file.path)
    if (queued) return void res.writeHead(queued.status, queued.headers).end()
    if (file.lfs) {
      // Like the hub: a redirect to the file store, with the LFS sha256 and size on the redirect.
      return void res
        .writeHead(302, {
          location: `${this.cdnUrl}/cdn/${file.sha256}?signature=abc`,
          ...(this.unchecked.has(file.path) ? {} : { 'x-linked-etag': `"${file.sha256}"` }),
          'x-linked-size': String(file.bytes.length),
          'x-repo-commit': this.commit
        })
        .end()
    }
    this.#serve(file, req, res, this.unchecked.has(file.path) ? {} : { etag: `"${file.oid}"` })
  }

  #serve(
    file: HubFileSpec & { sha256: string },
    req: http.IncomingMessage,
    res: http.ServerResponse,
    extra: Record<string, string> = {}
  ): void {
    let bytes = file.bytes
    if (this.corrupt.has(file.path)) bytes = Buffer.from(bytes.map((b) => b ^ 0xff))
    const size = bytes.length
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0)
    if (start >= size && start > 0) {
      return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end()
    }
    const headers = { ...extra, 'accept-ranges': 'bytes', 'content-length': String(size - start) }
    if (req.headers.range)
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${size - 1}/${size}` })
    else res.writeHead(200, headers)
    const drop = this.dropAt.get(file.path)
    if (drop !== undefined && drop > start && drop < size) {
      this.dropAt.delete(file.path)
      // Half-close after the bytes (a hard reset could make the client discard bytes it had not read).
      res.write(bytes.subarray(start, drop), () => {
        res.socket?.end()
        this.onDrop?.(file.path)
      })
      return
    }
    if (this.slow?.path === file.path) {
      const { chunk, everyMs } = this.slow
      let at = start
      const next = () => {
        if (res.destroyed || at >= size) return void res.end()
        res.write(bytes.subarray(at, Math.min(size, at + chunk)))
        at += chunk
        setTimeout(next, everyMs)
      }
      return next()
    }
    res.end(bytes.subarray(start))
  }
}
