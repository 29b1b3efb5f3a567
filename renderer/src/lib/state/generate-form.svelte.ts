import { errorTitles, type InstalledModel, type JobSpec, type SamplerDescriptor } from '../contract'
import type { JobsState } from './jobs.svelte'
import type { ModelsState } from './models.svelte'
import {
  buildSpec,
  carryExtra,
  classesOf,
  conditioningKind,
  emptyForm,
  modelCalls,
  modelDefaults,
  randomSeed,
  validateSpec,
  valuesFromSpec,
  type FormValues
} from './recipe'
import type { SamplersState } from './samplers.svelte'
import type { ToastsState } from './toasts.svelte'

const STORAGE_KEY = 'diffusion-studio.generate-form'

/**
 * The Generate panel: form values (remembered across reloads), the selected model and sampler, and the
 * Generate action (roll the seed unless locked → build the spec → check it against the contract → enqueue).
 */
export class GenerateForm {
  values = $state<FormValues>(emptyForm())
  /** Field → message, from the last failed check. */
  fieldErrors = $state<Partial<Record<string, string>>>({})
  submitting = $state(false)
  initialized = $state(false)

  model: InstalledModel | undefined = $derived.by(() => this.models.byId(this.values.model))
  sampler: SamplerDescriptor | undefined = $derived.by(() =>
    this.samplers.byName(this.values.sampler)
  )
  kind = $derived(conditioningKind(this.model))
  classes: string[] = $derived(classesOf(this.model))
  canGenerate = $derived(this.model?.status === 'ready' && !this.submitting)
  calls = $derived(
    modelCalls(this.values.steps, this.sampler, this.kind !== 'none' && this.values.guidance !== 1)
  )

  readonly models: ModelsState
  readonly samplers: SamplersState
  readonly jobs: JobsState
  readonly toasts: ToastsState

  constructor(models: ModelsState, samplers: SamplersState, jobs: JobsState, toasts: ToastsState) {
    this.models = models
    this.samplers = samplers
    this.jobs = jobs
    this.toasts = toasts
  }

  /** After models and samplers load: restore the last form if its model is still there, else defaults. */
  initialize = (): void => {
    const saved = loadSaved()
    const savedModel = saved && this.models.byId(saved.model)
    if (saved && savedModel?.status === 'ready') {
      this.values = { ...emptyForm(), ...saved }
    } else {
      const first = this.models.ready[0] ?? this.models.list[0]
      if (first) this.values = modelDefaults(first, this.samplers.list, this.values)
    }
    if (!this.samplers.byName(this.values.sampler))
      this.selectSampler(this.samplers.list[0]?.name ?? '')
    if (!this.values.seedLocked) this.values.seed = randomSeed()
    this.initialized = true
  }

  selectModel = (id: string): void => {
    const model = this.models.byId(id)
    if (!model) return
    this.values = modelDefaults(model, this.samplers.list, this.values)
    this.fieldErrors = {}
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

  /** Fills the form with a finished job's recipe (seed locked, so Generate reproduces it). */
  reuse = (spec: JobSpec): void => {
    const model = spec.model ? this.models.byId(spec.model) : undefined
    if (spec.model && !model) {
      this.toasts.error({
        code: 'unknown-model',
        title: errorTitles['unknown-model'],
        message: `The recipe used "${spec.model}", which is no longer installed.`
      })
      return
    }
    this.values = valuesFromSpec(spec, this.values)
    this.fieldErrors = {}
    this.save()
    this.toasts.info(
      'Recipe loaded',
      `Seed ${spec.seed} is locked; press Generate to run it again.`
    )
  }

  generate = async (): Promise<void> => {
    if (this.submitting) return
    if (!this.values.seedLocked) this.values.seed = randomSeed()
    const spec = buildSpec(this.values, this.model)
    const check = validateSpec(spec)
    if (!check.ok) {
      this.fieldErrors = check.fields
      this.toasts.error({
        code: 'invalid-request',
        title: errorTitles['invalid-request'],
        message: check.message
      })
      return
    }
    this.fieldErrors = {}
    this.save()
    this.submitting = true
    try {
      await this.jobs.submit(spec)
    } finally {
      this.submitting = false
    }
  }

  save = (): void => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify($state.snapshot(this.values)))
    } catch {
      // Storage full or disabled: the form just is not remembered.
    }
  }
}

function loadSaved(): FormValues | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    return raw ? mergeSaved(JSON.parse(raw) as unknown) : null
  } catch {
    return null
  }
}

/** Takes only the saved fields whose type matches the form's (storage is user-editable). */
function mergeSaved(saved: unknown): FormValues | null {
  if (typeof saved !== 'object' || saved === null) return null
  const base = emptyForm()
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(saved)) {
    if (key in base && typeof value === typeof base[key as keyof FormValues]) out[key] = value
  }
  const extra = out.samplerExtra
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) out.samplerExtra = {}
  return out as FormValues
}
