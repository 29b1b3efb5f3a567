// Human-readable device names for the chosen execution provider. onnxruntime-node does not report the
// GPU it picked, so GPU names come from the operating system where it tells us (NVIDIA's /proc files).
import { readdirSync, readFileSync } from 'node:fs'
import { cpus, platform } from 'node:os'
import type { ProviderName } from '../../contract'

/** GPU model names from /proc/driver/nvidia (Linux with the NVIDIA driver), else []. */
export function nvidiaGpuNames(root = '/proc/driver/nvidia/gpus'): string[] {
  try {
    return readdirSync(root)
      .map(
        (bus) => /^Model:\s*(.+)$/m.exec(readFileSync(`${root}/${bus}/information`, 'utf8'))?.[1]
      )
      .filter((name): name is string => Boolean(name))
      .map((name) => name.trim())
  } catch {
    return []
  }
}

export function cpuName(): string {
  const list = cpus()
  const model = list[0]?.model?.trim() || 'unknown CPU'
  return `${model} (${list.length} threads)`
}

/** The name shown to the user and written into outputs' metadata. */
export function deviceNameFor(provider: ProviderName, gpus = nvidiaGpuNames()): string {
  switch (provider) {
    case 'cpu':
      return `CPU: ${cpuName()}`
    case 'cuda':
      return gpus.length ? `CUDA: ${gpus[0]}` : 'CUDA device 0'
    case 'dml':
      return 'DirectML device 0 (the default adapter)'
    case 'coreml':
      return `Core ML on ${cpus()[0]?.model?.trim() || 'this Mac'}`
    case 'webgpu': {
      const api = platform() === 'darwin' ? 'Metal' : platform() === 'win32' ? 'D3D12' : 'Vulkan'
      // Only claim a name when there is one GPU it can be.
      return gpus.length === 1
        ? `WebGPU (${api}) on ${gpus[0]}`
        : `WebGPU (${api}; onnxruntime-node does not report the adapter name)`
    }
  }
}
