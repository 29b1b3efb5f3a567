import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import sharp from 'sharp'
import { JobSpecSchema, decodeFrame } from '../contract'
import { rendererCsp } from '../platform/csp'
import { createStudio, type Studio } from '../ipc/studio'
import { FakeEngine } from '../jobs/testing/fake-engine'
import { httpTimeouts, startWebHost, type WebHost } from './server'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function call(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString()
          })
        )
      }
    )
    req.on('error', reject)
    req.end(init.body)
  })
}

describe('web host', () => {
  let dir: string
  let studio: Studio
  let host: WebHost
  const api = (verb: string, body: unknown, token = host.token) =>
    call(host.port, `/api/${verb}`, {
      method: 'POST',
      headers: { 'x-studio-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-host-'))
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    writeFileSync(join(dir, 'secret.txt'), 'do not serve')
    const engine = new FakeEngine()
    studio = createStudio({
      dataDir: join(dir, 'data'),
      spawnEngine: engine.spawn,
      roots: { starter: join(dir, 'starter'), user: join(dir, 'models') }
    })
    host = await startWebHost({ studio, rendererDir: renderer, port: 0 })
  })

  afterAll(async () => {
    await host.close()
    studio.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('binds to loopback and prints a URL with its token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    expect(host.token.length).toBeGreaterThanOrEqual(32)
  })

  it('refuses pages without the token and serves them with it, setting an HttpOnly cookie', async () => {
    expect((await call(host.port, '/')).status).toBe(403)
    expect((await call(host.port, '/?token=wrong')).status).toBe(403)
    const ok = await call(host.port, `/?token=${host.token}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('<title>studio</title>')
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/)
    const nonce = /name="studio-csp-nonce" content="([^"]+)"/.exec(ok.body)?.[1] ?? ''
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/)
    expect(ok.headers['content-security-policy']).toBe(
      rendererCsp.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`)
    )
    // The cookie is a separate random session value, never the API token.
    const session = /studio_session_\d+=([^;]+)/.exec(String(ok.headers['set-cookie']))?.[1]
    expect(session).toBeTruthy()
    expect(session).not.toBe(host.token)
    const cookie = `studio_session_${host.port}=${session}`
    expect((await call(host.port, '/index.html', { headers: { cookie } })).status).toBe(200)
    const tokenAsCookie = `studio_session_${host.port}=${host.token}`
    expect(
      (await call(host.port, '/index.html', { headers: { cookie: tokenAsCookie } })).status
    ).toBe(403)
  })

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const reply = await call(host.port, `${path}?token=${host.token}`)
      expect(reply.body).not.toContain('do not serve')
    }
  })

  it('requires the token header on the API, even with the cookie', async () => {
    const page = await call(host.port, `/?token=${host.token}`)
    const cookie = String(page.headers['set-cookie']).split(';')[0]
    const noHeader = await call(host.port, '/api/listJobs', {
      method: 'POST',
      headers: { cookie },
      body: '{}'
    })
    expect(noHeader.status).toBe(403)
    expect((await api('listJobs', {}, 'wrong')).status).toBe(403)
    // Without the token nothing about the API is answered, not even which method it wants.
    expect((await call(host.port, '/api/listJobs')).status).toBe(403)
    const get = await call(host.port, '/api/listJobs', {
      headers: { 'x-studio-token': host.token }
    })
    expect(get.status).toBe(405)
    const ok = await api('listJobs', {})
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toEqual({ result: [] })
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const reply = await call(host.port, '/api/listJobs', {
      method: 'POST',
      headers: { 'x-studio-token': host.token, host: 'evil.example:80' },
      body: '{}'
    })
    expect(reply.status).toBe(403)
  })

  it('answers bad requests with typed errors', async () => {
    const unknown = await api('formatDisk', {})
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.body).error.code).toBe('invalid-request')
    const invalid = await api('enqueueJob', { request: { task: 'image.generate', steps: 0 } })
    expect(JSON.parse(invalid.body).error.message).toMatch(/steps/)
    const notJson = await call(host.port, '/api/listJobs', {
      method: 'POST',
      headers: { 'x-studio-token': host.token },
      body: '{not json'
    })
    expect(JSON.parse(notJson.body).error.code).toBe('invalid-request')
    const noModel = await api('enqueueJob', { request: { task: 'image.generate', model: 'nope' } })
    expect(JSON.parse(noModel.body).error.code).toBe('unknown-model')
    const huge = await api('listJobs', { pad: 'x'.repeat(2 << 20) })
    expect(huge.status).toBe(400)
  })

  it('streams job events over the WebSocket only with the token', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`)
    await new Promise((resolve) => refused.on('error', resolve))
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/events?token=${host.token}`)
    await new Promise((resolve) => socket.on('open', resolve))
    const types: string[] = []
    const done = new Promise<void>((resolve) =>
      socket.on('message', (raw) => {
        const event = JSON.parse(String(raw)) as { type: string }
        types.push(event.type)
        if (event.type === 'done') resolve()
      })
    )
    studio.queue.enqueue(JobSpecSchema.parse({ task: 'image.generate', model: 'x' }))
    await done
    socket.close()
    expect(types[0]).toBe('queued')
    expect(types).toContain('step')
  })
})

describe('web host against malformed requests', () => {
  it('answers an unparsable request target with 400 and keeps serving', async () => {
    const { connect } = await import('node:net')
    const dir = mkdtempSync(join(tmpdir(), 'web-host-bad-'))
    const studio = createStudio({
      dataDir: join(dir, 'data'),
      spawnEngine: new FakeEngine().spawn,
      roots: { starter: join(dir, 'starter'), user: join(dir, 'models') }
    })
    const host = await startWebHost({ studio, rendererDir: dir, port: 0 })
    try {
      for (const target of ['http://[', '//[::1']) {
        const reply = await new Promise<string>((resolve) => {
          const socket = connect(host.port, '127.0.0.1', () =>
            socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n\r\n`)
          )
          let text = ''
          socket.on('data', (chunk) => {
            text += chunk
            socket.end()
          })
          socket.on('close', () => resolve(text))
        })
        expect(reply).toMatch(/^HTTP\/1\.1 400/)
      }
      expect((await call(host.port, `/?token=${host.token}`)).status).toBe(404)
    } finally {
      await host.close()
      studio.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('web host: files by URL, uploads, binary frames, hostile sockets', () => {
  let dir: string
  let studio: Studio
  let host: WebHost
  let engine: FakeEngine
  let cookie: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-host-files-'))
    const renderer = join(dir, 'renderer')
    mkdirSync(renderer)
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>')
    engine = new FakeEngine()
    engine.writeArtifacts = true
    engine.previews = true
    engine.steps = 3
    studio = createStudio({
      dataDir: join(dir, 'data'),
      spawnEngine: engine.spawn,
      roots: { starter: join(dir, 'starter'), user: join(dir, 'models') }
    })
    host = await startWebHost({ studio, rendererDir: renderer, port: 0 })
    cookie = String((await call(host.port, `/?token=${host.token}`)).headers['set-cookie']).split(
      ';'
    )[0]
  })
  afterAll(async () => {
    await host.close()
    studio.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function finishedJob(): Promise<string> {
    const job = studio.queue.enqueue(JobSpecSchema.parse({ task: 'image.generate', model: 'x' }))
    await studio.queue.drained()
    return job.id
  }

  it('serves an artifact by URL with its MIME type, and byte ranges with 206', async () => {
    const id = await finishedJob()
    const whole = await call(host.port, `/artifacts/${id}/0`, { headers: { cookie } })
    expect(whole.status).toBe(200)
    expect(whole.headers['content-type']).toBe('image/png')
    expect(whole.headers['accept-ranges']).toBe('bytes')
    const expected = Buffer.from(Array.from({ length: 1000 }, (_, k) => k % 251))
    expect(Buffer.from(whole.body, 'latin1').length).toBe(1000)
    const part = await callBytes(host.port, `/artifacts/${id}/0`, {
      cookie,
      range: 'bytes=100-199'
    })
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe('bytes 100-199/1000')
    expect(part.body.equals(expected.subarray(100, 200))).toBe(true)
    const tail = await callBytes(host.port, `/artifacts/${id}/0`, { cookie, range: 'bytes=-10' })
    expect(tail.body.equals(expected.subarray(990))).toBe(true)
    expect(
      (await callBytes(host.port, `/artifacts/${id}/0`, { cookie, range: 'bytes=5000-' })).status
    ).toBe(416)
    expect((await call(host.port, `/artifacts/${id}/0`)).status).toBe(403)
    expect((await call(host.port, `/artifacts/${id}/7`, { headers: { cookie } })).status).toBe(404)
    expect((await call(host.port, `/artifacts/nope/0`, { headers: { cookie } })).status).toBe(404)
  })

  it('refuses artifacts whose path leaves the outputs folder, symlinks resolved', async () => {
    engine.writeArtifacts = false // the fake engine then reports /tmp/<job>.png
    const outside = await finishedJob()
    engine.writeArtifacts = true
    writeFileSync(`/tmp/${outside}.png`, 'secret')
    try {
      expect(
        (await call(host.port, `/artifacts/${outside}/0`, { headers: { cookie } })).status
      ).toBe(404)
    } finally {
      rmSync(`/tmp/${outside}.png`, { force: true })
    }
    const id = await finishedJob()
    const path = join(studio.outputDir, `${id}.png`)
    rmSync(path)
    writeFileSync(join(dir, 'elsewhere.txt'), 'secret')
    symlinkSync(join(dir, 'elsewhere.txt'), path)
    const reply = await call(host.port, `/artifacts/${id}/0`, { headers: { cookie } })
    expect(reply.status).toBe(404)
    expect(reply.body).not.toContain('secret')
  })

  it('takes raw uploads with the token, validates them, and serves them back', async () => {
    const png = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#0f0' } })
      .png()
      .toBuffer()
    const upload = (body: Buffer, query: string, token = host.token) =>
      callBytes(host.port, `/inputs?${query}`, { method: 'POST', token, body })
    const ok = await upload(png, 'kind=image&name=green.png')
    expect(ok.status).toBe(200)
    const info = JSON.parse(ok.body.toString()).result
    expect(info).toMatchObject({
      kind: 'image',
      mime: 'image/png',
      width: 3,
      height: 2,
      name: 'green.png'
    })
    expect(info.ref).toMatch(/^[0-9a-f]{64}$/)
    const back = await callBytes(host.port, `/inputs/${info.ref}`, { cookie })
    expect(back.body.equals(png)).toBe(true)
    expect((await upload(png, 'kind=image', 'wrong')).status).toBe(403)
    expect((await upload(png, 'kind=spreadsheet')).status).toBe(400)
    const bad = await upload(Buffer.from('not an image'), 'kind=image')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body.toString()).error.code).toBe('bad-input')
    const huge = await upload(Buffer.alloc((32 << 20) + 1), 'kind=mask')
    expect(huge.status).toBe(400)
    expect(JSON.parse(huge.body.toString()).error.message).toBe(
      'The mask upload is 32.0 MiB, over the 32 MiB limit for a mask.'
    )
  })

  /** A real Node client that streams `total` bytes in 64 KiB writes, honouring back-pressure. */
  function stream(path: string, total: number, declare: boolean): Promise<Reply | Error> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          path,
          method: 'POST',
          headers: {
            'x-studio-token': host.token,
            ...(declare ? { 'content-length': String(total) } : {})
          }
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString()
            })
          )
        }
      )
      req.on('error', resolve) // a broken pipe or a reset: what must not happen
      const chunk = Buffer.alloc(64 << 10, 0x41)
      let sent = 0
      const pump = () => {
        while (sent < total) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
  }

  it.each([
    ['streamed (chunked)', false],
    ['declared in content-length', true]
  ])(
    'an upload over its cap, %s, is answered 400 to a client still writing (no broken pipe)',
    async (_, declare) => {
      const reply = await stream('/inputs?kind=molecule', 6 << 20, declare)
      expect(reply).not.toBeInstanceOf(Error)
      const { status, body } = reply as Reply
      expect(status).toBe(400)
      expect(JSON.parse(body).error).toEqual({
        code: 'bad-input',
        title: 'An input file could not be used',
        message: 'The molecule upload is 6 MiB, over the 4 MiB limit for a molecule.'
      })
      // The host still serves.
      expect((await call(host.port, `/?token=${host.token}`)).status).toBe(200)
    }
  )

  it('a JSON body over 1 MiB says what was too large, to a client still writing', async () => {
    const reply = await stream('/api/listJobs', 3 << 20, false)
    expect(reply).not.toBeInstanceOf(Error)
    expect((reply as Reply).status).toBe(400)
    expect(JSON.parse((reply as Reply).body).error).toEqual({
      code: 'invalid-request',
      title: 'The request is not valid',
      message:
        'The request body is 3 MiB, over the 1 MiB of JSON an API request may carry. Send files (images, masks, point clouds, molecules) with POST /inputs?kind=… instead.'
    })
  })

  const apiCall = (verb: string, request: unknown) =>
    call(host.port, `/api/${verb}`, {
      method: 'POST',
      headers: { 'x-studio-token': host.token, 'content-type': 'application/json' },
      body: JSON.stringify({ request })
    })

  it('importModel of a named pipe or a link to /dev/zero is 400 "… is not a regular file"', async () => {
    const pipe = join(dir, 'pipe.onnx')
    execFileSync('mkfifo', [pipe])
    const zero = join(dir, 'zero.onnx')
    symlinkSync('/dev/zero', zero)
    for (const [path, kind] of [
      [pipe, 'a named pipe (FIFO)'],
      [zero, 'a device']
    ]) {
      const reply = await apiCall('importModel', { path })
      expect(reply.status).toBe(400)
      expect(JSON.parse(reply.body).error).toMatchObject({
        code: 'bad-input',
        message: `${path} is not a regular file (it is ${kind}); give a model folder or an .onnx file.`
      })
    }
  })

  it('cancelJob answers the truth: a job past its last denoiser call ends done and says so', async () => {
    engine.behaviour = 'late-cancel'
    try {
      const job = studio.queue.enqueue(JobSpecSchema.parse({ task: 'image.generate', model: 'x' }))
      await new Promise<void>((resolve) => {
        const stop = studio.queue.on((e) => {
          if (e.type !== 'step' || e.jobId !== job.id || e.i !== e.n) return
          stop()
          resolve()
        })
      })
      const reply = await apiCall('cancelJob', { jobId: job.id })
      expect(JSON.parse(reply.body).result).toEqual({ cancelled: false, status: 'done' })
      expect(studio.queue.get(job.id)?.status).toBe('done')
    } finally {
      engine.behaviour = 'normal'
    }
  })

  it('sets explicit header, request and keep-alive timeouts on the server', () => {
    expect(host.timeouts).toEqual({ headersMs: 10_000, requestMs: 120_000, keepAliveMs: 5_000 })
    expect(host.timeouts).toEqual(httpTimeouts)
  })

  it('sends previews as binary frames and other events as text', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers: { cookie } })
    await new Promise((resolve) => socket.on('open', resolve))
    const frames: { binary: boolean; type: string; preview?: unknown }[] = []
    const done = new Promise<void>((resolve) =>
      socket.on('message', (raw: Buffer, binary: boolean) => {
        const event = (binary ? decodeFrame(new Uint8Array(raw)) : JSON.parse(raw.toString())) as {
          type: string
          preview?: { rgba: Uint8Array }
        }
        frames.push({ binary, type: event.type, preview: event.preview })
        if (event.type === 'done') resolve()
      })
    )
    studio.queue.enqueue(JobSpecSchema.parse({ task: 'image.generate', model: 'x' }))
    await done
    socket.close()
    const steps = frames.filter((f) => f.type === 'step')
    // Three engine steps in a burst reach the socket as the first and the last (throttleSteps).
    expect(steps.length).toBeGreaterThanOrEqual(2)
    expect(steps.every((f) => f.binary)).toBe(true)
    expect(Array.from((steps[0].preview as { rgba: Uint8Array }).rgba)).toEqual(
      Array.from({ length: 16 }, (_, k) => k * 16)
    )
    expect(frames.filter((f) => f.type !== 'step').every((f) => !f.binary)).toBe(true)
  })

  it('refuses sockets from another Origin or Host, or without auth', async () => {
    const attempt = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { headers })
        ws.on('open', () => {
          ws.close()
          resolve('open')
        })
        ws.on('error', () => resolve('refused'))
      })
    expect(await attempt({ cookie })).toBe('open')
    expect(await attempt({ cookie, origin: 'http://evil.example' })).toBe('refused')
    expect(await attempt({ cookie, origin: `http://127.0.0.1:${host.port + 1}` })).toBe('refused')
    expect(await attempt({ cookie, host: 'evil.example' })).toBe('refused')
    expect(await attempt({})).toBe('refused')
  })

  // Each kind of protocol violation RFC 6455 names; none may take the host down.
  const violations: [string, Buffer][] = [
    ['close code 5000', frame(0x8, Buffer.from([0x13, 0x88]))],
    ['close code 1005 (reserved)', frame(0x8, Buffer.from([0x03, 0xed]))],
    ['one-byte close payload', frame(0x8, Buffer.from([0x03]))],
    ['reserved bit set', frame(0x1, Buffer.from('hi'), { rsv: 0x40 })],
    ['unknown opcode', frame(0x3, Buffer.from('x'))],
    ['unmasked client frame', frame(0x1, Buffer.from('hi'), { masked: false })],
    ['invalid UTF-8 text', frame(0x1, Buffer.from([0xff, 0xfe, 0xfd]))],
    ['fragmented control frame', frame(0x9, Buffer.from('p'), { fin: false })],
    ['control frame over 125 bytes', frame(0x9, Buffer.alloc(126))],
    ['continuation without a start', frame(0x0, Buffer.from('x'))],
    ['message over the size cap', frame(0x2, Buffer.alloc(64 << 10))],
    [
      'length field claiming 2^63',
      Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
    ]
  ]
  it.each(violations)('%s closes that socket only', async (_name, bytes) => {
    const socket = await rawSocket(host.port, cookie)
    socket.write(bytes)
    await new Promise<void>((resolve) => {
      socket.on('close', () => resolve())
      setTimeout(() => {
        socket.destroy()
        resolve()
      }, 2000)
    })
    // The host still answers.
    expect((await call(host.port, `/?token=${host.token}`)).status).toBe(200)
  })
})

/** A client frame (masked unless told otherwise). */
function frame(
  opcode: number,
  payload: Buffer,
  options: { fin?: boolean; rsv?: number; masked?: boolean } = {}
): Buffer {
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv ?? 0) | opcode
  const masked = options.masked ?? true
  const length = payload.length
  const header =
    length < 126
      ? Buffer.from([first, (masked ? 0x80 : 0) | length])
      : length < 65536
        ? Buffer.from([first, (masked ? 0x80 : 0) | 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([first, (masked ? 0x80 : 0) | 127]), bigLength(length)])
  if (!masked) return Buffer.concat([header, payload])
  const key = Buffer.from([1, 2, 3, 4])
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]))
  return Buffer.concat([header, key, body])
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt(n))
  return b
}

async function rawSocket(port: number, cookie: string): Promise<Socket> {
  const { connect } = await import('node:net')
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: ${cookie}\r\n\r\n`
      )
    })
    socket.once('data', (head) => {
      if (/^HTTP\/1\.1 101/.test(head.toString())) resolve(socket)
      else reject(new Error(head.toString()))
    })
    socket.on('error', () => undefined)
  })
}

function callBytes(
  port: number,
  path: string,
  init: { method?: string; cookie?: string; range?: string; token?: string; body?: Buffer } = {}
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    if (init.cookie) headers.cookie = init.cookie
    if (init.range) headers.range = init.range
    if (init.token) headers['x-studio-token'] = init.token
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks)
          })
        )
      }
    )
    req.on('error', reject)
    req.end(init.body)
  })
}

describe('web host start-up and error statuses', () => {
  it('a busy port is a typed in-use error, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'web-host-port-'))
    const studio = createStudio({
      dataDir: join(dir, 'data'),
      spawnEngine: new FakeEngine().spawn,
      roots: { starter: join(dir, 'starter'), user: join(dir, 'models') }
    })
    const first = await startWebHost({ studio, rendererDir: dir, port: 0 })
    try {
      const error = await startWebHost({ studio, rendererDir: dir, port: first.port }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string }
      )
      expect(error?.code).toBe('in-use')
      expect(error?.message).toMatch(new RegExp(`Port ${first.port} is in use`))
    } finally {
      await first.close()
      studio.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('model problems are 4xx with their code, runtime failures 5xx', async () => {
    const { httpStatus } = await import('./server')
    for (const code of [
      'model-corrupt',
      'model-mismatch',
      'model-missing',
      'unknown-model',
      'hash-mismatch',
      'bad-input',
      'gated'
    ] as const) {
      expect(httpStatus[code]).toBeGreaterThanOrEqual(400)
      expect(httpStatus[code]).toBeLessThan(500)
    }
    expect(httpStatus['runtime-failure']).toBe(500)
    expect(httpStatus.internal).toBe(500)
  })
})
