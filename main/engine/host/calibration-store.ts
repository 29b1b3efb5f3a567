import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { CalibrationSchema, type Calibration } from '../preflight/preflight'
import { writeFileAtomic } from '../../platform/atomic-file'

const FileSchema = z.record(z.string(), CalibrationSchema)

/**
 * Per-device speed, measured once and kept in `calibration.json` in the data folder, keyed by provider
 * and device name. A missing or unreadable file just means measuring again.
 */
export class CalibrationStore {
  readonly #file: string
  readonly #measure: (provider: string, deviceName: string) => Promise<Calibration>
  readonly #pending = new Map<string, Promise<Calibration>>()

  constructor(
    file: string,
    measure: (provider: string, deviceName: string) => Promise<Calibration>
  ) {
    this.#file = file
    this.#measure = measure
  }

  async #read(): Promise<Record<string, Calibration>> {
    try {
      const parsed = FileSchema.safeParse(JSON.parse(await readFile(this.#file, 'utf8')))
      return parsed.success ? parsed.data : {}
    } catch {
      return {}
    }
  }

  /** The device's calibration: from the file, else measured now and saved. */
  get(provider: string, deviceName: string): Promise<Calibration> {
    const key = `${provider}|${deviceName}`
    let pending = this.#pending.get(key)
    if (!pending) {
      pending = (async () => {
        const known = (await this.#read())[key]
        if (known) return known
        const measured = await this.#measure(provider, deviceName)
        await mkdir(dirname(this.#file), { recursive: true })
        await writeFileAtomic(
          this.#file,
          JSON.stringify({ ...(await this.#read()), [key]: measured }, null, 2) + '\n'
        )
        return measured
      })()
      pending.catch(() => this.#pending.delete(key))
      this.#pending.set(key, pending)
    }
    return pending
  }
}
