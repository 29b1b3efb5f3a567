import { describe, expect, it } from 'vitest'
import { SettingsSchema, JobSpecSchema } from '../contract'
import { EngineClient, engineExitCause } from './engine-client'
import type { EngineProcess } from './engine-process'

/** The lines a Dawn/Vulkan probe prints on a machine without a GPU (native, with C++ source paths). */
const vulkan = [
  "Warning: loader_scanned_icd_add: Could not get 'vkCreateInstance' via 'vk_icdGetInstanceProcAddr' for ICD libGLX_nvidia.so.0",
  'Warning: Dawn/native/vulkan/BackendVk.cpp:214: vkEnumerateInstanceVersion failed',
  '    at third_party/dawn/src/dawn/native/vulkan/VulkanInfo.cpp:160'
]

describe('engineExitCause: why the engine stopped, in words', () => {
  it.each([
    [
      null,
      'SIGKILL',
      'The engine was killed (SIGKILL): the system may have run out of memory, or it was stopped from outside'
    ],
    [null, 'SIGSEGV', 'The engine crashed in native code (a segmentation fault, SIGSEGV)'],
    [134, null, 'The engine was aborted by a native library (SIGABRT)'],
    [3, null, 'The engine exited with code 3']
  ])('exit %s / signal %s', (code, signal, words) => {
    const message = engineExitCause(code, signal, vulkan)
    expect(message.startsWith(`${words} during this job; it restarts for the next one.`)).toBe(true)
    expect(message).not.toMatch(/Vulkan|vk|Dawn|\.cpp|Warning/)
  })

  it("keeps the studio's own last error line, never the native ones", () => {
    const recent = ['[engine] job failed: the model file was truncated', ...vulkan]
    expect(engineExitCause(1, null, recent)).toBe(
      'The engine exited with code 1 during this job; it restarts for the next one. Its last message: job failed: the model file was truncated'
    )
  })
})

describe('EngineClient when the host dies mid-job', () => {
  it('fails the job with the cause in words and sends the native lines to the log only', async () => {
    let exit: ((code: number | null, signal: string | null) => void) | undefined
    const host: EngineProcess = {
      pid: 1,
      send: () => queueMicrotask(() => exit?.(null, 'SIGSEGV')),
      onMessage: () => undefined,
      onExit: (listener) => (exit = listener),
      recentOutput: () => vulkan,
      kill: () => undefined
    }
    const logged: string[] = []
    const client = new EngineClient(() => host, { log: (text) => logged.push(text) })
    const final = await client.run(
      {
        jobId: 'j',
        spec: JobSpecSchema.parse({ task: 'image.generate' }),
        settings: SettingsSchema.parse({}),
        outputDir: '/tmp'
      },
      () => undefined
    )
    expect(final).toEqual({
      type: 'failed',
      error: {
        code: 'engine-crashed',
        message:
          'The engine crashed in native code (a segmentation fault, SIGSEGV) during this job; it restarts for the next one.'
      }
    })
    expect(logged).toHaveLength(1)
    for (const line of vulkan) expect(logged[0]).toContain(line)
  })
})

describe('EngineClient keeping a host warm', () => {
  /** Fake hosts: what each was sent, and a way to make it die. */
  function fakeHosts() {
    const hosts: { sent: unknown[]; die: () => void }[] = []
    const spawn = (): EngineProcess => {
      let exit: ((code: number | null, signal: string | null) => void) | undefined
      const host = { sent: [] as unknown[], die: () => exit?.(null, 'SIGKILL') }
      hosts.push(host)
      return {
        pid: hosts.length,
        send: (request) => host.sent.push(request),
        onMessage: () => undefined,
        onExit: (listener) => (exit = listener),
        kill: () => host.die()
      }
    }
    return { hosts, spawn }
  }

  it('warms the host it starts, and a new one with the settings of the moment when it dies', () => {
    const { hosts, spawn } = fakeHosts()
    let current = SettingsSchema.parse({ device: 'cpu' })
    const client = new EngineClient(spawn, { log: () => undefined })
    client.warm(() => current)
    expect(hosts[0]!.sent).toEqual([{ type: 'warm', settings: current }])
    current = SettingsSchema.parse({ device: 'webgpu', cpuThreads: 1 })
    hosts[0]!.die()
    expect(hosts).toHaveLength(2)
    expect(hosts[1]!.sent).toEqual([{ type: 'warm', settings: current }])
    // Hosts that die at once, three in a row, are not restarted forever.
    hosts[1]!.die()
    hosts[2]!.die()
    expect(hosts).toHaveLength(3)
    client.dispose()
  })

  it('start() only starts the host; a disposed client restarts nothing', () => {
    const { hosts, spawn } = fakeHosts()
    const client = new EngineClient(spawn, { log: () => undefined })
    client.start()
    expect(hosts).toHaveLength(1)
    expect(hosts[0]!.sent).toEqual([])
    hosts[0]!.die()
    expect(hosts).toHaveLength(1)
    const warm = new EngineClient(spawn, { log: () => undefined })
    warm.warm(SettingsSchema.parse({}))
    warm.dispose()
    expect(hosts).toHaveLength(2)
  })
})
