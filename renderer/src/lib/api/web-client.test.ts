import { describe, expect, it, vi } from 'vitest'
import { StudioError, encodeFrame, type JobEvent, type ModelEvent } from '../contract'
import { record } from '../testing/fixtures'
import {
  FRAME_TYPE,
  TOKEN_HEADER,
  TOKEN_STORAGE_KEY,
  backoffDelay,
  createWebClient,
  eventsUrl,
  takeToken
} from './web-client'

const origin = 'http://127.0.0.1:4321'
const info = {
  version: '1',
  providers: [{ name: 'cpu', available: true }],
  chosen: 'cpu',
  deviceName: 'CPU',
  versions: {}
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' }
  })
}

class FakeSocket {
  static all: FakeSocket[] = []
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  close() {
    this.closed = true
  }
  open() {
    this.onopen?.({})
  }
  message(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) })
  }
  drop() {
    this.onclose?.({})
  }
}

function harness(fetchImpl: typeof fetch = vi.fn()) {
  FakeSocket.all = []
  const timers: { fn: () => void; ms: number }[] = []
  const client = createWebClient({
    origin,
    token: 'tok',
    fetch: fetchImpl,
    createSocket: (url) => new FakeSocket(url),
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => {},
    random: () => 0.5
  })
  return { client, timers, fetchImpl }
}

describe('verbs over HTTP', () => {
  it('POSTs /api/<verb> with the token header and {request}, and parses the result', async () => {
    const fetchImpl = vi.fn(async () => json(200, { result: [record('a')] }))
    const { client } = harness(fetchImpl as unknown as typeof fetch)
    const jobs = await client.listJobs({ limit: 5 })
    expect(jobs[0].id).toBe('a')
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe(`${origin}/api/listJobs`)
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('tok')
    expect(JSON.parse(String(init.body))).toEqual({ request: { limit: 5 } })
  })

  it('leaves the request key out for verbs without an argument', async () => {
    const fetchImpl = vi.fn(async () => json(200, { result: info }))
    const { client } = harness(fetchImpl as unknown as typeof fetch)
    await client.info(undefined)
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit]
    expect(JSON.parse(String(init.body))).toEqual({})
  })

  it('throws a StudioError carrying the host code and message', async () => {
    const fetchImpl = async () =>
      json(400, { error: { code: 'unknown-sampler', message: 'No sampler "zz".' } })
    const { client } = harness(fetchImpl as unknown as typeof fetch)
    const error = await client.enqueueJob({ task: 'image.generate', sampler: 'zz' }).catch((e) => e)
    expect(error).toBeInstanceOf(StudioError)
    expect(error).toMatchObject({ code: 'unknown-sampler', message: 'No sampler "zz".' })
  })

  it('maps a bare 403 to unauthorized and an unknown code to internal', async () => {
    const bare = harness(
      (async () => new Response('Forbidden', { status: 403 })) as unknown as typeof fetch
    )
    await expect(bare.client.info(undefined)).rejects.toMatchObject({ code: 'unauthorized' })
    const odd = harness((async () =>
      json(500, { error: { code: 'boom', message: 'x' } })) as unknown as typeof fetch)
    await expect(odd.client.info(undefined)).rejects.toMatchObject({
      code: 'internal',
      message: 'boom: x'
    })
  })

  it('rejects an answer that does not match the contract', async () => {
    const { client } = harness((async () =>
      json(200, { result: { version: 1 } })) as unknown as typeof fetch)
    await expect(client.info(undefined)).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/malformed answer to info/)
    })
  })

  it('reads an answer that holds bytes from a binary frame', async () => {
    const bytes = Uint8Array.from([112, 108, 121, 10, 0, 255])
    const frame = encodeFrame({ result: [{ name: 'a.ply', mime: 'model/ply', bytes }] })
    const { client } = harness(
      (async () =>
        new Response(frame as Uint8Array<ArrayBuffer>, {
          status: 200,
          headers: { 'content-type': FRAME_TYPE }
        })) as unknown as typeof fetch
    )
    const [file] = await client.exportArtifacts({ jobId: 'j', indices: [0], format: 'ply' })
    expect(file.name).toBe('a.ply')
    expect(Array.from(file.bytes)).toEqual(Array.from(bytes))
  })

  it('reports an unreachable host', async () => {
    const { client } = harness((async () => {
      throw new TypeError('fetch failed')
    }) as unknown as typeof fetch)
    await expect(client.getSettings(undefined)).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/Cannot reach the web host/)
    })
  })
})

describe('uploads', () => {
  it("refuses a file over its kind's cap by File.size, before reading or sending a byte", async () => {
    const fetchImpl = vi.fn()
    const { client } = harness(fetchImpl)
    const arrayBuffer = vi.fn()
    const huge = { size: 114 << 20, arrayBuffer } as unknown as Blob
    const error = await client.putInput('point-cloud', huge, 'scan.ply').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StudioError)
    expect((error as StudioError).code).toBe('bad-input')
    expect((error as StudioError).message).toBe(
      'scan.ply (the point-cloud file) is 114.0 MiB; the limit is 64 MiB.'
    )
    expect(arrayBuffer).not.toHaveBeenCalled()
    expect(fetchImpl).not.toHaveBeenCalled()
  })
})

describe('events over WebSocket', () => {
  const queued: JobEvent = { type: 'queued', jobId: 'a', job: record('a') }

  it('connects on the first listener, parses events and drops malformed ones', () => {
    const { client } = harness()
    const seen: JobEvent[] = []
    const off = client.onJobEvent((e) => seen.push(e))
    expect(FakeSocket.all).toHaveLength(1)
    const socket = FakeSocket.all[0]
    expect(socket.url).toBe('ws://127.0.0.1:4321/api/events?token=tok')
    socket.open()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    socket.message(queued)
    socket.message('not json')
    socket.message({ type: 'step', jobId: 'a', i: -1, n: 0 })
    socket.message({ type: 'bogus' })
    warn.mockRestore()
    expect(seen).toEqual([queued])
    off()
    expect(socket.closed).toBe(true)
  })

  it('reconnects with backoff and says when it is back', () => {
    const { client, timers } = harness()
    const states: string[] = []
    client.onConnection((state, reconnected) => states.push(`${state}${reconnected ? '+' : ''}`))
    client.onJobEvent(() => {})
    FakeSocket.all[0].open()
    FakeSocket.all[0].drop()
    expect(timers).toHaveLength(1)
    expect(timers[0].ms).toBe(250)
    timers[0].fn()
    FakeSocket.all[1].drop()
    expect(timers[1].ms).toBe(500)
    timers[1].fn()
    FakeSocket.all[2].open()
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'reconnecting', 'open+'])
  })
})

describe('model events', () => {
  it('share the socket with job events, wrapped as {stream: model}; each listener gets its own', () => {
    const { client } = harness()
    const jobs: JobEvent[] = []
    const models: ModelEvent[] = []
    const offJobs = client.onJobEvent((e) => jobs.push(e))
    const offModels = client.onModelEvent((e) => models.push(e))
    expect(FakeSocket.all).toHaveLength(1)
    const socket = FakeSocket.all[0]
    socket.open()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const paused = { type: 'download-paused', downloadId: 'd1' }
    const progress = {
      type: 'download-progress',
      downloadId: 'd1',
      repo: 'org/tiny',
      bytes: 10,
      total: 100,
      bytesPerSecond: 5,
      etaSeconds: 18
    }
    socket.message({ stream: 'model', event: progress })
    socket.message({ stream: 'model', event: { type: 'download-progress', downloadId: 'd1' } })
    socket.message({ stream: 'model', event: paused })
    socket.message(paused) // bare: not a model event, and not a job event either
    warn.mockRestore()
    expect(models).toEqual([progress, paused])
    expect(jobs).toEqual([])
    offJobs()
    expect(socket.closed).toBe(false)
    offModels()
    expect(socket.closed).toBe(true)
  })
})

describe('helpers', () => {
  it('backs off exponentially up to a cap, with jitter', () => {
    const mid = () => 0.5
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, undefined, mid))).toEqual([250, 500, 1000, 2000])
    expect(backoffDelay(20, undefined, mid)).toBe(10_000)
    expect(backoffDelay(0, undefined, () => 0)).toBe(200)
    expect(backoffDelay(0, undefined, () => 1)).toBe(300)
  })

  it('builds ws:// and wss:// event URLs', () => {
    expect(eventsUrl('http://127.0.0.1:9/', 'a b')).toBe('ws://127.0.0.1:9/api/events?token=a+b')
    expect(eventsUrl('https://box.lan', 't')).toBe('wss://box.lan/api/events?token=t')
  })

  it('takes the token from the query, stores it, and strips it from the address bar', () => {
    const store = new Map<string, string>()
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v)
    }
    const replaced: string[] = []
    const history = {
      replaceState: (_d: unknown, _u: string, url?: string) => void replaced.push(url ?? '')
    }
    const token = takeToken({ href: 'http://127.0.0.1:5/?token=abc&x=1#h' }, storage, history)
    expect(token).toBe('abc')
    expect(store.get(TOKEN_STORAGE_KEY)).toBe('abc')
    expect(replaced).toEqual(['/?x=1#h'])
    // After a reload the address has no token: sessionStorage has it.
    expect(takeToken({ href: 'http://127.0.0.1:5/?x=1' }, storage, history)).toBe('abc')
    expect(replaced).toHaveLength(1)
  })
})
