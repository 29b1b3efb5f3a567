import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { listFiles } from './files'
import {
  discardPartialDownload,
  downloadModel,
  importModel,
  listCatalogue,
  listModels,
  removeModel,
  verifyModel,
  type ModelsContext
} from './commands'
import { FakeHub } from './download/testing/fake-hub'
import { writeDiffusersFolder } from './testing/diffusers-fixture'

let root: string
let ctx: ModelsContext
let hub: FakeHub

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'commands-'))
  const source = join(root, 'src')
  writeDiffusersFolder(source)
  const files = (await listFiles(source)).map((path) => ({
    path,
    bytes: readFileSync(join(source, path))
  }))
  hub = await new FakeHub('org/tiny', 'main', files).start()
  mkdirSync(join(root, 'starter'))
  ctx = {
    roots: { starter: join(root, 'starter'), user: join(root, 'models') },
    hubUrl: hub.hubUrl,
    env: {}
  }
})
afterEach(async () => {
  await hub.close()
  rmSync(root, { recursive: true, force: true })
})

describe('model commands', () => {
  it('import, download, list, verify and remove return plain data', async () => {
    const imported = await importModel(join(root, 'src'), { id: 'local' }, ctx)
    expect(imported).toMatchObject({
      id: 'local',
      dir: join(root, 'models', 'local'),
      skipped: ['unet/diffusion_pytorch_model.safetensors']
    })

    const progress: string[] = []
    const downloaded = await downloadModel(
      'org/tiny',
      undefined,
      { onProgress: (p) => progress.push(p.phase) },
      ctx
    )
    expect(downloaded).toMatchObject({
      id: 'tiny',
      repo: 'org/tiny',
      revision: 'main',
      catalogueWarnings: []
    })
    expect(downloaded.fetchedBytes).toBeGreaterThan(0)
    expect(progress).toContain('downloading')

    writeFileSync(join(root, 'models', 'local', 'unet', 'weights.pb'), Buffer.alloc(64))
    const listing = await listModels(ctx)
    expect(listing.models.map((m) => [m.manifest.id, m.origin])).toEqual([
      ['local', 'imported'],
      ['tiny', 'downloaded']
    ])
    expect(JSON.parse(JSON.stringify(listing))).toEqual(listing) // plain data
    const verified = await verifyModel(undefined, ctx)
    expect(verified.map((v) => [v.id, v.ok])).toEqual([
      ['local', false],
      ['tiny', true]
    ])
    expect(await removeModel('local', ctx)).toEqual({
      id: 'local',
      dir: join(root, 'models', 'local')
    })
    expect((await listModels(ctx)).models.map((m) => m.manifest.id)).toEqual(['tiny'])
  })

  it('uses HF_TOKEN from the environment, and lists and discards paused downloads', async () => {
    hub.token = 'from-env'
    const controller = new AbortController()
    const paused = await downloadModel(
      'org/tiny',
      'main',
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.file === 'unet/weights.pb' && p.fileBytes > 0) controller.abort()
        }
      },
      { ...ctx, env: { HF_TOKEN: 'from-env' } }
    ).catch((e: Error & { code?: string }) => e)
    expect((paused as { code?: string }).code).toBe('cancelled')
    const listing = await listModels(ctx)
    expect(listing.models).toEqual([])
    expect(listing.partialDownloads).toMatchObject([{ repo: 'org/tiny', revision: 'main' }])
    expect(await discardPartialDownload('org/tiny', 'main', ctx)).toEqual({ discarded: true })
    expect((await listModels(ctx)).partialDownloads).toEqual([])
  })

  it('lists the catalogue', async () => {
    const entries = await listCatalogue()
    expect(entries.every((e) => e.verified === false)).toBe(true)
  })
})
