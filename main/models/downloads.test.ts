import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StudioError, type ModelEvent } from '../contract'
import { loadCatalogue } from './catalogue'
import { listModels, type ModelsContext } from './commands'
import { FakeHub } from './download/testing/fake-hub'
import { DownloadManager } from './downloads'
import { listFiles } from './files'
import { writeDiffusersFolder } from './testing/diffusers-fixture'

const noise = 'samples/noise.dat' // 256 kB, so a pause lands mid-file
let root: string
let ctx: ModelsContext
let hub: FakeHub
let manager: DownloadManager
let events: ModelEvent[]

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'downloads-'))
  const source = join(root, 'src')
  writeDiffusersFolder(source)
  const files = (await listFiles(source)).map((path) => ({
    path,
    bytes: readFileSync(join(source, path))
  }))
  files.push({ path: noise, bytes: randomBytes(256 * 1024) })
  hub = await new FakeHub('org/tiny', 'main', files).start()
  mkdirSync(join(root, 'starter'))
  ctx = {
    roots: { starter: join(root, 'starter'), user: join(root, 'models') },
    hubUrl: hub.hubUrl,
    env: {}
  }
  manager = new DownloadManager(ctx)
  events = []
  manager.on((e) => events.push(e))
})
afterEach(async () => {
  manager.dispose()
  await hub.close()
  rmSync(root, { recursive: true, force: true })
})

const of = (id: string, type: ModelEvent['type']) =>
  events.filter((e) => e.downloadId === id && e.type === type)

describe('DownloadManager', () => {
  it('emits progress, then done with the installed id; the model is listed', async () => {
    const { downloadId } = await manager.start({ repo: 'org/tiny' })
    expect(manager.running).toEqual([downloadId])
    await manager.settled(downloadId)
    const progress = of(downloadId, 'download-progress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({ repo: 'org/tiny' })
    for (const p of progress)
      if (p.type === 'download-progress') expect(p.bytes).toBeGreaterThanOrEqual(0)
    expect(of(downloadId, 'download-done')).toEqual([
      { type: 'download-done', downloadId, id: 'tiny', warnings: expect.any(Array) }
    ])
    expect(manager.running).toEqual([])
    expect((await listModels(ctx)).models.map((m) => m.manifest.id)).toEqual(['tiny'])
    expect(manager.cancel(downloadId)).toBe(false)
  })

  it('refuses a second download of the same repo while one runs', async () => {
    hub.slow = { path: noise, chunk: 4096, everyMs: 5 }
    const { downloadId } = await manager.start({ repo: 'org/tiny' })
    await expect(manager.start({ repo: 'org/tiny', revision: 'main' })).rejects.toThrow(/already/)
    manager.cancel(downloadId)
    await manager.settled(downloadId)
  })

  it('cancel pauses: download-paused, the parts stay, and starting again resumes', async () => {
    hub.slow = { path: noise, chunk: 4096, everyMs: 5 }
    const { downloadId } = await manager.start({ repo: 'org/tiny' })
    const stop = manager.on((e) => {
      if (e.type === 'download-progress' && e.file === noise && e.bytes > 0) {
        expect(manager.cancel(downloadId)).toBe(true)
      }
    })
    await manager.settled(downloadId)
    stop()
    expect(of(downloadId, 'download-paused')).toEqual([{ type: 'download-paused', downloadId }])
    expect(of(downloadId, 'download-done')).toEqual([])
    const listing = await listModels(ctx)
    expect(listing.models).toEqual([])
    expect(listing.partialDownloads.map((p) => p.repo)).toEqual(['org/tiny'])

    hub.slow = undefined
    const again = await manager.start({ repo: 'org/tiny' })
    await manager.settled(again.downloadId)
    expect(of(again.downloadId, 'download-done')).toHaveLength(1)
    expect((await listModels(ctx)).partialDownloads).toEqual([])
  })

  it('a failure is download-failed with the typed error; the token reaches the hub only', async () => {
    hub.token = 'hf_secret'
    const anonymous = await manager.start({ repo: 'org/tiny' })
    await manager.settled(anonymous.downloadId)
    const [failed] = of(anonymous.downloadId, 'download-failed')
    expect(failed).toMatchObject({ error: { code: 'gated' } })

    const missing = await manager.start({ repo: 'org/nope', token: 'hf_secret' })
    await manager.settled(missing.downloadId)
    expect(of(missing.downloadId, 'download-failed')[0]).toMatchObject({
      error: { code: 'not-found' }
    })

    const authorised = await manager.start({ repo: 'org/tiny', token: 'hf_secret' })
    await manager.settled(authorised.downloadId)
    expect(of(authorised.downloadId, 'download-done')).toHaveLength(1)
    expect(hub.requests.some((r) => r.authorization === 'Bearer hf_secret')).toBe(true)
    expect(JSON.stringify(events)).not.toContain('hf_secret')
  })

  it('a catalogue id and its owner/name@revision are the same download: the second is refused', async () => {
    const [entry] = (await loadCatalogue()).entries.filter((e) => e.id === 'sd15-onnx')
    expect(entry).toBeDefined()
    const [first, second] = await Promise.allSettled([
      manager.start({ repo: 'sd15-onnx' }),
      manager.start({ repo: entry!.repo, revision: entry!.revision })
    ])
    expect(first.status).toBe('fulfilled')
    expect(second.status).toBe('rejected')
    const error = (second as PromiseRejectedResult).reason as StudioError
    expect(error).toBeInstanceOf(StudioError)
    expect(error.code).toBe('invalid-request')
    expect(error.message).toContain(`${entry!.repo}@${entry!.revision}`)
    const { downloadId } = (first as PromiseFulfilledResult<{ downloadId: string }>).value
    expect(manager.active).toEqual([{ downloadId, repo: entry!.repo, revision: entry!.revision }])
    manager.cancel(downloadId)
    await manager.settled(downloadId)
    expect(manager.active).toEqual([])
  })

  it('passes the requested id through', async () => {
    const { downloadId } = await manager.start({ repo: 'org/tiny', id: 'tiny-custom' })
    await manager.settled(downloadId)
    expect(of(downloadId, 'download-done')[0]).toMatchObject({ id: 'tiny-custom' })
  })
})
