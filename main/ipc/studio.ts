import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Settings } from '../contract'
import type { ModelsContext } from '../models/commands'
import { DownloadManager } from '../models/downloads'
import { ModelRegistry } from '../models/registry'
import { EngineClient } from '../jobs/engine-client'
import type { SpawnEngine } from '../jobs/engine-process'
import { JobQueue } from '../jobs/queue'
import { JobStore } from '../storage/job-store'
import { InputStore } from '../storage/inputs'
import { SettingsStore } from '../storage/settings-store'
import { lockFolder } from '../storage/folder-lock'
import { modelRoots, type ModelRoots } from '../platform/paths'
import { inputValidators } from '../codecs/input-validators'
import { inputRefsOf } from '../tasks'

/** Everything a transport (Electron IPC, the web host, the CLI) needs: one per running studio. */
export interface Studio {
  readonly dataDir: string
  readonly outputDir: string
  readonly registry: ModelRegistry
  readonly engine: EngineClient
  readonly queue: JobQueue
  readonly settings: SettingsStore
  readonly store: JobStore
  /** Job inputs (images, masks, …), content-addressed. */
  readonly inputs: InputStore
  /** Where the model commands look (roots, hub, proxy variables). */
  readonly models: ModelsContext
  readonly downloads: DownloadManager
  currentSettings(): Settings
  close(): void
}

export interface StudioOptions {
  readonly dataDir: string
  readonly spawnEngine: SpawnEngine
  readonly roots?: ModelRoots
  readonly hardCancelMs?: number
  /** Hub URL, proxy environment, … for model downloads (tests point these at a fake hub). */
  readonly models?: Omit<ModelsContext, 'roots'>
  /**
   * Start the engine host now and keep one ready with the current settings, restarting it at once when
   * it dies (the web host and the window; the first job then finds onnxruntime loaded).
   */
  readonly warm?: boolean
}

export function createStudio(options: StudioOptions): Studio {
  const { dataDir } = options
  const outputDir = join(dataDir, 'outputs')
  const roots = options.roots ?? modelRoots()
  mkdirSync(outputDir, { recursive: true })
  mkdirSync(roots.user, { recursive: true })
  const unlock = lockFolder(dataDir)
  const store = new JobStore(join(dataDir, 'history.sqlite'))
  const inputs = new InputStore(join(dataDir, 'inputs'), inputValidators)
  inputs.collect(store.referencedInputs((job) => inputRefsOf(job.spec)))
  const settings = new SettingsStore(join(dataDir, 'settings.json'))
  const engine = new EngineClient(options.spawnEngine)
  const queue = new JobQueue({
    store,
    engine,
    outputDir,
    inputsDir: inputs.dir,
    settings: () => settings.get(),
    hardCancelMs: options.hardCancelMs
  })
  if (options.warm) engine.warm(() => settings.get())
  const models: ModelsContext = { ...options.models, roots }
  const downloads = new DownloadManager(models)
  return {
    dataDir,
    outputDir,
    registry: new ModelRegistry(roots),
    engine,
    queue,
    settings,
    store,
    inputs,
    models,
    downloads,
    currentSettings: () => settings.get(),
    close() {
      downloads.dispose()
      engine.dispose()
      store.close()
      unlock()
    }
  }
}
