import { getContext, setContext } from 'svelte'
import type { ConnectionState, StudioClient } from '../api/client'
import type { ErrorView } from '../api/errors'
import {
  modalityOf,
  runnableTaskIds,
  type JobSpec,
  type JobSpecInput,
  type Modality,
  type RunnableTaskId
} from '../contract'
import { EngineState } from './engine.svelte'
import { InputsState } from './inputs.svelte'
import { JobsState } from './jobs.svelte'
import { ModelManagerState } from './model-manager.svelte'
import { ModelsState } from './models.svelte'
import { describeRestore, planRestore } from './restore'
import { SamplersState } from './samplers.svelte'
import { SettingsState } from './settings.svelte'
import type { TaskFormDefinitions } from './recipe'
import { TaskForm } from './task-form.svelte'
import { ToastsState } from './toasts.svelte'

const WORKSPACE_KEY = 'diffusion-studio.workspace'

/** Everything the studio window knows, built once per window and handed down through context. */
export class Studio {
  readonly api: StudioClient
  readonly toasts = new ToastsState()
  readonly engine: EngineState
  readonly models: ModelsState
  readonly samplers: SamplersState
  readonly settings: SettingsState
  readonly jobs: JobsState
  readonly inputs: InputsState
  /** One form per runnable task, each remembering its own values. */
  readonly forms: Record<RunnableTaskId, TaskForm>
  readonly modelManager: ModelManagerState

  /** The task whose panel is open (its modality is the workspace shown). */
  task = $state<RunnableTaskId>('image.generate')
  workspace: Modality = $derived(modalityOf(this.task))
  /** The open task's form. */
  form: TaskForm = $derived.by(() => this.forms[this.task])
  /** The job the open workspace's stage shows: only ever one of this workspace's jobs. */
  currentJob = $derived.by(() => this.jobs.currentIn(this.workspace))

  connection = $state<ConnectionState>('connecting')
  booting = $state(true)
  /** Set when the studio cannot work at all (e.g. the web host refused the token). */
  fatal = $state<ErrorView | null>(null)

  /** `forms`: every runnable task's form definition (`taskForms` of features/registry.ts). */
  constructor(api: StudioClient, forms: TaskFormDefinitions) {
    this.api = api
    this.engine = new EngineState(api)
    this.models = new ModelsState(api)
    this.samplers = new SamplersState(api)
    this.settings = new SettingsState(api)
    this.jobs = new JobsState(api, this.toasts)
    this.inputs = new InputsState(api)
    this.forms = Object.fromEntries(
      runnableTaskIds.map((task) => [
        task,
        new TaskForm(forms[task], this.models, this.samplers, this.jobs)
      ])
    ) as Record<RunnableTaskId, TaskForm>
    this.modelManager = new ModelManagerState(api, this.models, this.toasts)
    const saved = readWorkspace()
    if (saved) this.task = saved
  }

  /** Opens a task's panel (and its workspace). */
  openTask = (task: RunnableTaskId): void => {
    this.task = task
    try {
      localStorage.setItem(WORKSPACE_KEY, task)
    } catch {
      // Not remembered; fine.
    }
  }

  /** Opens a job from the history: on its own workspace's stage (switching workspace if needed). */
  openJob = (jobId: string): void => {
    const entry = this.jobs.table[jobId]
    if (!entry) return
    this.jobs.select(jobId)
    const task = entry.record.spec.task
    if (modalityOf(task) !== this.workspace) this.openTask(task)
  }

  /** "Reuse recipe": opens the job's task with its recipe filled in. */
  reuse = (spec: JobSpec): void => {
    this.openTask(spec.task)
    if (this.forms[spec.task].reuse(spec)) {
      this.toasts.info('Recipe loaded', `Seed ${spec.seed} is locked; press Run to make it again.`)
    }
  }

  /**
   * A file dropped on the window: stores it (which reads the recipe it carries), restores that recipe
   * into its task's form and opens the task. Says what was restored and what was left out.
   */
  restoreFile = async (file: File): Promise<RestoreOutcome> => {
    const info = await this.inputs.add('image', file, file.name || undefined)
    if (!('ref' in info)) return { ok: false, title: info.title, message: info.message }
    const plan = planRestore(info.recipe, {
      models: this.models.list,
      samplers: this.samplers.list,
      formModel: (task) => this.forms[task].values.model,
      takes: (task, field) => field in this.forms[task].definition.defaults()
    })
    if (plan.kind === 'none') {
      return { ok: false, title: 'Nothing to restore', message: plan.reason }
    }
    if (plan.kind === 'values') {
      this.openTask(plan.task)
      this.forms[plan.task].restore(plan.values)
      return { ok: true, task: plan.task, message: describeRestore(plan) }
    }
    const { spec } = plan
    const ignored = [...plan.ignored]
    const missing: string[] = []
    for (const [what, ref] of [
      ['input image', 'image' in spec ? spec.image : undefined],
      ['mask', 'mask' in spec ? spec.mask : undefined]
    ] as const) {
      if (!ref) continue
      try {
        await this.api.getInput({ ref })
      } catch {
        missing.push(what)
        ignored.push(`${what} (not stored here: choose it again)`)
      }
    }
    const restored = plan.restored.filter((r) => !missing.includes(r))
    this.openTask(spec.task)
    if (!this.forms[spec.task].reuse(spec)) {
      const why = this.forms[spec.task].formError
      return { ok: false, title: why?.title ?? 'Not restored', message: why?.message ?? '' }
    }
    return { ok: true, task: spec.task, message: describeRestore({ ...plan, restored, ignored }) }
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
    for (const form of Object.values(this.forms)) if (!form.initialized) form.initialize()
    this.booting = false
  }

  /** Sends a spec as is (no form checks): the devtools/e2e hook `window.__studio.submit`. */
  submitRaw = (spec: JobSpecInput): Promise<unknown> => this.jobs.submit(spec)
}

export type RestoreOutcome =
  | { readonly ok: true; readonly task: RunnableTaskId; readonly message: string }
  | { readonly ok: false; readonly title: string; readonly message: string }

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

function readWorkspace(): RunnableTaskId | null {
  try {
    const saved = localStorage.getItem(WORKSPACE_KEY)
    return saved && (runnableTaskIds as readonly string[]).includes(saved)
      ? (saved as RunnableTaskId)
      : null
  } catch {
    return null
  }
}
