import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HashCache } from './hash'

let root: string
let cacheFile: string
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hash-'))
  cacheFile = join(root, '.hash-cache.json')
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function file(name: string, text: string, mtimeSeconds?: number): string {
  const path = join(root, name)
  writeFileSync(path, text)
  if (mtimeSeconds !== undefined) utimesSync(path, mtimeSeconds, mtimeSeconds)
  return path
}

describe('HashCache shared by two processes', () => {
  it('sees entries another instance saved after it loaded, without hashing again', async () => {
    const a = file('a.onnx', 'weights a')
    const engine = new HashCache(cacheFile)
    expect(await engine.cached(a)).toBeUndefined() // loaded (no file yet)
    const cli = new HashCache(cacheFile)
    await cli.hash(a)
    await cli.save()
    expect(await engine.hash(a)).toBe(sha256('weights a'))
    expect(engine.counts).toEqual({ hashed: 0, cached: 1 })
  })

  it("merges on save: neither instance loses the other's entries", async () => {
    const a = file('a.onnx', 'weights a')
    const b = file('b.onnx', 'weights b')
    const first = new HashCache(cacheFile)
    const second = new HashCache(cacheFile)
    await first.hash(a)
    await second.hash(b)
    await first.save()
    await second.save() // before the fix: overwrote first's entry for a
    const later = new HashCache(cacheFile)
    expect(await later.cached(a)).toBe(sha256('weights a'))
    expect(await later.cached(b)).toBe(sha256('weights b'))
    await first.save() // nothing new: still both
    expect(Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')) as object).sort()).toEqual([
      a,
      b
    ])
  })

  it('keeps the entry for the newer file when both instances hashed the same path', async () => {
    const path = file('m.onnx', 'old weights', 1_000_000)
    const stale = new HashCache(cacheFile)
    await stale.hash(path)
    file('m.onnx', 'new weights!', 2_000_000)
    const fresh = new HashCache(cacheFile)
    await fresh.hash(path)
    await fresh.save()
    await stale.save() // its entry is for the old file: the newer one wins
    const later = new HashCache(cacheFile)
    expect(await later.cached(path)).toBe(sha256('new weights!'))
  })

  it('a forgotten folder stays forgotten, and saving leaves no temporary files', async () => {
    const a = file('a.onnx', 'weights a')
    const b = file('b.onnx', 'weights b')
    const engine = new HashCache(cacheFile)
    await engine.hash(a)
    await engine.save()
    const cli = new HashCache(cacheFile)
    cli.forget(a)
    await cli.hash(b)
    await cli.save()
    await engine.hash(b) // reloads: b is cached, a is gone
    expect(engine.counts).toEqual({ hashed: 1, cached: 1 })
    engine.remember(b, 1, 1, sha256('x'))
    await engine.save()
    expect(Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')) as object)).toEqual([b])
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })
})
