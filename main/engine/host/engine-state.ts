import { arch, platform } from 'node:os'
import { createRequire } from 'node:module'
import type { EngineInfo, Settings } from '../../contract'
import { Runtime } from '../runtime'
import { ModelRegistry } from '../../models/registry'
import { studioVersion } from '../../platform/version'
import { dataDir, modelRoots } from '../../platform/paths'
import { fittedThreads } from '../../platform/machine'
import { join } from 'node:path'
import type { Calibration } from '../preflight/preflight'
import { calibrate } from '../runtime/calibrate'
import type { ProviderName } from '../runtime'
import { CalibrationStore } from './calibration-store'
import { ProviderProbeCache, probeKey } from '../runtime/provider-cache'

const ortVersion = (): string =>
  (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version

/** What the engine host keeps between jobs: the model registry and one runtime per device setting. */
export class EngineState {
  readonly registry = new ModelRegistry(modelRoots())
  readonly #calibrations = new CalibrationStore(
    join(dataDir(), 'calibration.json'),
    (provider, name) => calibrate(provider as ProviderName, name)
  )
  readonly #probes = new ProviderProbeCache(
    join(dataDir(), 'providers.json'),
    probeKey(ortVersion())
  )
  #runtime: { key: string; value: Promise<Runtime> } | undefined

  runtime(settings: Settings): Promise<Runtime> {
    const key = `${settings.device}/${settings.cpuThreads}/${settings.memoryBudgetMB}`
    if (this.#runtime?.key !== key) {
      const previous = this.#runtime?.value
      const value = (async () => {
        await previous?.then((r) => r.release()).catch(() => undefined)
        return Runtime.create(
          {
            device: settings.device,
            cpuThreads: fittedThreads(settings.cpuThreads),
            memoryBudgetMB: settings.memoryBudgetMB
          },
          { cache: this.#probes }
        )
      })()
      // A failed creation is not cached: the next job tries again.
      value.catch(() => {
        if (this.#runtime?.value === value) this.#runtime = undefined
      })
      this.#runtime = { key, value }
    }
    return this.#runtime.value
  }

  /** The device's speed for time estimates (measured once per device); undefined if that fails. */
  async calibration(runtime: Runtime): Promise<Calibration | undefined> {
    const { provider, deviceName } = runtime.execution
    return this.#calibrations.get(provider, deviceName).catch((error: unknown) => {
      console.error('[engine] calibration failed; no time estimates:', error)
      return undefined
    })
  }

  /** Ready for a job with `settings`: providers chosen, onnxruntime started, the device calibrated. */
  async warm(settings: Settings): Promise<void> {
    await this.calibration(await this.runtime(settings))
  }

  /**
   * What the engine runs on. While a job runs, the current runtime answers (switching would release the
   * sessions under the running job); the next job switches to the new settings. `reprobe` forgets the
   * probe cache and, when no job runs, probes every provider now.
   */
  async info(settings: Settings, jobRunning = false, reprobe = false): Promise<EngineInfo> {
    if (reprobe) {
      this.#probes.clear()
      if (!jobRunning) {
        await this.#runtime?.value.then((r) => r.release()).catch(() => undefined)
        this.#runtime = undefined
      }
    }
    const runtime =
      jobRunning && this.#runtime ? await this.#runtime.value : await this.runtime(settings)
    return {
      version: studioVersion,
      providers: [...runtime.providers],
      chosen: runtime.execution.provider,
      deviceName: runtime.execution.deviceName,
      fallbackReason: runtime.execution.fallbackReason,
      versions: {
        onnxruntime: ortVersion(),
        node: process.versions.node,
        electron: process.versions.electron ?? 'none',
        platform: `${platform()}-${arch()}`,
        enginePid: String(process.pid)
      }
    }
  }
}
