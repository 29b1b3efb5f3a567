// The input store: files are checked by what they are and their size before a byte is read.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { InputStore } from './inputs'

const work = mkdtempSync(join(tmpdir(), 'inputs-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const store = new InputStore(join(work, 'store'), {
  'point-cloud': async () => ({ mime: 'model/ply', points: 1, notes: ['checked'] })
})

async function refusal(run: () => Promise<unknown>): Promise<StudioError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

describe('InputStore.addFile', () => {
  it('refuses a file over the cap from its size (stat), naming the size and the limit', async () => {
    const big = join(work, 'big.ply')
    writeFileSync(big, '')
    truncateSync(big, 114 << 20) // sparse: 114 MiB that were never written
    const error = await refusal(() => store.addFile('point-cloud', big))
    expect(error.code).toBe('bad-input')
    expect(error.message).toBe(`${big} (the point-cloud file) is 114.0 MiB; the limit is 64 MiB.`)
  })

  it('refuses a pipe without opening it (a read would wait forever), a folder and a missing file', async () => {
    const fifo = join(work, 'pipe')
    execFileSync('mkfifo', [fifo])
    expect((await refusal(() => store.addFile('point-cloud', fifo))).message).toMatch(
      /pipe is not a regular file/
    )
    expect((await refusal(() => store.addFile('point-cloud', work))).message).toMatch(
      /a folder, not a file/
    )
    expect((await refusal(() => store.addFile('point-cloud', join(work, 'none')))).message).toMatch(
      /no such file/
    )
  })

  it('stores a file within the cap under its name, with what the validator said', async () => {
    const small = join(work, 'small.ply')
    writeFileSync(small, 'ply')
    const info = await store.addFile('point-cloud', small)
    expect(info).toMatchObject({
      kind: 'point-cloud',
      name: 'small.ply',
      bytes: 3,
      notes: ['checked']
    })
  })
})
