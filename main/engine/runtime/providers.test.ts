import { describe, expect, it } from 'vitest'
import { StudioError } from '../../contract'
import { chooseProvider, tryCreateWithOrt, type ProviderName } from './providers'
import { shortOrtMessage } from './ort-errors'

/** A probe where only `working` providers load; records what was tried, in order. */
function fakeProbe(working: ProviderName[], reasons: Partial<Record<ProviderName, string>> = {}) {
  const tried: ProviderName[] = []
  const tryCreate = async (p: ProviderName) => {
    tried.push(p)
    if (!working.includes(p)) throw new Error(reasons[p] ?? `${p} failed to load`)
  }
  return { tried, tryCreate }
}

describe('chooseProvider', () => {
  it('tries cuda, webgpu, cpu on Linux (dml and coreml gated) and records each failure', async () => {
    const { tried, tryCreate } = fakeProbe(['cpu'])
    const choice = await chooseProvider('auto', {
      tryCreate,
      platform: 'linux',
      deviceName: () => 'Test CPU'
    })
    expect(tried).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(choice.execution).toEqual({
      provider: 'cpu',
      deviceName: 'Test CPU',
      fallbackReason: 'using cpu because cuda: cuda failed to load; webgpu: webgpu failed to load'
    })
    expect(choice.providers.map((p) => [p.name, p.available, p.reason])).toEqual([
      ['cuda', false, 'cuda failed to load'],
      ['dml', false, 'DirectML is only available on Windows'],
      ['coreml', false, 'Core ML is only available on macOS'],
      ['webgpu', false, 'webgpu failed to load'],
      ['cpu', true, undefined]
    ])
  })

  it('takes the first that works and does not probe the rest', async () => {
    const { tried, tryCreate } = fakeProbe(['dml', 'webgpu', 'cpu'])
    const choice = await chooseProvider('auto', {
      tryCreate,
      platform: 'win32',
      deviceName: (p) => `dev-${p}`
    })
    expect(tried).toEqual(['cuda', 'dml'])
    expect(choice.execution.provider).toBe('dml')
    expect(choice.providers.find((p) => p.name === 'webgpu')?.reason).toBe(
      'not tried: dml was chosen first'
    )
    expect(choice.providers.find((p) => p.name === 'coreml')?.reason).toBe(
      'not tried: dml was chosen first'
    )
  })

  it('falls back from an unavailable override with the reason, instead of failing', async () => {
    const { tried, tryCreate } = fakeProbe(['webgpu', 'cpu'], {
      cuda: 'Failed to load shared library'
    })
    const choice = await chooseProvider('cuda', { tryCreate, platform: 'linux' })
    expect(tried).toEqual(['cuda', 'webgpu'])
    expect(choice.execution.provider).toBe('webgpu')
    expect(choice.execution.fallbackReason).toMatch(
      /^cuda was requested but is not available \(the CUDA provider libraries are not installed .*\); using webgpu$/
    )
  })

  it('an override gated by the platform falls back and says why', async () => {
    const { tried, tryCreate } = fakeProbe(['cpu'])
    const choice = await chooseProvider('coreml', { tryCreate, platform: 'linux' })
    expect(tried).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(choice.execution.fallbackReason).toBe(
      'coreml was requested but is not available (Core ML is only available on macOS); using cpu'
    )
  })

  it('honours an override that works, with no fallback reason', async () => {
    const { tried, tryCreate } = fakeProbe(['cuda', 'cpu'])
    const choice = await chooseProvider('cpu', {
      tryCreate,
      platform: 'linux',
      deviceName: () => 'x'
    })
    expect(tried).toEqual(['cpu'])
    expect(choice.execution).toEqual({ provider: 'cpu', deviceName: 'x' })
  })

  it('uses the device name a probe reports', async () => {
    const choice = await chooseProvider('auto', {
      tryCreate: async (p) =>
        p === 'webgpu' ? { deviceName: 'Adapter 9' } : Promise.reject(new Error('no')),
      platform: 'darwin'
    })
    expect(choice.execution.deviceName).toBe('Adapter 9')
    expect(choice.providers.find((p) => p.name === 'webgpu')?.deviceName).toBe('Adapter 9')
  })

  it('throws provider-unavailable listing every reason when nothing works', async () => {
    const { tryCreate } = fakeProbe([])
    const error = await chooseProvider('auto', { tryCreate, platform: 'linux' }).catch((e) => e)
    expect(error).toBeInstanceOf(StudioError)
    expect(error.code).toBe('provider-unavailable')
    expect(error.message).toMatch(
      /cuda: cuda failed to load; webgpu: webgpu failed to load; cpu: cpu failed to load/
    )
  })

  it('the real probe runs a session on the CPU provider, and a made-up provider fails with a reason', async () => {
    await expect(tryCreateWithOrt('cpu')).resolves.toBeUndefined()
    const choice = await chooseProvider('auto', { platform: 'linux' })
    expect(choice.providers.find((p) => p.name === 'cpu')).toBeDefined()
    expect(['cuda', 'webgpu', 'cpu']).toContain(choice.execution.provider)
    for (const p of choice.providers) {
      if (!p.available) expect(p.reason).toBeTruthy()
      else expect(p.deviceName).toBeTruthy()
    }
  })

  it('shortens onnxruntime messages to the part a user can act on', () => {
    expect(
      shortOrtMessage(
        '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n'
      )
    ).toBe('Failed to get a WebGPU adapter: No supported adapters')
    expect(
      shortOrtMessage(
        'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library'
      )
    ).toBe('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library')
  })
})
