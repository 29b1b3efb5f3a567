import { readFileSync } from 'node:fs'
import { SettingsSchema, type Settings, type SettingsPatch } from '../contract'
import { writeFileAtomic } from '../platform/atomic-file'
import { assertThreadsFit } from '../platform/machine'

/** Settings as a JSON file; an unreadable or invalid file falls back to defaults (and is kept as is). */
export class SettingsStore {
  readonly #file: string
  #value: Settings

  constructor(file: string) {
    this.#file = file
    this.#value = SettingsStore.#load(file)
  }

  static #load(file: string): Settings {
    try {
      const parsed = SettingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
      if (parsed.success) return parsed.data
      console.error(`[settings] ${file} is invalid; using defaults`)
    } catch {
      // missing or unreadable: defaults
    }
    return SettingsSchema.parse({})
  }

  get(): Settings {
    return this.#value
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
    if (patch.cpuThreads !== undefined) assertThreadsFit(patch.cpuThreads)
    const next = SettingsSchema.parse({ ...this.#value, ...changes })
    await writeFileAtomic(this.#file, JSON.stringify(next, null, 2) + '\n')
    this.#value = next
    return next
  }
}
