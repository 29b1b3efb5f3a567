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
