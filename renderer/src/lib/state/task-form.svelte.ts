import type { ErrorView } from '../api/errors'
import {
  fewStepsWarning,
  type InstalledModel,
  type JobRecord,
  type JobSpec,
  type RunnableTaskId,
  type SamplerDescriptor
} from '../contract'
import type { JobsState } from './jobs.svelte'
import type { ModelsState } from './models.svelte'
import {
  buildSpec,
  carryExtra,
  classesOf,
  conditioningKind,
  emptyForm,
  mergeKnown,
  modelDefaults,
  randomSeed,
  runCalls,
  startingModel,
  stepsRun,
  validateSpec,
  valuesFromSpec,
  type FormValues,
  type SharedValues,
  type TaskFormDefinition
} from './recipe'
import type { SamplersState } from './samplers.svelte'

/**
 * One task's form (Generate, Image to image, …): its values — the shared fields and the task's own `F`,
 * as its definition declares them — remembered per task across reloads, the models that do the task,
 * the selected sampler, and the Run action (roll the seed unless locked → build the spec → check it →
 * enqueue). Problems are shown beside their field, and a refusal from the studio beside the Run
 * button; nothing here opens a toast. Shared fields' components take a `TaskForm` (any task's).
 */
export class TaskForm<F extends object = object> {
  values = $state<FormValues<F>>({} as FormValues<F>)
  /** Field → what it must be, from the last failed check. */
  fieldErrors = $state<Partial<Record<string, string>>>({})
  /** Why the studio refused the last run (unknown label, too many steps, …), until the next change. */
  formError = $state<ErrorView | null>(null)
  /** Runs being sent now (each press of Run sends one; they queue in order). */
  sending = $state(0)
  initialized = $state(false)

  /** Models that do this task, ready ones first. */
  models: InstalledModel[] = $derived.by(() =>
    this.allModels.list.filter((m) => m.manifest.tasks.includes(this.task))
  )
  model: InstalledModel | undefined = $derived.by(() => this.allModels.byId(this.values.model))
  sampler: SamplerDescriptor | undefined = $derived.by(() =>
    this.samplers.byName(this.values.sampler)
  )
  kind = $derived(conditioningKind(this.model))
  classes: string[] = $derived(classesOf(this.model))
  canRun = $derived(this.model?.status === 'ready')
  calls = $derived.by(() => runCalls(this.definition, this.values, this.model, this.sampler))
  /** Steps the sampler actually runs (image to image and inpainting run the strength's share). */
  get stepsRun(): number {
    return stepsRun(this.definition, this.values)
  }
  /** Bumped whenever the values are replaced from outside (a reused or dropped recipe). */
  restored = $state(0)
  /**
   * Set by a panel that has work to do before a run (the inpainting panel uploads its mask): resolves
   * false, with the reason in `fieldErrors`, to stop the run. Runs before the spec is built.
   */
  prepare: (() => Promise<boolean>) | null = null

  /** Sets `prepare` for as long as a panel is open: `$effect(() => form.usePrepare(fn))`. */
  usePrepare = (prepare: () => Promise<boolean>): (() => void) => {
    this.prepare = prepare
    return () => {
      if (this.prepare === prepare) this.prepare = null
    }
  }

  /** The sampler needs more steps than asked for clean results (measured; see `samplers`). */
  stepsWarning = $derived(
    this.sampler && this.model
      ? fewStepsWarning(this.sampler, this.values.steps, this.model.manifest.defaults)
      : ''
  )

  readonly task: RunnableTaskId
  readonly definition: TaskFormDefinition<RunnableTaskId, F>
  readonly allModels: ModelsState
  readonly samplers: SamplersState
  readonly jobs: JobsState

  constructor(
    definition: TaskFormDefinition<RunnableTaskId, F>,
    models: ModelsState,
    samplers: SamplersState,
    jobs: JobsState
  ) {
    this.definition = definition
    this.task = definition.task
    this.values = emptyForm(definition)
    this.allModels = models
    this.samplers = samplers
    this.jobs = jobs
  }

  get storageKey(): string {
    return `diffusion-studio.form.${this.task}`
  }

  /** After models and samplers load: restore the last form if its model is still there, else defaults. */
  initialize = (): void => {
    const saved = loadSaved(this.storageKey, emptyForm(this.definition))
    const model = startingModel(this.task, this.allModels.list, saved)
    const base = saved ?? this.values
    if (model && model.manifest.id !== base.model) {
      this.values = modelDefaults(this.definition, model, this.samplers.list, base)
    } else this.values = base
    if (!this.samplers.byName(this.values.sampler)) {
      this.selectSampler(this.samplers.list[0]?.name ?? '')
    }
    if (!this.values.seedLocked) this.values.seed = randomSeed()
    this.initialized = true
  }

  /** Clears the errors once the user changes something. */
  touched = (): void => {
    this.fieldErrors = {}
    this.formError = null
  }

  selectModel = (id: string): void => {
    const model = this.allModels.byId(id)
    if (!model) return
    this.values = {
      ...modelDefaults(this.definition, model, this.samplers.list, this.values),
      modelChosen: true
    }
    this.touched()
  }

  selectSampler = (name: string): void => {
    this.values.sampler = name
    this.values.samplerExtra = carryExtra(this.values.samplerExtra, this.samplers.byName(name))
  }

  rollSeed = (): void => {
    this.values.seed = randomSeed()
  }

  /** Typing a seed means "use this one". */
  setSeed = (seed: number): void => {
    this.values.seed = seed
    this.values.seedLocked = true
  }

  /**
   * Fills the form with a finished job's recipe (seed locked, so Run reproduces it; its inputs come back
   * by hash). Returns false, with the reason in `formError`, when its model is gone.
   */
  reuse = (spec: JobSpec): boolean => {
    const model = spec.model ? this.allModels.byId(spec.model) : undefined
    if (spec.model && !model) {
      this.formError = {
        code: 'unknown-model',
        title: 'That model is not installed',
        message: `The recipe used "${spec.model}", which is no longer installed.`
      }
      return false
    }
    if (spec.task !== this.task) return false
    this.values = valuesFromSpec(this.definition, spec, this.values)
    this.fieldErrors = {}
    this.formError = null
    this.restored++
    this.save()
    return true
  }

  /**
   * Fills in some values from outside (a dropped A1111 recipe); the seed given is locked. Fields this
   * task's form does not have are not taken.
   */
  restore = (patch: Partial<SharedValues> & Readonly<Record<string, unknown>>): void => {
    const model = patch.model ? this.allModels.byId(patch.model) : undefined
    const base = model
      ? modelDefaults(this.definition, model, this.samplers.list, this.values)
      : this.values
    this.values = {
      ...mergeKnown(base, patch),
      modelChosen: model !== undefined || base.modelChosen
    }
    if (patch.sampler !== undefined) {
      const sampler = this.samplers.byName(this.values.sampler)
      this.values.samplerExtra = carryExtra(this.values.samplerExtra, sampler)
    }
    this.fieldErrors = {}
    this.formError = null
    this.restored++
    this.save()
  }

  /** Sends one run. Several presses send several runs (each with its own seed unless locked). */
  run = async (): Promise<JobRecord | null> => {
    if (this.prepare && !(await this.prepare())) return null
    if (!this.values.seedLocked) this.values.seed = randomSeed()
    const spec = buildSpec(this.definition, this.values, this.model)
    const check = validateSpec(spec)
    if (!check.ok) {
      this.fieldErrors = check.fields
      this.formError = null
      return null
    }
    this.touched()
    this.save()
    this.sending++
    try {
      const result = await this.jobs.enqueue(check.spec)
      if ('error' in result) this.formError = result.error
      return 'record' in result ? result.record : null
    } finally {
      this.sending--
    }
  }

  save = (): void => {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify($state.snapshot(this.values)))
    } catch {
      // Storage full or disabled: the form just is not remembered.
    }
  }
}

function loadSaved<V extends SharedValues>(key: string, base: V): V | null {
  try {
    const raw = localStorage.getItem(key)
    return raw ? mergeSaved(JSON.parse(raw) as unknown, base) : null
  } catch {
    return null
  }
}

/** Takes only the saved fields whose type matches the form's (storage is user-editable). */
function mergeSaved<V extends SharedValues>(saved: unknown, base: V): V | null {
  if (typeof saved !== 'object' || saved === null) return null
  const out = mergeKnown(base, saved)
  const extra: unknown = out.samplerExtra
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) out.samplerExtra = {}
  return out
}
