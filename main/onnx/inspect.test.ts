import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { buildModel } from './onnx-builder'
import { readOnnxFile } from './onnx-reader'
import { checkExternalData, inspectOnnx, isContainedPath } from './inspect'
import { tinyDenoiser } from './testing/tiny-models'

const root = mkdtempSync(join(tmpdir(), 'inspect-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Writes a denoiser whose weight is external at `location` (only the .onnx; no data file). */
function graphWithLocation(name: string, location: string): string {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'model.onnx')
  writeFileSync(file, buildModel(tinyDenoiser({ external: location })).model)
  return file
}

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

describe('external-data locations', () => {
  it.each([
    '../victim/w.bin',
    'sub/../../w.bin',
    '..\\victim\\w.bin',
    'a\\..\\..\\w.bin',
    '/etc/passwd',
    '\\\\server\\share\\w.bin',
    'C:\\weights\\w.bin',
    'c:w.bin'
  ])(
    'inspectOnnx and checkExternalData reject %s as model-corrupt naming the file',
    async (location) => {
      const file = graphWithLocation(`bad-${Math.random().toString(36).slice(2)}`, location)
      const inspected = await failure(inspectOnnx(file))
      expect(inspected.code).toBe('model-corrupt')
      expect(inspected.message).toContain(file)
      expect(inspected.message).toContain(location)
      const info = await readOnnxFile(file)
      const checked = await failure(checkExternalData(file, info))
      expect(checked.code).toBe('model-corrupt')
      expect(checked.message).toContain(location)
    }
  )

  it('accepts locations beside or below the .onnx', async () => {
    const file = graphWithLocation('good', 'weights/model.onnx_data')
    expect((await inspectOnnx(file)).externalFiles).toEqual(['weights/model.onnx_data'])
    expect(['w.bin', 'a/b.bin', 'a..b/c', '.../x', './w.bin'].every(isContainedPath)).toBe(true)
    const outside = ['', '..', 'a/..', 'a\\..\\x', '/x', '\\x', 'C:x', 'd:/x']
    expect(outside.filter(isContainedPath)).toEqual([])
  })
})
