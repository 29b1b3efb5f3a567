import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { SettingsPatchSchema } from '../contract'
import { fittedThreads, machineThreads } from '../platform/machine'
import { SettingsStore } from './settings-store'

const dir = mkdtempSync(join(tmpdir(), 'settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('a patch changes only the fields it names, and survives a restart', async () => {
  const file = join(dir, 'settings.json')
  const store = new SettingsStore(file)
  await store.update(SettingsPatchSchema.parse({ device: 'cpu', cpuThreads: 1 }))
  const after = await store.update(SettingsPatchSchema.parse({ previewEvery: 5 }))
  expect(after).toEqual({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 4096, previewEvery: 5 })
  expect(new SettingsStore(file).get()).toEqual(after)
})

it('an invalid or unreadable file falls back to defaults and is left as it was', () => {
  const file = join(dir, 'broken.json')
  writeFileSync(file, '{"device": "quantum"}')
  const errors = console.error
  console.error = () => undefined
  try {
    expect(new SettingsStore(file).get().device).toBe('auto')
  } finally {
    console.error = errors
  }
  expect(readFileSync(file, 'utf8')).toBe('{"device": "quantum"}')
})

it('refuses more CPU threads than the machine has, naming its count; 0 means onnxruntime decides', async () => {
  const store = new SettingsStore(join(dir, 'threads.json'))
  const machine = machineThreads()
  await expect(store.update({ cpuThreads: 256 })).rejects.toThrow(
    new RegExp(
      `This machine runs ${machine} CPU threads? at once; use 0 .* or 1–${machine}, not 256`
    )
  )
  expect(store.get().cpuThreads).toBe(0)
  await store.update({ cpuThreads: machine })
  expect(store.get().cpuThreads).toBe(machine)
  // A settings file from a bigger machine is clamped where it is used.
  expect(fittedThreads(256, 2)).toBe(2)
  expect(fittedThreads(0, 2)).toBe(0)
})
