import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { JobSpecSchema } from '../contract'
import { createStudio, type Studio } from '../app/studio'
import { FakeEngine } from '../jobs/testing/fake-engine'
import { startWebHost, type WebHost } from './server'

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
    expect(String(ok.headers['content-security-policy'])).toContain("script-src 'self'")
    const cookie = `studio_token_${host.port}=${host.token}`
    expect((await call(host.port, '/index.html', { headers: { cookie } })).status).toBe(200)
  })

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const reply = await call(host.port, `${path}?token=${host.token}`)
      expect(reply.body).not.toContain('do not serve')
    }
  })

  it('requires the token header on the API, even with the cookie', async () => {
    const cookie = `studio_token_${host.port}=${host.token}`
    const noHeader = await call(host.port, '/api/listJobs', {
      method: 'POST',
      headers: { cookie },
      body: '{}'
    })
    expect(noHeader.status).toBe(403)
    expect((await api('listJobs', {}, 'wrong')).status).toBe(403)
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
