import { isScheduleName } from '../schedules'
import {
  JobSpecSchema,
  describeIssues,
  type Device,
  type InstalledModel,
  type ScheduleName,
  type JobSpec,
  type JobSpecInput,
  type SamplerDescriptor
} from '../contract'

/**
 * The Generate form's values and how they become a JobSpec (and back, for "reuse recipe"). Pure, so the
 * rules are unit-tested; `GenerateForm` (generate-form.svelte.ts) holds the values in `$state`.
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
  device: 'auto'
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

/** The sizes a model offers: its native size first, then its resolution buckets. */
export function sizesOf(model: InstalledModel | undefined): { key: string; label: string }[] {
  if (!model) return []
  const { width, height } = model.manifest.sample
  const seen = new Set<string>()
  const out: { key: string; label: string }[] = []
  const add = (w: number, h: number, native: boolean) => {
    const key = sizeKey(w, h)
    if (seen.has(key)) return
    seen.add(key)
    out.push({ key: native ? '' : key, label: `${w} × ${h}${native ? ' (native)' : ''}` })
  }
  const latent = model.manifest.latentScale !== 1 || model.manifest.components['vae-decoder']
  // For latent models the sample size is the latent's; buckets are in pixels. Show pixels where known.
  if (!latent) add(width, height, true)
  else out.push({ key: '', label: 'Native' })
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

/** The spec Generate sends; fields that do not apply to the model are left out. */
export function buildSpec(values: FormValues, model: InstalledModel | undefined): JobSpecInput {
  const kind = conditioningKind(model)
  const spec: JobSpecInput = {
    task: 'image.generate',
    model: values.model || undefined,
    seed: values.seed,
    steps: values.steps,
    sampler: values.sampler || undefined,
    samplerExtra: { ...values.samplerExtra },
    schedule: values.schedule,
    count: values.count,
    device: values.device
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
  return spec
}

/** "Reuse recipe": the form values that reproduce a finished job (the seed is locked). */
export function valuesFromSpec(spec: JobSpec, previous: FormValues): FormValues {
  return {
    ...previous,
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
    device: spec.device
  }
}

export type Validation =
  | { ok: true; spec: JobSpec }
  | { ok: false; message: string; fields: Partial<Record<string, string>> }

/** Checks a spec against the contract before sending it, naming the offending fields. */
export function validateSpec(spec: JobSpecInput): Validation {
  const parsed = JobSpecSchema.safeParse(spec)
  if (parsed.success) return { ok: true, spec: parsed.data }
  const fields: Partial<Record<string, string>> = {}
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '')
    fields[key] ??= issue.message
  }
  return { ok: false, message: describeIssues(parsed.error), fields }
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
