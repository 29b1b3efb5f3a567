import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { usableFolder } from './paths'

const root = mkdtempSync(join(tmpdir(), 'paths-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function refusal(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(StudioError)
    expect((error as StudioError).code).toBe('invalid-request')
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('usableFolder: one check for every way a folder is named', () => {
  it("'write' creates the missing levels and proves the folder writable; 'check' creates nothing", () => {
    const deep = join(root, 'a', 'b', 'c')
    expect(usableFolder(join(root, 'x', 'y'), 'STUDIO_DATA_DIR', 'check')).toBe(
      join(root, 'x', 'y')
    )
    expect(existsSync(join(root, 'x'))).toBe(false)
    expect(usableFolder(deep, '--data-dir')).toBe(deep)
    expect(existsSync(deep)).toBe(true)
  })

  it('refuses a file, a path through a file, a missing folder to read, and system folders', () => {
    const file = join(root, 'f')
    writeFileSync(file, '')
    expect(refusal(() => usableFolder(file, 'STUDIO_DATA_DIR'))).toBe(
      `STUDIO_DATA_DIR ${file} is a file, not a folder.`
    )
    expect(refusal(() => usableFolder(join(file, 'sub'), 'X', 'check'))).toBe(
      `X ${join(file, 'sub')} cannot be written: part of the path is a file, not a folder.`
    )
    expect(refusal(() => usableFolder(join(root, 'nope'), 'STUDIO_STARTER_DIR', 'read'))).toBe(
      `STUDIO_STARTER_DIR ${join(root, 'nope')} does not exist.`
    )
    // /proc itself, and a link into it (Node's recursive mkdir would spin there forever).
    symlinkSync('/proc/self', join(root, 'proc-link'))
    for (const path of ['/proc/x', '/sys/studio', join(root, 'proc-link', 'x')]) {
      expect(refusal(() => usableFolder(path, 'STUDIO_DATA_DIR'))).toMatch(
        /^STUDIO_DATA_DIR \S+ is inside a system folder \((proc|sys)\); pick a normal folder\.$/
      )
    }
  })
})
