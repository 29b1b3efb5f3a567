// Execution-provider choice: probe each provider with a tiny session, in the studio's order, take the
// first that works, and say why every other one was passed over.
import * as ort from 'onnxruntime-node'
import {
  StudioError,
  providerNames,
  type Device,
  type Execution,
  type ProviderName,
  type ProviderProbe
} from '../../contract'
import { probeModel } from '../../onnx/onnx-builder'
import { shortOrtMessage } from './ort-errors'
import { deviceNameFor } from './device-names'

export const providerOrder = providerNames
export type { ProviderName }

/**
 * Tries to create and run a session on `provider`. Resolves (optionally with the device name) when it
 * works, rejects with the reason when it does not. Injectable so tests can simulate providers.
 */
export type ProviderProbeFn = (provider: ProviderName) => Promise<{ deviceName?: string } | void>

/** Why a provider cannot exist on this platform, or undefined when it might. */
export function platformGate(provider: ProviderName, os: NodeJS.Platform): string | undefined {
  switch (provider) {
    case 'dml':
      return os === 'win32' ? undefined : 'DirectML is only available on Windows'
    case 'coreml':
      return os === 'darwin' ? undefined : 'Core ML is only available on macOS'
    case 'cuda':
      return os === 'linux' || os === 'win32'
        ? undefined
        : 'CUDA is only available on Linux and Windows'
    default:
      return undefined
  }
}

/** The session-options entry for a provider. Static shapes let WebGPU reuse exact-size buffers. */
export function providerConfig(
  provider: ProviderName,
  staticShapes = false
): ort.InferenceSession.ExecutionProviderConfig {
  switch (provider) {
    case 'cuda':
    case 'dml':
      return { name: provider, deviceId: 0 }
    case 'webgpu':
      // Outputs stay on the host: feeding a 'gpu-buffer' output back in aborts onnxruntime-node 1.30.
      return { name: 'webgpu', storageBufferCacheMode: staticShapes ? 'simple' : 'bucket' }
    default:
      return provider
  }
}

/** Adds the fix to the reasons users hit most. */
function explain(provider: ProviderName, message: string): string {
  if (provider === 'cuda' && /Failed to load (shared )?librar/i.test(message)) {
    return `the CUDA provider libraries are not installed (${message}); install CUDA 12 and cuDNN 9, then run \`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js\` (onnxruntime-node's own install script, which npm does not run here)`
  }
  if (provider === 'webgpu' && /adapter/i.test(message)) {
    return `no WebGPU adapter (${message}); a GPU driver with Vulkan, D3D12 or Metal is needed`
  }
  if (/backend not found/.test(message))
    return `this onnxruntime-node build has no ${provider} provider`
  return message
}

/** The real probe: a one-node session on `provider`, run once and checked. */
export const tryCreateWithOrt: ProviderProbeFn = async (provider) => {
  const session = await ort.InferenceSession.create(probeModel(), {
    executionProviders: [providerConfig(provider)],
    logSeverityLevel: 4
  })
  try {
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 4])
    const { y } = await session.run({ x })
    const got = Array.from(y.data as Float32Array)
    if (got.join() !== '2,4,6,8') throw new Error(`the probe graph computed ${got.join(', ')}`)
  } finally {
    await session.release()
  }
}

export interface ProviderChoice {
  execution: Execution
  /** One entry per provider, in the studio's order. */
  providers: ProviderProbe[]
}

export interface ChooseOptions {
  tryCreate?: ProviderProbeFn
  platform?: NodeJS.Platform
  /** Device name of a provider that worked and did not name its device. */
  deviceName?: (provider: ProviderName) => string
  /**
   * Providers an earlier probe on this machine found missing, with its reasons (provider-cache.ts):
   * passed over without a probe, marked `cached`. A device asked for by name is always probed.
   */
  known?: ReadonlyMap<ProviderName, string>
}

/**
 * Picks the execution provider. `auto` tries cuda, dml, coreml, webgpu, cpu; a named device is tried
 * first and, when it is unavailable, the run falls back to the auto order with the reason recorded.
 * Providers after the chosen one are not probed (a probe claims GPU memory) and say so.
 */
export async function chooseProvider(
  device: Device,
  options: ChooseOptions = {}
): Promise<ProviderChoice> {
  const tryCreate = options.tryCreate ?? tryCreateWithOrt
  const os = options.platform ?? process.platform
  const nameOf = options.deviceName ?? deviceNameFor
  const order: ProviderName[] =
    device === 'auto' ? [...providerOrder] : [device, ...providerOrder.filter((p) => p !== device)]
  const results = new Map<ProviderName, ProviderProbe>()
  const failures: string[] = []
  let chosen: ProviderProbe | undefined
  for (const name of order) {
    if (chosen) {
      results.set(name, {
        name,
        available: false,
        reason: `not tried: ${chosen.name} was chosen first`
      })
      continue
    }
    const gate = platformGate(name, os)
    if (gate) {
      results.set(name, { name, available: false, reason: gate })
      if (name === device) failures.push(`${name}: ${gate}`)
      continue
    }
    const cached = name === device ? undefined : options.known?.get(name)
    if (cached !== undefined) {
      results.set(name, { name, available: false, reason: cached, cached: true })
      failures.push(`${name}: ${cached}`)
      continue
    }
    try {
      const found = await tryCreate(name)
      chosen = { name, available: true, deviceName: found?.deviceName ?? nameOf(name) }
      results.set(name, chosen)
    } catch (error) {
      const reason = explain(
        name,
        shortOrtMessage(error instanceof Error ? error.message : String(error))
      )
      results.set(name, { name, available: false, reason })
      failures.push(`${name}: ${reason}`)
    }
  }
  const providers = providerOrder.map((name) => results.get(name)!)
  if (!chosen) {
    throw new StudioError(
      'provider-unavailable',
      `No execution provider works on this machine (${failures.join('; ')}). Reinstall the studio; if the CPU provider fails, onnxruntime-node itself is broken.`
    )
  }
  let fallbackReason: string | undefined
  if (device !== 'auto' && chosen.name !== device) {
    fallbackReason = `${device} was requested but is not available (${failures[0]?.replace(`${device}: `, '') ?? 'unknown reason'}); using ${chosen.name}`
  } else if (device === 'auto' && failures.length > 0) {
    fallbackReason = `using ${chosen.name} because ${failures.join('; ')}`
  }
  return {
    providers,
    execution: {
      provider: chosen.name,
      deviceName: chosen.deviceName ?? nameOf(chosen.name),
      ...(fallbackReason ? { fallbackReason } : {})
    }
  }
}
