import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import type { Calibration } from '../preflight/preflight'
import { CalibrationStore } from './calibration-store'

const dir = mkdtempSync(join(tmpdir(), 'calibration-'))
afterEach(() => {
  rmSync(join(dir, 'calibration.json'), { force: true })
  rmSync(join(dir, 'new'), { recursive: true, force: true })
})

function fake(provider: string, deviceName: string): Calibration {
  return {
    provider,
    deviceName,
    msPerGflop: 2,
    overheadMs: 0.1,
    measuredAt: '2026-01-01T00:00:00Z'
  }
}

it('measures a device once, saves it, and reads it back in a new store', async () => {
  let measured = 0
  const measure = async (p: string, d: string) => (measured++, fake(p, d))
  const file = join(dir, 'calibration.json')
  const store = new CalibrationStore(file, measure)
  await new CalibrationStore(join(dir, 'new', 'folder', 'calibration.json'), measure).get('a', 'b')
  measured = 0
  const [a, b] = await Promise.all([store.get('cpu', 'CPU X'), store.get('cpu', 'CPU X')])
  expect(a).toEqual(b)
  expect(measured).toBe(1)
  await new CalibrationStore(file, measure).get('cpu', 'CPU X')
  expect(measured).toBe(1)
  await store.get('webgpu', 'GPU Y')
  expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['cpu|CPU X', 'webgpu|GPU Y'])
})

it('measures again when the file is corrupt', async () => {
  const file = join(dir, 'calibration.json')
  writeFileSync(file, '{ not json')
  let measured = 0
  await new CalibrationStore(file, async (p, d) => (measured++, fake(p, d))).get('cpu', 'CPU X')
  expect(measured).toBe(1)
})
