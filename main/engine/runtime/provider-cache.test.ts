import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { chooseProvider, type ProviderName } from './providers'
import { ProviderProbeCache, probeKey } from './provider-cache'

const work = mkdtempSync(join(tmpdir(), 'probe-cache-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))
let files = 0
const cacheFile = () => join(work, `providers-${files++}.json`)

/** A probe where only `working` load; counts what it tried. */
function fakeProbe(working: ProviderName[]) {
  const tried: ProviderName[] = []
  const tryCreate = async (p: ProviderName) => {
    tried.push(p)
    if (!working.includes(p)) throw new Error(`${p} failed to load`)
  }
  return { tried, tryCreate }
}

/** One engine start: the choice with what the cache knows, then the record written. */
async function start(
  cache: ProviderProbeCache,
  device: 'auto' | ProviderName,
  working: ProviderName[]
) {
  const probe = fakeProbe(working)
  const choice = await chooseProvider(device, {
    tryCreate: probe.tryCreate,
    platform: 'linux',
    deviceName: () => 'dev',
    known: cache.missing()
  })
  cache.write(choice.providers)
  return { ...choice, tried: probe.tried }
}

describe('the provider probe cache', () => {
  it('a second start probes only the provider it uses; the reasons stay, marked cached', async () => {
    const cache = new ProviderProbeCache(cacheFile(), 'machine-a')
    const first = await start(cache, 'auto', ['cpu'])
    expect(first.tried).toEqual(['cuda', 'webgpu', 'cpu'])
    const second = await start(cache, 'auto', ['cpu'])
    expect(second.tried).toEqual(['cpu'])
    expect(second.execution).toEqual(first.execution)
    expect(second.providers.map((p) => [p.name, p.available, p.reason, p.cached])).toEqual([
      ['cuda', false, 'cuda failed to load', true],
      ['dml', false, 'DirectML is only available on Windows', undefined],
      ['coreml', false, 'Core ML is only available on macOS', undefined],
      ['webgpu', false, 'webgpu failed to load', true],
      ['cpu', true, undefined, undefined]
    ])
    // A third start still knows (the file keeps the reasons, not the `cached` marks).
    expect((await start(cache, 'auto', ['cpu'])).tried).toEqual(['cpu'])
  })

  it('probes everything again on another machine or onnxruntime version, or after clear()', async () => {
    const file = cacheFile()
    await start(new ProviderProbeCache(file, 'machine-a'), 'auto', ['cpu'])
    expect((await start(new ProviderProbeCache(file, 'machine-b'), 'auto', ['cpu'])).tried).toEqual(
      ['cuda', 'webgpu', 'cpu']
    )
    const cache = new ProviderProbeCache(file, 'machine-b')
    expect((await start(cache, 'auto', ['cpu'])).tried).toEqual(['cpu'])
    cache.clear()
    expect((await start(cache, 'auto', ['webgpu', 'cpu'])).tried).toEqual(['cuda', 'webgpu'])
  })

  it('a device asked for by name is probed even when known missing', async () => {
    const cache = new ProviderProbeCache(cacheFile(), 'machine-a')
    await start(cache, 'auto', ['cpu'])
    const asked = await start(cache, 'cuda', ['cuda', 'cpu'])
    expect(asked.tried).toEqual(['cuda'])
    expect(asked.execution.provider).toBe('cuda')
    // What that probe found replaces the old knowledge: cuda works now.
    expect(cache.missing().has('cuda')).toBe(false)
    expect((await start(cache, 'auto', ['cuda', 'cpu'])).tried).toEqual(['cuda'])
  })

  it('keeps what a start did not try (providers after the chosen one)', async () => {
    const cache = new ProviderProbeCache(cacheFile(), 'machine-a')
    await start(cache, 'auto', ['cpu'])
    // Asked for cpu: cuda and webgpu are "not tried", and stay known missing.
    await start(cache, 'cpu', ['cpu'])
    expect([...cache.missing().keys()]).toEqual(['cuda', 'webgpu'])
  })

  it('a missing, corrupt or foreign file means probing; a write leaves no temporary file', async () => {
    const file = cacheFile()
    expect(new ProviderProbeCache(file, 'k').read()).toBeUndefined()
    writeFileSync(file, '{ not json')
    expect(new ProviderProbeCache(file, 'k').missing().size).toBe(0)
    writeFileSync(file, JSON.stringify({ key: 'k', probedAt: 'x', providers: [{ name: 'tpu' }] }))
    expect(new ProviderProbeCache(file, 'k').read()).toBeUndefined()
    await start(new ProviderProbeCache(file, 'k'), 'auto', ['cpu'])
    expect(JSON.parse(readFileSync(file, 'utf8')).key).toBe('k')
    expect(readFileSync(file, 'utf8')).not.toContain('cached')
  })

  it('keys on the onnxruntime version and the library search path', () => {
    const base = probeKey('1.30.0', { LD_LIBRARY_PATH: '/a' })
    expect(probeKey('1.30.0', { LD_LIBRARY_PATH: '/a' })).toBe(base)
    expect(probeKey('1.31.0', { LD_LIBRARY_PATH: '/a' })).not.toBe(base)
    expect(probeKey('1.30.0', { LD_LIBRARY_PATH: '/usr/local/cuda/lib64' })).not.toBe(base)
  })

  it('keys on the NVIDIA driver version and onnxruntime-node’s native files', () => {
    const driverFile = join(work, 'nvidia-version')
    const ortBinDir = join(work, 'ort-bin')
    mkdirSync(ortBinDir)
    writeFileSync(join(ortBinDir, 'onnxruntime_binding.node'), 'abc')
    writeFileSync(driverFile, 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14\nGCC\n')
    const key = () => probeKey('1.30.0', {}, { driverFile, ortBinDir })
    const base = key()
    expect(key()).toBe(base)
    writeFileSync(driverFile, 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  560.35.03\nGCC\n')
    const newDriver = key()
    expect(newDriver).not.toBe(base)
    writeFileSync(join(ortBinDir, 'libonnxruntime_providers_cuda.so'), 'cuda')
    const newProvider = key()
    expect(newProvider).not.toBe(newDriver)
    writeFileSync(join(ortBinDir, 'libonnxruntime_providers_cuda.so'), 'cuda 12')
    expect(key()).not.toBe(newProvider)
    // A cache written under the old key is not trusted under the new one.
    const file = cacheFile()
    new ProviderProbeCache(file, base).write([
      { name: 'cuda', available: false, reason: 'cuda failed to load' }
    ])
    expect(new ProviderProbeCache(file, base).missing().has('cuda')).toBe(true)
    expect(new ProviderProbeCache(file, key()).missing().size).toBe(0)
  })
})
