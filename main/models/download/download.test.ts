import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StudioError } from '../../contract'
import { listFiles } from '../files'
import { ModelRegistry } from '../registry'
import { writeDiffusersFolder } from '../testing/diffusers-fixture'
import {
  defaultInclude,
  discardDownload,
  downloadModel,
  listPartialDownloads,
  stagingDirFor,
  type DownloadOptions,
  type DownloadProgress
} from './manager'
import { FakeHub } from './testing/fake-hub'
import { startLocalProxy } from './testing/local-proxy'
import { testCert, testKey } from './testing/tls-fixture'

const repo = 'tiny-org/sd-tiny-onnx'
const revision = 'onnx'
const noise = 'samples/noise.dat' // 256 kB, so drops and pauses land mid-file
let root: string
let modelsDir: string
let hub: FakeHub
let registry: ModelRegistry
let noiseBytes: Buffer
const sleeps: number[] = []

/** The repo's files: a tiny diffusers-layout model plus framework weights the studio must skip. */
function repoFiles() {
  const src = join(root, 'src')
  writeDiffusersFolder(src)
  return listFiles(src).then((paths) => [
    ...paths.map((path) => ({ path, bytes: readFileSync(join(src, path)) })),
    { path: noise, bytes: noiseBytes }
  ])
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'download-'))
  modelsDir = join(root, 'models')
  mkdirSync(modelsDir)
  noiseBytes = randomBytes(256 * 1024)
  hub = await new FakeHub(repo, revision, await repoFiles()).start()
  registry = new ModelRegistry({ starter: join(root, 'starter'), user: modelsDir })
  sleeps.length = 0
})
afterEach(async () => {
  await hub.close()
  rmSync(root, { recursive: true, force: true })
})

/** Options for the fake hub: no proxy, instant (recorded) back-off, progress on every chunk. */
function options(extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return {
    modelsDir,
    baseUrl: hub.hubUrl,
    env: {},
    progressIntervalMs: 0,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0,
    freeSpace: async () => 1e12,
    ...extra
  }
}

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const installedNoise = () => readFileSync(join(modelsDir, 'sd-tiny-onnx', noise))
const noModels = async () => expect(await registry.list()).toEqual([])

describe('downloadModel', () => {
  it('fetches the revision, verifies every file and installs the model atomically', async () => {
    hub.token = 'hf_secret'
    const events: DownloadProgress[] = []
    const result = await downloadModel(
      { repo, revision },
      options({ token: 'hf_secret', onProgress: (p) => events.push(p) })
    )
    expect(result.id).toBe('sd-tiny-onnx')
    expect(result.manifest.source).toEqual({ repo, revision, url: `${hub.hubUrl}/${repo}` })
    expect(sha256(installedNoise())).toBe(sha256(noiseBytes))
    const [model] = await registry.list()
    expect([model.manifest.id, model.origin, model.status]).toEqual([
      'sd-tiny-onnx',
      'downloaded',
      'ready'
    ])
    await registry.resolve('sd-tiny-onnx')

    // Framework weights and hidden files were never requested; files came from the pinned commit.
    expect(
      hub.requests.some((r) => r.path.endsWith('.safetensors') || r.path.includes('.gitattributes'))
    ).toBe(false)
    expect(
      hub.requests
        .filter((r) => r.path.includes('/resolve/'))
        .every((r) => r.path.includes(`/resolve/${hub.commit}/`))
    ).toBe(true)
    // The token went to the hub only, never to the file store it redirects to.
    expect(
      hub.requests
        .filter((r) => r.server === 'hub')
        .every((r) => r.authorization === 'Bearer hf_secret')
    ).toBe(true)
    expect(hub.requests.filter((r) => r.server === 'cdn').length).toBeGreaterThan(0)
    expect(hub.requests.filter((r) => r.server === 'cdn').some((r) => r.authorization)).toBe(false)

    expect(events[0].phase).toBe('listing')
    expect(events.at(-1)).toMatchObject({ phase: 'done' })
    const downloading = events.filter((e) => e.phase === 'downloading')
    for (let i = 1; i < downloading.length; i++)
      expect(downloading[i].bytes).toBeGreaterThanOrEqual(downloading[i - 1].bytes)
    const last = downloading.at(-1)!
    expect(last.bytes).toBe(last.total)
    expect(result.warnings.filter((w) => w.startsWith('not verified'))).toEqual([])
    expect(readdirSync(modelsDir).filter((n) => n.startsWith('.download-'))).toEqual([])
  })

  it('resumes a dropped connection from the byte it reached, with a Range request', async () => {
    hub.dropAt.set(noise, 100_000)
    await downloadModel({ repo, revision }, options())
    const seen = hub.requestsFor(noise)
    expect(seen).toHaveLength(2)
    expect(seen[0].range).toBeUndefined()
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(seen[1].range ?? '')?.[1])
    expect(resumedAt).toBeGreaterThan(0)
    expect(resumedAt).toBeLessThanOrEqual(100_000)
    expect(sha256(installedNoise())).toBe(sha256(noiseBytes))
    expect(sleeps).toEqual([250]) // one back-off: 500 ms · (0.5 + 0/2)
  })

  it('resumes after a restart from the .part file and the state file', async () => {
    hub.dropAt.set(noise, 120_000)
    const first = await failure(
      downloadModel({ repo, revision }, options({ retry: { attempts: 1 } }))
    )
    expect(first.code).toBe('download-failed')
    expect(first.message).toMatch(/Run the same download again to resume/)
    await noModels()
    const staging = stagingDirFor(modelsDir, repo, revision)
    const part = join(staging, 'files', `${noise}.part`)
    const kept = statSync(part).size
    expect(kept).toBeGreaterThan(0)
    expect(existsSync(join(staging, 'download-state.json'))).toBe(true)
    expect(await listPartialDownloads(modelsDir)).toMatchObject([{ repo, revision, dir: staging }])

    hub.requests.length = 0
    await downloadModel({ repo, revision }, options()) // a new run: nothing in memory is shared
    const seen = hub.requestsFor(noise)
    expect(seen.map((r) => r.range)).toEqual([`bytes=${kept}-`])
    // Files completed in the first run are not fetched again.
    expect(hub.requests.filter((r) => r.path.includes('model_index.json'))).toEqual([])
    expect(sha256(installedNoise())).toBe(sha256(noiseBytes))
    expect(existsSync(staging)).toBe(false)
  })

  it('a staged .part that is a named pipe or a link to a device is refused, never read', async () => {
    hub.dropAt.set(noise, 120_000)
    await failure(downloadModel({ repo, revision }, options({ retry: { attempts: 1 } })))
    const staging = stagingDirFor(modelsDir, repo, revision)
    const part = join(staging, 'files', `${noise}.part`)
    for (const make of [
      () => execFileSync('mkfifo', [part]),
      () => symlinkSync('/dev/zero', part)
    ]) {
      rmSync(part, { force: true })
      make()
      const error = await failure(downloadModel({ repo, revision }, options()))
      expect(error.code).toBe('bad-input')
      expect(error.message).toContain(
        `The staged download file ${part} is not a regular file (it is a`
      )
      expect(error.message).toMatch(`nothing was read. Remove ${staging} to download`)
      await noModels()
    }
  })

  it('wrong bytes: hash-mismatch, nothing installed, the bad part deleted', async () => {
    hub.corrupt.add(noise)
    const error = await failure(downloadModel({ repo, revision }, options()))
    expect(error.code).toBe('hash-mismatch')
    expect(error.message).toContain(`${repo}/${noise}`)
    await noModels()
    expect(
      existsSync(join(stagingDirFor(modelsDir, repo, revision), 'files', `${noise}.part`))
    ).toBe(false)
  })

  it('installs a file the hub gave no checksum for, listing it as not verified', async () => {
    hub.unchecked.add('model_index.json')
    hub.unchecked.add(noise)
    const result = await downloadModel({ repo, revision }, options())
    const unverified = result.warnings.filter((w) => w.startsWith('not verified'))
    expect(unverified).toEqual([
      `not verified: the hub gave no checksum for ${repo}/model_index.json (installed as received; its sha256 is recorded, so later changes are detected)`,
      `not verified: the hub gave no checksum for ${repo}/${noise} (installed as received; its sha256 is recorded, so later changes are detected)`
    ])
    expect(sha256(installedNoise())).toBe(sha256(noiseBytes))
    await registry.resolve('sd-tiny-onnx')
  })

  it('the default filter skips paths that would leave the download folder', () => {
    expect(defaultInclude('unet/model.onnx')).toBe(true)
    for (const path of [
      '../x.onnx',
      'a/../../x.onnx',
      'a\\..\\x.onnx',
      '/etc/x.onnx',
      'C:\\x.onnx'
    ])
      expect([path, defaultInclude(path)]).toEqual([path, false])
  })

  it('refuses a listed path outside the download folder even when the caller includes it', async () => {
    hub.files.set('a\\..\\..\\x.json', {
      path: 'a\\..\\..\\x.json',
      bytes: Buffer.from('{}'),
      lfs: false,
      sha256: sha256(Buffer.from('{}')),
      oid: ''
    })
    const error = await failure(downloadModel({ repo, revision, include: () => true }, options()))
    expect(error.code).toBe('download-failed')
    expect(error.message).toContain('a\\..\\..\\x.json')
    await noModels()
  })

  it('401 without a token and 403 with one are gated errors that say what to do', async () => {
    hub.token = 'needed'
    const anonymous = await failure(downloadModel({ repo, revision }, options()))
    expect(anonymous.code).toBe('gated')
    expect(anonymous.message).toMatch(
      /add a Hugging Face access token .* accept the model's licence at http:\/\/127\.0\.0\.1:\d+\/tiny-org\/sd-tiny-onnx/
    )
    hub.token = undefined
    hub.statuses.set('model_index.json', [{ status: 403 }])
    const refused = await failure(downloadModel({ repo, revision }, options({ token: 'hf_x' })))
    expect(refused.code).toBe('gated')
    expect(refused.message).toMatch(/refused the access token .*HTTP 403/)
    await noModels()
  })

  it('a token revoked mid-download stops with the gated error and keeps the partial file', async () => {
    hub.token = 'hf_ok'
    hub.dropAt.set(noise, 50_000)
    hub.onDrop = () => (hub.revoked = true)
    const error = await failure(downloadModel({ repo, revision }, options({ token: 'hf_ok' })))
    expect(error.code).toBe('gated')
    expect(error.message).toMatch(/revoked or expired/)
    await noModels()
    expect(
      statSync(join(stagingDirFor(modelsDir, repo, revision), 'files', `${noise}.part`)).size
    ).toBeGreaterThan(0)
  })

  it('404 for the repo or a file is not-found', async () => {
    const repoMissing = await failure(downloadModel({ repo: 'tiny-org/nope', revision }, options()))
    expect(repoMissing.code).toBe('not-found')
    expect(repoMissing.message).toMatch(/tiny-org\/nope@onnx was not found/)
    hub.statuses.set('model_index.json', [{ status: 404 }])
    expect((await failure(downloadModel({ repo, revision }, options()))).code).toBe('not-found')
    await noModels()
    // Nothing of tiny-org/nope arrived, so no staging folder is left for it.
    expect(existsSync(stagingDirFor(modelsDir, 'tiny-org/nope', revision))).toBe(false)
  })

  it('an unreachable hub (offline) fails without leaving an empty staging folder', async () => {
    const error = await failure(
      downloadModel(
        { repo, revision },
        options({ baseUrl: 'http://127.0.0.1:9', retry: { attempts: 1 } })
      )
    )
    expect(error.code).toBe('download-failed')
    expect(readdirSync(modelsDir)).toEqual([])
  })

  it('429 waits for Retry-After; 5xx backs off; both then succeed', async () => {
    hub.statuses.set('model_index.json', [{ status: 429, headers: { 'retry-after': '3' } }])
    hub.statuses.set('api', [{ status: 503 }, { status: 502 }])
    await downloadModel({ repo, revision }, options({ random: () => 0.5 }))
    expect(sleeps).toEqual([375, 750, 3000]) // api: 500·0.75, 1000·0.75; file: Retry-After 3 s
    expect((await registry.list()).map((m) => m.status)).toEqual(['ready'])
  })

  it('gives up after the retry budget with download-failed', async () => {
    hub.statuses.set(
      'api',
      Array.from({ length: 10 }, () => ({ status: 500 }))
    )
    const error = await failure(
      downloadModel({ repo, revision }, options({ retry: { attempts: 3 } }))
    )
    expect(error.code).toBe('download-failed')
    expect(sleeps).toHaveLength(2)
  })

  it('reports progress on a slow body, pauses on cancel, keeps the .part, and resumes', async () => {
    hub.slow = { path: noise, chunk: 4096, everyMs: 5 }
    const controller = new AbortController()
    const seen: DownloadProgress[] = []
    const error = await failure(
      downloadModel(
        { repo, revision },
        options({
          signal: controller.signal,
          onProgress: (p) => {
            seen.push(p)
            if (p.file === noise && p.fileBytes >= 16_384) controller.abort()
          }
        })
      )
    )
    expect(error.code).toBe('cancelled')
    expect(error.message).toMatch(
      /paused; .* kept in .*\.download-.* Start the same download again to resume/
    )
    const noiseEvents = seen.filter((p) => p.file === noise && p.fileBytes > 0)
    expect(noiseEvents.length).toBeGreaterThan(1)
    expect(noiseEvents.at(-1)).toMatchObject({ fileTotal: 256 * 1024, phase: 'downloading' })
    expect(noiseEvents.every((p) => p.bytesPerSecond >= 0 && p.total !== undefined)).toBe(true)
    await noModels()
    const part = join(stagingDirFor(modelsDir, repo, revision), 'files', `${noise}.part`)
    const kept = statSync(part).size
    expect(kept).toBeGreaterThanOrEqual(16_384)
    expect(kept).toBeLessThan(256 * 1024)

    hub.slow = undefined
    hub.requests.length = 0
    await downloadModel({ repo, revision }, options())
    expect(hub.requestsFor(noise).map((r) => r.range)).toEqual([`bytes=${kept}-`])
    expect(sha256(installedNoise())).toBe(sha256(noiseBytes))
  })

  it('discards a paused download on request', async () => {
    hub.dropAt.set(noise, 10_000)
    await failure(downloadModel({ repo, revision }, options({ retry: { attempts: 1 } })))
    expect(await discardDownload(modelsDir, repo, revision)).toBe(true)
    expect(await listPartialDownloads(modelsDir)).toEqual([])
    expect(await discardDownload(modelsDir, repo, revision)).toBe(false)
  })

  it('checks disk space before fetching anything', async () => {
    const error = await failure(
      downloadModel({ repo, revision }, options({ freeSpace: async () => 100_000 }))
    )
    expect(error.code).toBe('disk-full')
    expect(error.message).toMatch(/needs about 2\d\d kB more disk space; 100 kB is free/)
    expect(hub.requests.map((r) => r.path)).toEqual([`/api/models/${repo}/revision/${revision}`])
  })

  it('rejects a malformed repo name before any request', async () => {
    expect((await failure(downloadModel({ repo: '../../etc' }, options()))).code).toBe(
      'invalid-request'
    )
    expect(hub.requests).toEqual([])
  })
})

describe('downloadModel through a proxy', () => {
  it('sends plain-http requests to HTTP_PROXY in absolute-URI form', async () => {
    const proxy = await startLocalProxy()
    try {
      await downloadModel({ repo, revision }, options({ env: { HTTP_PROXY: proxy.url } }))
      expect(proxy.forwards.length).toBe(hub.requests.length)
      expect(proxy.forwards[0]).toBe(
        `${hub.hubUrl}/api/models/${repo}/revision/${revision}?blobs=true`
      )
      expect(proxy.connects).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('tunnels https through HTTPS_PROXY with CONNECT, and NO_PROXY bypasses it', async () => {
    await hub.close()
    hub = await new FakeHub(repo, revision, await repoFiles()).start({
      key: testKey,
      cert: testCert
    })
    const proxy = await startLocalProxy()
    try {
      await downloadModel(
        { repo, revision },
        options({ env: { HTTPS_PROXY: proxy.url }, ca: testCert })
      )
      const hubHost = new URL(hub.hubUrl).host
      const cdnHost = new URL(hub.cdnUrl).host
      expect(proxy.connects.length).toBe(hub.requests.length) // one tunnel per request
      expect(new Set(proxy.connects)).toEqual(new Set([hubHost, cdnHost]))
      expect(proxy.forwards).toEqual([])
      expect(sha256(installedNoise())).toBe(sha256(noiseBytes))

      await registry.remove('sd-tiny-onnx')
      proxy.connects.length = 0
      await downloadModel(
        { repo, revision },
        options({ env: { https_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1' }, ca: testCert })
      )
      expect(proxy.connects).toEqual([])
    } finally {
      await proxy.close()
    }
  })

  it('refuses a second download of the same staging folder started in the same tick', async () => {
    const first = downloadModel({ repo, revision }, options())
    const second = await failure(downloadModel({ repo, revision: ` ${revision} ` }, options()))
    expect(second.code).toBe('invalid-request')
    expect(second.message).toMatch(/already being downloaded/)
    expect((await first).id).toBe('sd-tiny-onnx')
    expect(hub.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(1)
  })

  it('refuses an id another root uses before listing anything', async () => {
    const starterDir = join(root, 'starter', 'sd-tiny-onnx')
    const error = await failure(
      downloadModel(
        { repo, revision },
        options({ idOwner: async (id) => (id === 'sd-tiny-onnx' ? starterDir : undefined) })
      )
    )
    expect(error.code).toBe('invalid-request')
    expect(error.message).toContain(starterDir)
    expect(error.message).toContain('sd-tiny-onnx-2')
    expect(hub.requests).toEqual([])
    expect(existsSync(stagingDirFor(modelsDir, repo, revision))).toBe(false)
    // The staging claim was released: the same download under a free id runs.
    const ok = await downloadModel({ repo, revision, id: 'tiny-b' }, options())
    expect(ok.id).toBe('tiny-b')
  })
})
