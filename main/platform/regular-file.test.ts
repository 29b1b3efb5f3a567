import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { readRegularFile } from './regular-file'

const dir = mkdtempSync(join(tmpdir(), 'regular-'))
let socketServer: Server
beforeAll(async () => {
  execFileSync('mkfifo', [join(dir, 'pipe')])
  symlinkSync('/dev/zero', join(dir, 'zero'))
  writeFileSync(join(dir, 'plain.txt'), 'hello')
  socketServer = createServer()
  await new Promise<void>((resolve) => socketServer.listen(join(dir, 'sock'), resolve))
})
afterAll(() => {
  socketServer.close()
  rmSync(dir, { recursive: true, force: true })
})

async function refusal(path: string, options = {}): Promise<StudioError> {
  const error = await readRegularFile(path, options).then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

describe('readRegularFile', () => {
  it('reads a plain file', async () => {
    expect((await readRegularFile(join(dir, 'plain.txt'))).toString()).toBe('hello')
  })

  it.each([
    ['pipe', 'a named pipe (FIFO)'],
    ['zero', 'a device'],
    ['sock', 'a socket'],
    ['.', 'a folder']
  ])('refuses %s as %s at once (no read, no wait for a writer)', async (name, kind) => {
    const path = join(dir, name)
    const error = await refusal(path, { what: '--image' })
    expect(error.code).toBe('bad-input')
    expect(error.message).toBe(
      `--image ${path} is not a regular file (it is ${kind}); only plain files are read.`
    )
  })

  it('refuses a file over the limit from its size, before reading it', async () => {
    const big = join(dir, 'big.bin')
    writeFileSync(big, '')
    truncateSync(big, 3 * 2 ** 20) // sparse: nothing to read if the size is checked first
    const error = await refusal(big, { maxBytes: 2 ** 20 })
    expect(error.message).toBe(`${big} is 3.0 MiB; the limit is 1 MiB.`)
  })

  it('leaves a missing file to the caller (ENOENT)', async () => {
    const error = await readRegularFile(join(dir, 'nope')).catch((e: NodeJS.ErrnoException) => e)
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT')
  })
})
