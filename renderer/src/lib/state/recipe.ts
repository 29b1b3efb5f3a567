import { isScheduleName } from '../schedules'
import {
  JobSpecSchema,
  type Device,
  type ImageSample,
  type InstalledModel,
  type JobSpec,
  type JobSpecInput,
  type RunnableTaskId,
  type SamplerDescriptor,
  type ScheduleName
} from '../contract'

/**
 * A task form's values and how they become a JobSpec (and back, for "reuse recipe"). Pure, so the rules
 * are unit-tested; `TaskForm` (task-form.svelte.ts) holds the values in `$state`, one per task.
 */

export type ExtraValue = number | boolean | string

export type FormValues = {
  model: string
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
  /** `${width}x${height}`, or '' for the model's native size. */
  size: string
  device: Device
  /** Output format: png (recipe in text chunks) or webp (lossless, recipe in XMP). */
  format: 'png' | 'webp'
  /** The input image (an input ref), for image-to-image and the editing tasks. */
  image: string
  /** Image to image: how much of the schedule to run, (0, 1]. */
  strength: number
}

export const emptyForm = (): FormValues => ({
  model: '',
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
  size: '',
  device: 'auto',
  format: 'png',
  image: '',
  strength: 0.6
})

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

/** Form values a model starts from: its manifest defaults, first class, native size. */
export function modelDefaults(
  model: InstalledModel,
  samplers: SamplerDescriptor[],
  previous: FormValues
): FormValues {
  const d = model.manifest.defaults
  const sampler = samplers.find((s) => s.name === d.sampler) ?? samplers[0]
  const classes = classesOf(model)
  return {
    ...previous,
    model: model.manifest.id,
    steps: d.steps,
    guidance: d.guidance,
    schedule: isScheduleName(d.schedule) ? d.schedule : 'model',
    sampler: sampler?.name ?? d.sampler,
    samplerExtra: carryExtra(previous.samplerExtra, sampler),
    label: classes.includes(previous.label) ? previous.label : (classes[0] ?? ''),
    size: ''
  }
}

/** The spec a task form sends; fields that do not apply to the task or model are left out. */
export function buildSpec(
  task: RunnableTaskId,
  values: FormValues,
  model: InstalledModel | undefined
): JobSpecInput {
  const kind = conditioningKind(model)
  const spec: Record<string, unknown> = {
    task,
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
  if (task === 'image.img2img') {
    spec.image = values.image || undefined
    spec.strength = values.strength
  }
  if (kind !== 'none') spec.guidance = values.guidance
  if (kind === 'class' && values.label) spec.label = values.label
  if (kind === 'text') {
    spec.prompt = values.prompt
    if (values.negativePrompt) spec.negativePrompt = values.negativePrompt
  }
  const size = parseSize(values.size)
  if (size) {
    spec.width = size.width
    spec.height = size.height
  }
  return spec as JobSpecInput
}

/** "Reuse recipe": the form values that reproduce a finished job (the seed is locked). */
export function valuesFromSpec(spec: JobSpec, previous: FormValues): FormValues {
  const input = spec.task === 'image.img2img' ? { image: spec.image, strength: spec.strength } : {}
  return {
    ...previous,
    ...input,
    model: spec.model ?? previous.model,
    prompt: spec.prompt,
    negativePrompt: spec.negativePrompt,
    label: spec.label ?? previous.label,
    seed: spec.seed,
    seedLocked: true,
    steps: spec.steps ?? previous.steps,
    sampler: spec.sampler ?? previous.sampler,
    samplerExtra: { ...spec.samplerExtra },
    schedule: spec.schedule ?? 'model',
    guidance: spec.guidance ?? previous.guidance,
    count: spec.count,
    size: spec.width && spec.height ? sizeKey(spec.width, spec.height) : '',
    device: spec.device,
    format: spec.format === 'webp' ? 'webp' : 'png'
  }
}

export type Validation =
  | { ok: true; spec: JobSpec }
  | { ok: false; message: string; fields: Partial<Record<string, string>> }

/** What each field must be, in plain words (shown beside the field instead of schema text). */
export const fieldRules: Readonly<Record<string, string>> = {
  model: 'Choose a model.',
  seed: 'The seed is a whole number from 0 up.',
  steps: 'Steps is a whole number from 1 to 1000.',
  sampler: 'Choose a sampler.',
  guidance: 'Guidance is a number from 0 to 50.',
  count: 'Count is a whole number from 1 to 64.',
  prompt: 'The prompt can be at most 4000 characters.',
  negativePrompt: 'The negative prompt can be at most 4000 characters.',
  image: 'Choose an input image: drop it here, paste it, or pick a file.',
  strength: 'Strength is above 0 and at most 1.',
  width: 'The width must be one the model makes.',
  height: 'The height must be one the model makes.',
  samplerExtra: 'A sampler setting is out of range.'
}

/** Checks a spec against the contract before sending it, naming each offending field in plain words. */
export function validateSpec(spec: JobSpecInput): Validation {
  const parsed = JobSpecSchema.safeParse(spec)
  if (parsed.success) return { ok: true, spec: parsed.data }
  const fields: Partial<Record<string, string>> = {}
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '')
    fields[key] ??= fieldRules[key] ?? 'This value is not valid.'
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

/** One-line summary of a job's recipe for lists: "Euler a · 20 steps · seed 42". */
export function recipeLine(spec: JobSpec, samplerLabel?: string): string {
  const parts = [samplerLabel ?? spec.sampler ?? 'default sampler']
  parts.push(spec.steps ? `${spec.steps} steps` : 'default steps')
  parts.push(`seed ${spec.seed}`)
  return parts.join(' · ')
}
