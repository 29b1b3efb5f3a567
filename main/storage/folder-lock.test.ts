import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { lockFolder } from './folder-lock'

const dir = mkdtempSync(join(tmpdir(), 'lock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('claims a folder, refuses a live owner, and releases', async () => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'])
  try {
    writeFileSync(join(dir, 'studio.lock'), String(other.pid))
    expect(() => lockFolder(dir)).toThrow(new RegExp(`pid ${other.pid}.*--data-dir`))
  } finally {
    other.kill()
    await new Promise((r) => other.on('exit', r))
  }
  // The owner is gone now: its lock is stale and taken over.
  const release = lockFolder(dir)
  expect(readFileSync(join(dir, 'studio.lock'), 'utf8')).toBe(String(process.pid))
  release()
  expect(existsSync(join(dir, 'studio.lock'))).toBe(false)
})
