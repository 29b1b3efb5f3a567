// The CLI's batch metrics in the window's units (a real engine host and the starter molecule model).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../platform/paths'

const work = mkdtempSync(join(tmpdir(), 'cli-units-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('generate --modality molecule', () => {
  it('prints every share as a percentage and counts whole, as the window shows them', async () => {
    const { code, stdout, stderr } = await new Promise<{
      code: number
      stdout: string
      stderr: string
    }>((resolve) =>
      execFile(
        process.execPath,
        [
          join(projectRoot, 'main', 'cli', 'bin.mjs'),
          'generate',
          '--modality',
          'molecule',
          '--count',
          '3',
          '--steps',
          '12',
          '--trajectory-every',
          '0',
          '--out',
          join(work, 'm.sdf')
        ],
        { env: { ...process.env, STUDIO_DATA_DIR: join(work, 'data') }, timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      )
    )
    expect(code, stderr).toBe(0)
    const line = `${stdout}\n${stderr}`.split('\n').find((l) => l.includes('validity:'))
    expect(line, `${stdout}\n${stderr}`).toBeDefined()
    const entries = Object.fromEntries(
      line!
        .trim()
        .split(', ')
        .map((part) => part.split(': ') as [string, string])
    )
    for (const name of ['validity', 'atom stability', 'molecule stability']) {
      expect(entries[name], name).toMatch(/^\d{1,3}\.\d %$/)
    }
    if (entries.uniqueness) expect(entries.uniqueness).toMatch(/^\d{1,3}\.\d %$/)
    expect(entries.molecules).toBe('3')
  }, 150_000)
})
