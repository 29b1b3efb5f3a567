// A CLI job that does not finish leaves nothing behind: not the files it reported, not the ones it wrote
// without reporting, not the temporary file of a write the engine died in.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { StudioError } from '../contract'
import { JobSpecSchema, SettingsSchema, type EngineRequest } from '../contract'
import type { EngineProcess } from '../jobs/engine-process'
import { runJob } from './run-job'

const dir = mkdtempSync(join(tmpdir(), 'run-job-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An engine host that writes an output and half its trajectory, reports the output, then crashes. */
function crashingHost(): EngineProcess {
  let onMessage: (raw: unknown) => void = () => undefined
  let onExit: (code: number | null, signal: string | null) => void = () => undefined
  return {
    pid: 1,
    send(request: EngineRequest) {
      if (request.type !== 'run') return
      const { jobId } = request
      const post = (update: unknown) => onMessage({ type: 'job', jobId, update })
      queueMicrotask(() => {
        post({ type: 'started', execution: { provider: 'cpu', deviceName: 'fake' } })
        writeFileSync(join(dir, 'm.sdf'), 'a molecule')
        post({
          type: 'artifact',
          artifact: {
            kind: 'molecule',
            path: join(dir, 'm.sdf'),
            mime: 'chemical/x-mdl-sdfile',
            bytes: 10,
            index: 0,
            atoms: 3,
            role: 'output'
          }
        })
        writeFileSync(join(dir, '.m.sdf.trajectory.xyz.0a1b2c3d4e5f.tmp'), 'half a traj')
        onExit(null, 'SIGSEGV')
      })
    },
    onMessage: (listener) => (onMessage = listener),
    onExit: (listener) => (onExit = listener),
    recentOutput: () => ['Warning: Dawn/native/vulkan/BackendVk.cpp:214: no Vulkan'],
    kill: () => undefined
  }
}

describe('runJob when the engine crashes', () => {
  it('fails with the cause in words and leaves no output, side or temporary file', async () => {
    writeFileSync(join(dir, 'other.sdf'), 'not this job’s')
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const error = await runJob({
      spec: JobSpecSchema.parse({ task: 'molecule.generate', format: 'sdf' }),
      warnings: [],
      settings: SettingsSchema.parse({}),
      out: { dir, stem: 'm', ext: 'sdf' },
      spawn: crashingHost
    }).then(
      () => undefined,
      (e: unknown) => e as StudioError
    )
    quiet.mockRestore()
    expect(error?.code).toBe('engine-crashed')
    expect(error?.message).toBe(
      'The engine crashed in native code (a segmentation fault, SIGSEGV) during this job; it restarts for the next one. Run with --verbose to see its own log.'
    )
    expect(readdirSync(dir)).toEqual(['other.sdf'])
  })
})
