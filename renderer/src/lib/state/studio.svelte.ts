import { getContext, setContext } from 'svelte'
import type { ConnectionState, StudioClient } from '../api/client'
import type { ErrorView } from '../api/errors'
import type { JobSpecInput } from '../contract'
import { ArtifactsState } from './artifacts.svelte'
import { EngineState } from './engine.svelte'
import { GenerateForm } from './generate-form.svelte'
import { JobsState } from './jobs.svelte'
import { ModelManagerState } from './model-manager.svelte'
import { ModelsState } from './models.svelte'
import { SamplersState } from './samplers.svelte'
import { SettingsState } from './settings.svelte'
import { ToastsState } from './toasts.svelte'

/** Everything the studio window knows, built once per window and handed down through context. */
export class Studio {
  readonly api: StudioClient
  readonly toasts = new ToastsState()
  readonly engine: EngineState
  readonly models: ModelsState
  readonly samplers: SamplersState
  readonly settings: SettingsState
  readonly jobs: JobsState
  readonly artifacts: ArtifactsState
  readonly form: GenerateForm
  readonly modelManager: ModelManagerState

  connection = $state<ConnectionState>('connecting')
  booting = $state(true)
  /** Set when the studio cannot work at all (e.g. the web host refused the token). */
  fatal = $state<ErrorView | null>(null)

  constructor(api: StudioClient) {
    this.api = api
    this.engine = new EngineState(api)
    this.models = new ModelsState(api)
    this.samplers = new SamplersState(api)
    this.settings = new SettingsState(api)
    this.jobs = new JobsState(api, this.toasts)
    this.artifacts = new ArtifactsState(api)
    this.form = new GenerateForm(this.models, this.samplers, this.jobs, this.toasts)
    this.modelManager = new ModelManagerState(api, this.models, this.toasts)
  }

  /** Loads everything, subscribes to events; returns the cleanup. */
  start = (): (() => void) => {
    const stopJobs = this.jobs.start()
    const stopModels = this.modelManager.start()
    const stopConnection = this.api.onConnection((state, reconnected) => {
      this.connection = state
      // Events were missed while the link was down: catch up from the store.
      if (reconnected) {
        void this.jobs.refresh()
        void this.modelManager.refresh()
      }
    })
    void this.boot()
    return () => {
      stopJobs()
      stopModels()
      stopConnection()
    }
  }

  boot = async (): Promise<void> => {
    this.booting = true
    await Promise.all([
      this.engine.load(),
      this.models.load(),
      this.samplers.load(),
      this.settings.load(),
      this.jobs.refresh()
    ])
    const unauthorized = [this.engine.error, this.models.error].find(
      (e) => e?.code === 'unauthorized'
    )
    this.fatal = unauthorized ?? null
    if (!this.form.initialized) this.form.initialize()
    this.booting = false
  }

  /** Sends a spec as is (no form checks): the devtools/e2e hook `window.__studio.submit`. */
  submitRaw = (spec: JobSpecInput): Promise<unknown> => this.jobs.submit(spec)
}

/** The context key under which <App> finds its Studio (main.ts passes it to `mount`). */
export const studioKey = Symbol.for('diffusion-studio.studio')
const key = studioKey

export function setStudio(studio: Studio): Studio {
  return setContext(key, studio)
}

export function useStudio(): Studio {
  const studio = getContext<Studio | undefined>(key)
  if (!studio) throw new Error('useStudio() outside <App>')
  return studio
}
