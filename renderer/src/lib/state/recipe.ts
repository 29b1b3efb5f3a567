import { isScheduleName } from '../schedules'
import {
  JobSpecSchema,
  defaultFormat,
  describeRange,
  fieldSchema,
  maxLength,
  numberRange,
  runnableTaskIds,
  defaultModel,
  taskFormats,
  type Device,
  type ImageSample,
  type InstalledModel,
  type JobSpec,
  type JobSpecInput,
  type RunnableTaskId,
  type SamplerDescriptor,
  type ScheduleName,
  type SpecOf
} from '../contract'

/**
 * A task form's values and how they become a JobSpec (and back, for "reuse recipe"). Pure, so the rules
 * are unit-tested; `TaskForm` (task-form.svelte.ts) holds the values in `$state`, one per task.
 */

export type ExtraValue = number | boolean | string

/**
 * The fields every task form shares: the model, conditioning and the sampling fields of
 * `contract/sampling.ts`. A task's own fields (its inputs, strength, method, …) are declared by its
 * panel's `TaskFormDefinition` in `features/<modality>/forms.ts`.
 */
export type SharedValues = {
  model: string
  /** Whether the user picked `model` (or a recipe named it); otherwise the task's default is used. */
  modelChosen: boolean
  prompt: string
  negativePrompt: string
  /** Class name for class-conditional models. */
  label: string
  seed: number
  /** Locked: Generate uses `seed` as is. Unlocked: Generate rolls a new seed first. */
  seedLocked: boolean
  steps: number
  sampler: string
  samplerExtra: Record<string, ExtraValue>
  schedule: ScheduleName
  guidance: number
  count: number
  device: Device
  /** Output format, one the task writes (its first by default). */
  format: string
}

/** A task form's values: the shared fields and the task's own (`F`, from its definition). */
export type FormValues<F extends object = object> = SharedValues & F

/** The task's own fields of a spec, as its definition's `toSpec` gives them (the schema's input type). */
export type TaskSpecFields<T extends RunnableTaskId> = Partial<
  Omit<Extract<JobSpecInput, { task: T }>, 'task'>
>

/**
 * One task's form, beside its panel in `features/<modality>/forms.ts`: its own fields and their
 * defaults, how they become the task's part of a spec and how a spec fills them back. Pure, so each is
 * unit-tested. Listed, through its panel, in the exhaustive registry (`features/registry.ts`).
 */
export interface TaskFormDefinition<T extends RunnableTaskId, F extends object> {
  readonly task: T
  /** The task's own fields with their defaults. */
  defaults(): F
  /** The task's own spec fields (the shared ones are added by `buildSpec`); left out where they do not apply. */
  toSpec(values: FormValues<F>, model: InstalledModel | undefined): TaskSpecFields<T>
  /** The task's own form values that reproduce a spec ("Reuse recipe", drop to restore). */
  fromSpec(spec: SpecOf<T>): Partial<F>
  /** What changes when a model is chosen (a method it cannot run is dropped, its own scale taken…). */
  onModel?(values: FormValues<F>, model: InstalledModel): Partial<F>
  /** Steps the sampler actually runs (default: all of them). */
  stepsRun?(values: FormValues<F>): number
  /** Model calls (NFE) without guidance, where the task's own solver replaces the sampler's count. */
  calls?(
    values: FormValues<F>,
    model: InstalledModel | undefined,
    steps: number
  ): number | undefined
}

/** Every runnable task's form definition, the shape `features/registry.ts` hands the studio state. */
export type TaskFormDefinitions = {
  readonly [T in RunnableTaskId]: TaskFormDefinition<T, object>
}

/** The formats a task writes, as a picker's choices (contract/formats.ts; the first is the default). */
export function formatChoices(
  task: RunnableTaskId
): { value: string; label: string; about: string }[] {
  return taskFormats[task].map((f) => ({ value: f.ext, label: f.label, about: f.about }))
}

/** The shared fields of a fresh form. */
export const sharedDefaults = (task: RunnableTaskId): SharedValues => ({
  model: '',
  modelChosen: false,
  prompt: '',
  negativePrompt: '',
  label: '',
  seed: 0,
  seedLocked: false,
  steps: 20,
  sampler: '',
  samplerExtra: {},
  schedule: 'model',
  guidance: 1,
  count: 1,
  device: 'auto',
  format: defaultFormat(task).ext
})

/** A fresh form of a task: the shared fields and the task's own defaults. */
export function emptyForm<T extends RunnableTaskId, F extends object>(
  definition: TaskFormDefinition<T, F>
): FormValues<F> {
  return { ...sharedDefaults(definition.task), ...definition.defaults() }
}

/**
 * Takes from `patch` only the fields `base` has, with the same type (a saved form is user-editable,
 * a dropped recipe may name fields another task has).
 */
export function mergeKnown<V extends object>(base: V, patch: unknown): V {
  if (typeof patch !== 'object' || patch === null) return base
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined && key in base && typeof value === typeof out[key]) out[key] = value
  }
  return out as V
}

/** Steps an edit of `strength` runs of `steps` (image to image, inpainting: SDEdit's share). */
export function strengthSteps(steps: number, strength: number): number {
  return Math.min(steps, Math.floor(steps * strength + 1e-9))
}

/** Steps a run actually samples: the task's rule (an edit runs the strength's share), else all. */
export function stepsRun<F extends object>(
  definition: TaskFormDefinition<RunnableTaskId, F>,
  values: FormValues<F>
): number {
  return definition.stepsRun ? definition.stepsRun(values) : values.steps
}

export const MAX_SEED = 2 ** 32 - 1

/** A fresh seed in [0, 2³²): big enough to matter, short enough to read and type. */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * (MAX_SEED + 1))
}

export type ConditioningKind = 'none' | 'class' | 'text'

export function conditioningKind(model: InstalledModel | undefined): ConditioningKind {
  return model?.manifest.conditioning.type ?? 'none'
}

export function classesOf(model: InstalledModel | undefined): string[] {
  const c = model?.manifest.conditioning
  return c?.type === 'class' ? c.classes : []
}

/** Each parameter's default, as the sampler describes it. */
export function samplerDefaults(
  sampler: SamplerDescriptor | undefined
): Record<string, ExtraValue> {
  const out: Record<string, ExtraValue> = {}
  for (const p of sampler?.params ?? []) out[p.name] = p.default
  return out
}

/** Keeps values the new sampler also has (same name and type), defaults the rest, drops the others. */
export function carryExtra(
  previous: Record<string, ExtraValue>,
  sampler: SamplerDescriptor | undefined
): Record<string, ExtraValue> {
  const out = samplerDefaults(sampler)
  for (const p of sampler?.params ?? []) {
    const v = previous[p.name]
    if (v !== undefined && typeof v === typeof p.default) out[p.name] = v
  }
  return out
}

export function sizeKey(width: number, height: number): string {
  return `${width}x${height}`
}

export function parseSize(key: string): { width: number; height: number } | null {
  const m = /^(\d+)x(\d+)$/.exec(key)
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null
}

/** The image sample of a model, or undefined for other modalities. */
export function imageSampleOf(model: InstalledModel | undefined): ImageSample | undefined {
  const sample = model?.manifest.sample
  return sample?.kind === 'image' ? sample : undefined
}

/** A model's native output size in pixels. */
export function nativeSizeOf(
  model: InstalledModel | undefined
): { width: number; height: number } | undefined {
  const sample = imageSampleOf(model)
  return (
    sample && { width: sample.width * sample.vaeScale, height: sample.height * sample.vaeScale }
  )
}

/** The sizes a model offers: its native size first, then its resolution buckets. */
export function sizesOf(model: InstalledModel | undefined): { key: string; label: string }[] {
  const native = nativeSizeOf(model)
  if (!model || !native) return []
  const { width, height } = native
  const seen = new Set<string>()
  const out: { key: string; label: string }[] = []
  const add = (w: number, h: number, native: boolean) => {
    const key = sizeKey(w, h)
    if (seen.has(key)) return
    seen.add(key)
    out.push({ key: native ? '' : key, label: `${w} × ${h}${native ? ' (native)' : ''}` })
  }
  add(width, height, true)
  for (const b of model.manifest.resolutionBuckets) add(b.width, b.height, false)
  return out
}

/**
 * The model a task form opens on: the one the user chose last, while it is ready and does the task; else
 * the studio's default for the task (`defaultModel`, the rule the CLI and the web API apply to a job
 * that names no model).
 */
export function startingModel(
  task: RunnableTaskId,
  models: readonly InstalledModel[],
  saved: Pick<FormValues, 'model' | 'modelChosen'> | null
): InstalledModel | undefined {
  const kept = saved?.modelChosen ? models.find((m) => m.manifest.id === saved.model) : undefined
  if (kept?.status === 'ready' && kept.manifest.tasks.includes(task)) return kept
  return defaultModel(task, models)
}

/** Form values a model starts from: its manifest defaults, first class, and the task's own rule. */
export function modelDefaults<F extends object>(
  definition: TaskFormDefinition<RunnableTaskId, F>,
  model: InstalledModel,
  samplers: SamplerDescriptor[],
  previous: FormValues<F>
): FormValues<F> {
  const d = model.manifest.defaults
  const sampler = samplers.find((s) => s.name === d.sampler) ?? samplers[0]
  const classes = classesOf(model)
  const shared: FormValues<F> = {
    ...previous,
    model: model.manifest.id,
    steps: d.steps,
    guidance: d.guidance,
    schedule: isScheduleName(d.schedule) ? d.schedule : 'model',
    sampler: sampler?.name ?? d.sampler,
    samplerExtra: carryExtra(previous.samplerExtra, sampler),
    label: classes.includes(previous.label) ? previous.label : (classes[0] ?? '')
  }
  return { ...shared, ...definition.onModel?.(shared, model) }
}

/** The spec a task form sends; fields that do not apply to the task or model are left out. */
export function buildSpec<T extends RunnableTaskId, F extends object>(
  definition: TaskFormDefinition<T, F>,
  values: FormValues<F>,
  model: InstalledModel | undefined
): JobSpecInput {
  const kind = conditioningKind(model)
  const spec: Record<string, unknown> = {
    task: definition.task,
    model: values.model || undefined,
    seed: values.seed,
    steps: values.steps,
    sampler: values.sampler || undefined,
    samplerExtra: { ...values.samplerExtra },
    schedule: values.schedule,
    count: values.count,
    device: values.device,
    format: values.format
  }
  if (kind !== 'none') spec.guidance = values.guidance
  if (kind === 'class' && values.label) spec.label = values.label
  if (kind === 'text') {
    spec.prompt = values.prompt
    if (values.negativePrompt) spec.negativePrompt = values.negativePrompt
  }
  Object.assign(spec, definition.toSpec(values, model))
  return spec as JobSpecInput
}

/** "Reuse recipe": the form values that reproduce a finished job (the seed is locked). */
export function valuesFromSpec<T extends RunnableTaskId, F extends object>(
  definition: TaskFormDefinition<T, F>,
  spec: SpecOf<T>,
  previous: FormValues<F>
): FormValues<F> {
  return {
    ...previous,
    ...definition.fromSpec(spec),
    model: spec.model ?? previous.model,
    modelChosen: spec.model !== undefined || previous.modelChosen,
    prompt: 'prompt' in spec ? spec.prompt : previous.prompt,
    negativePrompt: 'negativePrompt' in spec ? spec.negativePrompt : previous.negativePrompt,
    label: ('label' in spec ? spec.label : undefined) ?? previous.label,
    seed: spec.seed,
    seedLocked: true,
    steps: spec.steps ?? previous.steps,
    sampler: spec.sampler ?? previous.sampler,
    samplerExtra: { ...spec.samplerExtra },
    schedule: spec.schedule ?? 'model',
    guidance: spec.guidance ?? previous.guidance,
    count: spec.count,
    device: spec.device,
    format: spec.format ?? defaultFormat(spec.task).ext
  }
}

export type Validation =
  | { ok: true; spec: JobSpec }
  | { ok: false; message: string; fields: Partial<Record<string, string>> }

/**
 * How a typed field is named beside it. What it must be (its range, its length) is read from the task's
 * spec schema (`fieldRule`), so the window's hints never restate a limit the contract declares.
 */
const fieldNames: Readonly<Record<string, string>> = {
  seed: 'The seed',
  steps: 'Steps',
  guidance: 'Guidance',
  count: 'Count',
  prompt: 'The prompt',
  negativePrompt: 'The negative prompt',
  strength: 'Strength',
  feather: 'Feather (pixels)',
  padding: 'Padding (pixels)',
  outpaint: 'Each side of the outpainting frame (pixels)',
  scale: 'The scale',
  tile: 'The tile (pixels; 0 picks it from the memory budget)',
  tileOverlap: 'The tile overlap (pixels)',
  noiseLevel: 'The noise level',
  trajectoryEvery: 'Keep every n-th step (0 keeps none)',
  points: 'Points per shape',
  atoms: 'Atoms (hydrogens included)',
  smiles: 'The SMILES',
  seconds: 'The length (seconds)',
  frames: 'Frames',
  fps: 'Frames per second'
}

/** What a field that is chosen rather than typed asks for. */
const choiceRules: Readonly<Record<string, string>> = {
  model: 'Choose a model.',
  source: 'Choose a clip: a WAV file.',
  region: 'The region must end after it starts (seconds, feather at most 5).',
  sampler: 'Choose a sampler.',
  image: 'Choose an input image: drop it here, paste it, or pick a file.',
  width: 'The width must be one the model makes.',
  height: 'The height must be one the model makes.',
  samplerExtra: 'A sampler setting is out of range.',
  mask: 'Paint the area to regenerate, or extend the canvas.',
  method: 'Choose a method.',
  maskedOnly: 'Choose whether to work on the masked area only.',
  label: 'Choose a class the model knows.',
  format: 'Choose an output format.',
  partial: 'Choose a partial point cloud (PLY or OBJ): drop it here or pick a file.',
  placement: 'Choose how the partial cloud is placed.',
  molecule: 'Choose a MOL or SDF file: drop it here or pick a file.'
}

/** A task's spec schema (the union's option for it). */
function specSchemaOf(task: RunnableTaskId) {
  return JobSpecSchema.options.find((o) => o.shape.task.value === task)
}

/**
 * What a field of a task's spec must be, in plain words: a typed field's range or length from the
 * schema ("Steps is a whole number from 1 to 1000."), a chosen one's request. `path` reaches into an
 * object field (outpaint.left).
 */
export function fieldRule(task: RunnableTaskId, path: readonly PropertyKey[]): string {
  const key = String(path[0] ?? '')
  const schema = specSchemaOf(task)
  const field = schema ? fieldSchema(schema, path.length > 1 ? path : [key]) : undefined
  const name = fieldNames[key]
  const range = field ? numberRange(field) : undefined
  if (name && range) return `${name} is ${describeRange(range)}.`
  const length = field ? maxLength(field) : undefined
  if (key === 'smiles') return `Enter a molecule as SMILES (at most ${length} characters).`
  if (name && length !== undefined) return `${name} can be at most ${length} characters.`
  return choiceRules[key] ?? 'This value is not valid.'
}

/** The range a number field of a task's spec takes (from its schema), for an input's min and max. */
export function fieldLimits(
  task: RunnableTaskId,
  path: readonly PropertyKey[]
): { min?: number; max?: number } {
  const schema = specSchemaOf(task)
  const field = schema ? fieldSchema(schema, path) : undefined
  const range = field ? numberRange(field) : undefined
  return range ? { min: range.min, max: range.max } : {}
}

/** Checks a spec against the contract before sending it, naming each offending field in plain words. */
export function validateSpec(spec: JobSpecInput): Validation {
  const parsed = JobSpecSchema.safeParse(spec)
  if (parsed.success) return { ok: true, spec: parsed.data }
  const fields: Partial<Record<string, string>> = {}
  const task = (runnableTaskIds as readonly unknown[]).includes(spec.task)
    ? (spec.task as RunnableTaskId)
    : undefined
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '')
    fields[key] ??= task ? fieldRule(task, issue.path) : 'This value is not valid.'
  }
  const message = Object.values(fields).join(' ')
  return { ok: false, message, fields }
}

/** Model calls a run will make: steps × calls per step (× 2 with classifier-free guidance). */
export function modelCalls(
  steps: number,
  sampler: SamplerDescriptor | undefined,
  guided: boolean
): number {
  return steps * (sampler?.callsPerStep ?? 1) * (guided ? 2 : 1)
}

/**
 * Model calls (NFE) a form's run makes: its sampler's, or the task's own count where its solver
 * replaces the sampler (inpainting by RePaint resamples); × 2 with classifier-free guidance.
 */
export function runCalls<F extends object>(
  definition: TaskFormDefinition<RunnableTaskId, F>,
  values: FormValues<F>,
  model: InstalledModel | undefined,
  sampler: SamplerDescriptor | undefined
): number {
  const guided = conditioningKind(model) !== 'none' && values.guidance !== 1
  const steps = stepsRun(definition, values)
  const own = definition.calls?.(values, model, steps)
  return own !== undefined ? own * (guided ? 2 : 1) : modelCalls(steps, sampler, guided)
}

/** One-line summary of a job's recipe for lists: "Euler a · 20 steps · seed 42". */
export function recipeLine(spec: JobSpec, samplerLabel?: string): string {
  const parts = [samplerLabel ?? spec.sampler ?? 'default sampler']
  parts.push(spec.steps ? `${spec.steps} steps` : 'default steps')
  parts.push(`seed ${spec.seed}`)
  return parts.join(' · ')
}
