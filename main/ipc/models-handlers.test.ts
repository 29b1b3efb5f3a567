import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { StudioError, type ModelEvent } from '../contract'
import { createStudio, type Studio } from './studio'
import { FakeEngine } from '../jobs/testing/fake-engine'
import { listFiles } from '../models/files'
import { FakeHub } from '../models/download/testing/fake-hub'
import { writeDiffusersFolder } from '../models/testing/diffusers-fixture'
import { createDispatch, createHandlers, type Dispatch } from './handlers'

const starterEmoji = resolve(
  fileURLToPath(new URL('../../native-models/starter/emoji-32', import.meta.url))
)

let root: string
let studio: Studio
let dispatch: Dispatch
let hub: FakeHub
let engine: FakeEngine

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'model-verbs-'))
  const source = join(root, 'hub-src')
  writeDiffusersFolder(source)
  const files = (await listFiles(source)).map((path) => ({
    path,
    bytes: readFileSync(join(source, path))
  }))
  hub = await new FakeHub('org/tiny', 'main', files).start()
  mkdirSync(join(root, 'starter'))
  cpSync(starterEmoji, join(root, 'starter', 'emoji-32'), { recursive: true })
  studio = createStudio({
    dataDir: join(root, 'data'),
    spawnEngine: (engine = new FakeEngine()).spawn,
    roots: { starter: join(root, 'starter'), user: join(root, 'models') },
    models: { hubUrl: hub.hubUrl, env: {} }
  })
  dispatch = createDispatch(createHandlers(studio))
})
afterEach(async () => {
  studio.close()
  await hub.close()
  rmSync(root, { recursive: true, force: true })
})

async function errorOf(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof StudioError))
    throw new Error(`expected a StudioError, got ${String(error)}`)
  return error
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof StudioError ? error.code : 'untyped'
  }
}

const ids = async () =>
  ((await dispatch('listModels', undefined)) as { manifest: { id: string } }[]).map(
    (m) => m.manifest.id
  )

describe('model verbs', () => {
  it('imports a copy of the starter model by path, lists it, and removes it', async () => {
    const copy = join(root, 'elsewhere', 'emoji')
    cpSync(starterEmoji, copy, { recursive: true })
    const summary = await dispatch('importModel', { path: copy, id: 'my-emoji', name: 'Mine' })
    expect(summary).toMatchObject({ id: 'my-emoji', dir: join(root, 'models', 'my-emoji') })
    expect(Object.keys(summary as object).sort()).toEqual(['dir', 'id', 'warnings'])
    expect(await ids()).toContain('my-emoji')

    const listing = (await dispatch('scanModels', undefined)) as {
      models: { manifest: { id: string; name: string }; origin: string }[]
      problems: unknown[]
      partialDownloads: unknown[]
    }
    expect(listing.models.map((m) => [m.manifest.id, m.origin]).sort()).toEqual([
      ['emoji-32', 'starter'],
      ['my-emoji', 'imported']
    ])
    expect(listing.models.find((m) => m.manifest.id === 'my-emoji')?.manifest.name).toBe('Mine')

    expect(await dispatch('removeModel', { id: 'my-emoji' })).toEqual({ id: 'my-emoji' })
    expect(await ids()).toEqual(['emoji-32'])
  })

  it('imports a diffusers folder and reports its warnings', async () => {
    const folder = join(root, 'diffusers')
    writeDiffusersFolder(folder)
    const summary = (await dispatch('importModel', { path: folder, id: 'local' })) as {
      warnings: string[]
    }
    expect(Array.isArray(summary.warnings)).toBe(true)
    expect(await ids()).toContain('local')
  })

  it('rejects hostile or wrong requests with typed errors', async () => {
    for (const request of [
      { path: 'relative/folder' },
      { path: '../../etc' },
      { path: '/tmp/x\0y' },
      { path: join(root, 'diffusers'), id: '../escape' },
      { path: join(root, 'diffusers'), id: 'UPPER' },
      { path: 42 },
      undefined
    ]) {
      expect(await codeOf(dispatch('importModel', request))).toBe('invalid-request')
    }
    expect(await codeOf(dispatch('importModel', { path: join(root, 'missing') }))).not.toBe(
      'resolved'
    )
    for (const request of [{ id: '../models' }, { id: '' }, { id: 'a/b' }, {}]) {
      expect(await codeOf(dispatch('removeModel', request))).toBe('invalid-request')
    }
    // A starter model is part of the studio.
    expect(await codeOf(dispatch('removeModel', { id: 'emoji-32' }))).toBe('invalid-request')
    expect(await codeOf(dispatch('removeModel', { id: 'nobody' }))).toBe('unknown-model')
    for (const request of [
      { repo: '../../etc/passwd' },
      { repo: 'a/b/c' },
      { repo: 'org/tiny', revision: '../x' },
      { repo: 'org/tiny', token: 'x'.repeat(10_000) },
      { repo: '' }
    ]) {
      expect(await codeOf(dispatch('startDownload', request))).toBe('invalid-request')
    }
    expect(await codeOf(dispatch('cancelDownload', { downloadId: 'x'.repeat(100) }))).toBe(
      'invalid-request'
    )
    expect(await dispatch('cancelDownload', { downloadId: 'nope' })).toEqual({ cancelled: false })
    expect(await ids()).toEqual(['emoji-32'])
  })

  it('startDownload runs in the background and reports through model events', async () => {
    const events: ModelEvent[] = []
    studio.downloads.on((e) => events.push(e))
    const { downloadId } = (await dispatch('startDownload', { repo: 'org/tiny' })) as {
      downloadId: string
    }
    await studio.downloads.settled(downloadId)
    expect(events.at(-1)).toMatchObject({ type: 'download-done', downloadId, id: 'tiny' })
    expect(await ids()).toContain('tiny')
    const catalogue = (await dispatch('listCatalogue', undefined)) as { verified: boolean }[]
    expect(Array.isArray(catalogue)).toBe(true)
  })

  it('refuses an import under an id a starter model uses, before copying anything', async () => {
    const copy = join(root, 'elsewhere', 'emoji')
    cpSync(starterEmoji, copy, { recursive: true })
    const error = await errorOf(dispatch('importModel', { path: copy, id: 'emoji-32' }))
    expect(error.code).toBe('invalid-request')
    expect(error.message).toContain(join(root, 'starter', 'emoji-32'))
    expect(error.message).toMatch(/another id, e\.g\. emoji-32-2/)
    expect(existsSync(join(root, 'models', 'emoji-32'))).toBe(false)
    expect(readdirSync(join(root, 'models')).filter((n) => n.startsWith('.import'))).toEqual([])
  })

  it('refuses a download under a taken id before asking the hub; another id installs', async () => {
    const events: ModelEvent[] = []
    studio.downloads.on((e) => events.push(e))
    const taken = (await dispatch('startDownload', { repo: 'org/tiny', id: 'emoji-32' })) as {
      downloadId: string
    }
    await studio.downloads.settled(taken.downloadId)
    expect(events.at(-1)).toMatchObject({
      type: 'download-failed',
      downloadId: taken.downloadId,
      error: { code: 'invalid-request', message: expect.stringContaining('emoji-32-2') }
    })
    expect(hub.requests).toEqual([])
    expect(await codeOf(dispatch('startDownload', { repo: 'org/tiny', id: 'Bad/Id' }))).toBe(
      'invalid-request'
    )
    const other = (await dispatch('startDownload', { repo: 'org/tiny', id: 'tiny-2' })) as {
      downloadId: string
    }
    await studio.downloads.settled(other.downloadId)
    expect(events.at(-1)).toMatchObject({ type: 'download-done', id: 'tiny-2' })
    expect(await ids()).toContain('tiny-2')
  })

  it('scanModels lists the running downloads', async () => {
    hub.slow = { path: 'unet/model.onnx', chunk: 64, everyMs: 20 }
    const { downloadId } = (await dispatch('startDownload', { repo: 'org/tiny' })) as {
      downloadId: string
    }
    const listing = (await dispatch('scanModels', undefined)) as { activeDownloads: unknown[] }
    expect(listing.activeDownloads).toEqual([{ downloadId, repo: 'org/tiny', revision: 'main' }])
    studio.downloads.cancel(downloadId)
    await studio.downloads.settled(downloadId)
    expect(
      ((await dispatch('scanModels', undefined)) as { activeDownloads: unknown[] }).activeDownloads
    ).toEqual([])
  })

  it('refuses to remove a model a queued or running job uses', async () => {
    const copy = join(root, 'elsewhere', 'emoji')
    cpSync(starterEmoji, copy, { recursive: true })
    await dispatch('importModel', { path: copy, id: 'my-emoji' })
    engine.behaviour = 'hang'
    const running = (await dispatch('enqueueJob', {
      task: 'image.generate',
      model: 'my-emoji'
    })) as { id: string }
    const queued = (await dispatch('enqueueJob', {
      task: 'image.generate',
      model: 'my-emoji'
    })) as { id: string }
    const error = await errorOf(dispatch('removeModel', { id: 'my-emoji' }))
    expect(error.code).toBe('invalid-request')
    expect(error.message).toContain(running.id)
    expect(error.message).toContain(queued.id)
    expect(await ids()).toContain('my-emoji')
    void studio.queue.cancel(queued.id)
    engine.behaviour = 'normal'
    void studio.queue.cancel(running.id)
    await studio.queue.drained()
    expect(await dispatch('removeModel', { id: 'my-emoji' })).toEqual({ id: 'my-emoji' })
  })

  it('a filesystem failure while removing is a typed error naming the folder', async () => {
    const copy = join(root, 'elsewhere', 'emoji')
    cpSync(starterEmoji, copy, { recursive: true })
    await dispatch('importModel', { path: copy, id: 'my-emoji' })
    const now = vi.spyOn(Date, 'now').mockReturnValue(1234)
    try {
      // The trash folder's name is taken by a non-empty folder: the rename fails.
      const blocker = join(root, 'models', `.removing-my-emoji-${process.pid}-1234`)
      mkdirSync(blocker)
      writeFileSync(join(blocker, 'x'), 'x')
      const error = await errorOf(dispatch('removeModel', { id: 'my-emoji' }))
      expect(error.code).toBe('internal')
      expect(error.message).toContain(join(root, 'models', 'my-emoji'))
    } finally {
      now.mockRestore()
    }
    expect(await ids()).toContain('my-emoji')
  })
})
