import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
  existsSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { denoiserManifest, tinyDenoiser, writeOnnx } from '../onnx/testing/tiny-models'
import { HashCache } from './hash'
import { ModelRegistry, hashCacheFile, installInfoFile } from './registry'

let root: string
let roots: { starter: string; user: string }

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'registry-'))
  roots = { starter: join(root, 'starter'), user: join(root, 'user') }
  mkdirSync(roots.starter)
  mkdirSync(roots.user)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

/** A model folder with a tiny denoiser (external weights) and a valid manifest. */
function install(base: string, id: string, origin?: 'downloaded') {
  const dir = join(base, id)
  const spec = tinyDenoiser({ external: 'weights.pb' })
  const manifest = denoiserManifest(id, writeOnnx(dir, 'unet/model.onnx', spec), spec)
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  if (origin) writeFileSync(join(dir, installInfoFile), JSON.stringify({ origin }))
  return dir
}

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

describe('ModelRegistry', () => {
  it('lists starter and user models, and reports bad folders without failing the listing', async () => {
    install(roots.starter, 'starter-a')
    install(roots.user, 'user-b', 'downloaded')
    install(roots.user, 'user-c')
    mkdirSync(join(roots.user, 'no-manifest'))
    mkdirSync(join(roots.user, 'bad-json'))
    writeFileSync(join(roots.user, 'bad-json', 'manifest.json'), '{ nope')
    mkdirSync(join(roots.user, 'bad-schema'))
    writeFileSync(
      join(roots.user, 'bad-schema', 'manifest.json'),
      JSON.stringify({ schemaVersion: 1, id: 'Bad Id!' })
    )
    install(roots.user, 'starter-a') // same id as a starter model
    mkdirSync(join(roots.user, '.import-staging')) // working folders are never models

    const registry = new ModelRegistry(roots)
    const { models, problems } = await registry.scan()
    expect(models.map((m) => [m.manifest.id, m.origin, m.status])).toEqual([
      ['starter-a', 'starter', 'ready'],
      ['user-b', 'downloaded', 'ready'],
      ['user-c', 'imported', 'ready']
    ])
    expect(models[0].dir).toBe(join(roots.starter, 'starter-a'))
    const byDir = Object.fromEntries(
      problems.map((p) => [p.dir.slice(roots.user.length + 1), p.problem])
    )
    expect(byDir['no-manifest']).toBe('no manifest.json in the folder')
    expect(byDir['bad-json']).toMatch(/^manifest.json is not valid JSON/)
    expect(byDir['bad-schema']).toMatch(
      /^manifest.json does not fit the manifest schema: id: lowercase letters/
    )
    expect(byDir['starter-a']).toMatch(/already used by .*starter/)
    expect(await registry.list()).toHaveLength(3)
  })

  it('marks missing and wrong-size files in the listing', async () => {
    const gone = install(roots.user, 'gone')
    rmSync(join(gone, 'unet/weights.pb'))
    const resized = install(roots.user, 'resized')
    writeFileSync(join(resized, 'unet/weights.pb'), 'short')
    const models = await new ModelRegistry(roots).list()
    expect(models.map((m) => [m.manifest.id, m.status, m.problem])).toEqual([
      ['gone', 'missing-files', 'unet/weights.pb is missing'],
      ['resized', 'corrupt', 'unet/weights.pb is 5 bytes; the manifest says 64']
    ])
  })

  it('resolves a ready model and throws typed errors naming the file otherwise', async () => {
    const dir = install(roots.user, 'ok')
    const registry = new ModelRegistry(roots)
    const resolved = await registry.resolve('ok')
    expect(resolved.dir).toBe(dir)
    expect(resolved.manifest.components.denoiser?.externalData).toEqual(['unet/weights.pb'])

    const unknown = await failure(registry.resolve('nope'))
    expect(unknown.code).toBe('unknown-model')
    expect(unknown.message).toContain('Installed: ok.')

    const tampered = install(roots.user, 'tampered')
    const weights = join(tampered, 'unet/weights.pb')
    writeFileSync(weights, Buffer.alloc(64, 7)) // same size (64-byte aligned), other bytes
    const mismatch = await failure(registry.resolve('tampered'))
    expect(mismatch.code).toBe('model-corrupt')
    expect(mismatch.message).toContain(weights)
    expect(mismatch.message).toMatch(/has sha256 [0-9a-f]{12}…; the manifest says [0-9a-f]{12}…/)

    const missing = install(roots.user, 'missing')
    rmSync(join(missing, 'unet/model.onnx'))
    const e = await failure(registry.resolve('missing'))
    expect([e.code, e.message.includes(join(missing, 'unet/model.onnx'))]).toEqual([
      'model-missing',
      true
    ])
  })

  it('hashes each file once: later resolves (and new registries) use the cache until the file changes', async () => {
    const dir = install(roots.user, 'cached')
    const first = new ModelRegistry(roots)
    await first.resolve('cached')
    expect(first.hashes.counts).toEqual({ hashed: 2, cached: 0 })
    await first.resolve('cached')
    expect(first.hashes.counts).toEqual({ hashed: 2, cached: 2 })
    expect(existsSync(join(roots.user, hashCacheFile))).toBe(true)

    const second = new ModelRegistry(roots) // a new process: the cache file is read back
    await second.resolve('cached')
    expect(second.hashes.counts).toEqual({ hashed: 0, cached: 2 })

    const later = new Date(Date.now() + 5000)
    utimesSync(join(dir, 'unet/weights.pb'), later, later) // touched: hashed again
    const third = new ModelRegistry(roots, {
      hashCache: new HashCache(join(roots.user, hashCacheFile))
    })
    await third.resolve('cached')
    expect(third.hashes.counts).toEqual({ hashed: 1, cached: 1 })
  })

  it('verify re-hashes every file and reports each one', async () => {
    const dir = install(roots.user, 'v')
    const registry = new ModelRegistry(roots)
    await registry.resolve('v')
    const ok = await registry.verify('v')
    expect(ok).toMatchObject({ id: 'v', ok: true })
    expect(registry.hashes.counts.hashed).toBe(4) // forced, despite the cache
    writeFileSync(join(dir, 'unet/weights.pb'), Buffer.alloc(64))
    const bad = await registry.verify('v')
    expect(bad.ok).toBe(false)
    expect(bad.files.map((f) => [f.path, f.ok])).toEqual([
      ['unet/model.onnx', true],
      ['unet/weights.pb', false]
    ])
  })

  it('removes user models and refuses starter models', async () => {
    install(roots.starter, 'bundled')
    const dir = install(roots.user, 'mine')
    const registry = new ModelRegistry(roots)
    await registry.resolve('mine')
    expect(await registry.remove('mine')).toEqual({ dir })
    expect(existsSync(dir)).toBe(false)
    expect(readdirSync(roots.user).filter((n) => !n.startsWith('.hash'))).toEqual([])
    expect((await registry.list()).map((m) => m.manifest.id)).toEqual(['bundled'])
    const refused = await failure(registry.remove('bundled'))
    expect(refused.code).toBe('invalid-request')
    expect(refused.message).toMatch(/starter model bundled with the studio/)
    expect(existsSync(join(roots.starter, 'bundled'))).toBe(true)
  })

  it('lists nothing (and does not throw) when the folders do not exist yet', async () => {
    const registry = new ModelRegistry({
      starter: join(root, 'none-a'),
      user: join(root, 'none-b')
    })
    expect(await registry.scan()).toEqual({ models: [], problems: [] })
  })
})
