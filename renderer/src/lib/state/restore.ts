import { mapSampler, mapSchedule, parseA1111 } from '../recipes/a1111'
import {
  JobSpecSchema,
  runnableTaskIds,
  scheduleNames,
  type InputInfo,
  type InstalledModel,
  type JobSpec,
  type RunnableTaskId,
  type SamplerDescriptor,
  type ScheduleName
} from '../contract'
import {
  classesOf,
  conditioningKind,
  nativeSizeOf,
  sizeKey,
  sizesOf,
  type SharedValues
} from './recipe'

/**
 * Dropping an output onto the window restores its recipe. A studio output carries its job spec as JSON
 * (the `diffusion-studio` text chunk or XMP); an A1111 PNG carries `parameters` text. This turns either
 * into what to fill in, and says in plain words what was restored and what was left out. Pure; the
 * studio state applies the plan (studio.svelte.ts, `restoreFile`).
 */

export interface RestoreContext {
  readonly models: readonly InstalledModel[]
  readonly samplers: readonly SamplerDescriptor[]
  /** The model a task's form has now (for a recipe that names none installed). */
  readonly formModel: (task: RunnableTaskId) => string
  /** Whether a task's form has a field of its own (`size`, `strength`): its definition's defaults. */
  readonly takes: (task: RunnableTaskId, field: string) => boolean
}

/** What an A1111 line fills in: shared fields, and the size and strength where the task's form has them. */
export type A1111Values = Partial<SharedValues> & { size?: string; strength?: number }

export type RestorePlan =
  | {
      readonly kind: 'spec'
      readonly spec: JobSpec
      readonly restored: readonly string[]
      readonly ignored: readonly string[]
    }
  | {
      readonly kind: 'values'
      readonly task: RunnableTaskId
      readonly values: A1111Values
      readonly restored: readonly string[]
      readonly ignored: readonly string[]
    }
  | { readonly kind: 'none'; readonly reason: string }

/** Recipe keys that describe where a job ran, not how to make it again. */
const runMetadata = new Set(['studio', 'provider', 'deviceName', 'fallbackReason', 'count'])

export function planRestore(recipe: InputInfo['recipe'], ctx: RestoreContext): RestorePlan {
  if (recipe?.studio) {
    const plan = planFromStudio(recipe.studio, ctx)
    if (plan.kind !== 'none' || !recipe.parameters) return plan
  }
  if (recipe?.parameters) return planFromA1111(recipe.parameters, ctx)
  return {
    kind: 'none',
    reason:
      'This file carries no recipe (neither a studio one nor A1111 parameters); it may have been saved by another program.'
  }
}

function planFromStudio(json: string, ctx: RestoreContext): RestorePlan {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return { kind: 'none', reason: 'The recipe in this file is not readable JSON.' }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { kind: 'none', reason: 'The recipe in this file is not a job.' }
  }
  const parsed = JobSpecSchema.safeParse(raw)
  if (!parsed.success) {
    const task = (raw as { task?: unknown }).task
    return {
      kind: 'none',
      reason:
        typeof task === 'string' && !(runnableTaskIds as readonly string[]).includes(task)
          ? `The recipe is for "${task}", which this studio cannot run.`
          : 'The recipe in this file does not match what this studio runs (a newer or older version?).'
    }
  }
  let spec = parsed.data
  const ignored: string[] = []
  const known = new Set(Object.keys(spec))
  for (const key of Object.keys(raw)) {
    if (!known.has(key) && !runMetadata.has(key)) ignored.push(key)
  }
  if (spec.model && !ctx.models.some((m) => m.manifest.id === spec.model)) {
    ignored.push(`model "${spec.model}" (not installed)`)
    spec = { ...spec, model: undefined }
  }
  if (spec.sampler && !ctx.samplers.some((s) => s.name === spec.sampler)) {
    ignored.push(`sampler "${spec.sampler}" (unknown here)`)
    spec = { ...spec, sampler: undefined }
  }
  const restored = [`task ${spec.task}`]
  if (spec.model) restored.push(`model ${spec.model}`)
  if ('label' in spec && spec.label) restored.push(`class "${spec.label}"`)
  if ('prompt' in spec && spec.prompt) restored.push('prompt')
  if ('negativePrompt' in spec && spec.negativePrompt) restored.push('negative prompt')
  if ('image' in spec) restored.push('input image')
  if ('mask' in spec && spec.mask) restored.push('mask')
  restored.push(`seed ${spec.seed}`)
  if (spec.steps) restored.push(`${spec.steps} steps`)
  if (spec.sampler) restored.push(`sampler ${spec.sampler}`)
  return { kind: 'spec', spec, restored, ignored }
}

/** Settings of the A1111 line this reads; every other one is reported as ignored. */
const handledSettings = new Set([
  'Steps',
  'Sampler',
  'Schedule type',
  'CFG scale',
  'Seed',
  'Size',
  'Model',
  'Task',
  'Denoising strength'
])

function planFromA1111(text: string, ctx: RestoreContext): RestorePlan {
  const p = parseA1111(text)
  const s = p.settings
  if (!p.prompt && Object.keys(s).length === 0) {
    return { kind: 'none', reason: 'The parameters text in this file is empty.' }
  }
  const restored: string[] = []
  const ignored: string[] = []
  const values: A1111Values = {}

  const asked = s.Task as RunnableTaskId | undefined
  const task: RunnableTaskId = asked && runnableTaskIds.includes(asked) ? asked : 'image.generate'
  if (asked && asked !== task) ignored.push(`task "${asked}"`)

  let model = ctx.models.find((m) => m.manifest.id === ctx.formModel(task))
  if (s.Model) {
    const named = ctx.models.find(
      (m) =>
        (m.manifest.id === s.Model || m.manifest.name === s.Model) &&
        m.status === 'ready' &&
        m.manifest.tasks.includes(task)
    )
    if (named) {
      model = named
      values.model = named.manifest.id
      restored.push(`model ${named.manifest.id}`)
    } else ignored.push(`model "${s.Model}" (not installed)`)
  }

  const kind = conditioningKind(model)
  if (p.prompt) {
    if (kind === 'text') {
      values.prompt = p.prompt
      restored.push('prompt')
    } else if (kind === 'class') {
      const cls = classesOf(model).find((c) => c.toLowerCase() === p.prompt.toLowerCase())
      if (cls) {
        values.label = cls
        restored.push(`class "${cls}"`)
      } else ignored.push(`prompt (${modelName(model)} takes a class, not text)`)
    } else ignored.push('prompt (the model takes none)')
  }
  if (p.negativePrompt) {
    if (kind === 'text') {
      values.negativePrompt = p.negativePrompt
      restored.push('negative prompt')
    } else ignored.push('negative prompt')
  }

  const int = (v: string | undefined, min: number, max: number) => {
    const n = Number(v)
    return v !== undefined && v.trim() !== '' && Number.isInteger(n) && n >= min && n <= max
      ? n
      : null
  }
  const steps = int(s.Steps, 1, 1000)
  if (steps !== null) {
    values.steps = steps
    restored.push(`${steps} steps`)
  } else if (s.Steps !== undefined) ignored.push(`Steps: ${s.Steps}`)

  const schedules = scheduleNames as readonly string[]
  if (s.Sampler !== undefined) {
    const mapped = mapSampler(
      s.Sampler,
      ctx.samplers.map((d) => d.name)
    )
    if (mapped) {
      values.sampler = mapped.sampler
      restored.push(`sampler ${s.Sampler}`)
      if (mapped.schedule && schedules.includes(mapped.schedule)) {
        values.schedule = mapped.schedule as ScheduleName
      }
    } else ignored.push(`sampler "${s.Sampler}" (none here like it)`)
  }
  if (s['Schedule type'] !== undefined) {
    const schedule = mapSchedule(s['Schedule type'], schedules)
    if (schedule) {
      values.schedule = schedule as ScheduleName
      restored.push(`schedule ${s['Schedule type']}`)
    } else ignored.push(`schedule type "${s['Schedule type']}"`)
  }

  const cfg = Number(s['CFG scale'])
  if (s['CFG scale'] !== undefined && Number.isFinite(cfg) && cfg >= 0 && cfg <= 50) {
    values.guidance = cfg
    restored.push(`CFG ${cfg}`)
  } else if (s['CFG scale'] !== undefined) ignored.push(`CFG scale: ${s['CFG scale']}`)

  const seed = int(s.Seed, 0, Number.MAX_SAFE_INTEGER)
  if (seed !== null) {
    values.seed = seed
    values.seedLocked = true
    restored.push(`seed ${seed}`)
  } else if (s.Seed !== undefined) ignored.push(`Seed: ${s.Seed} (random)`)

  if (s.Size !== undefined) {
    const m = /^(\d+)\s*x\s*(\d+)$/i.exec(s.Size.trim())
    const want = m ? sizeKey(Number(m[1]), Number(m[2])) : ''
    const native = nativeSizeOf(model)
    const sized = ctx.takes(task, 'size')
    if (m && sized && native && want === sizeKey(native.width, native.height)) {
      values.size = ''
      restored.push(`size ${m[1]}×${m[2]}`)
    } else if (m && sized && sizesOf(model).some((o) => o.key === want)) {
      values.size = want
      restored.push(`size ${m[1]}×${m[2]}`)
    } else {
      const makes = native ? ` (${modelName(model)} makes ${native.width}×${native.height})` : ''
      ignored.push(`size ${s.Size}${sized ? makes : ''}`)
    }
  }

  if (s['Denoising strength'] !== undefined) {
    const strength = Number(s['Denoising strength'])
    if (ctx.takes(task, 'strength') && strength > 0 && strength <= 1) {
      values.strength = strength
      restored.push(`strength ${strength}`)
    } else ignored.push(`denoising strength ${s['Denoising strength']}`)
  }

  for (const key of Object.keys(s)) if (!handledSettings.has(key)) ignored.push(key)
  return { kind: 'values', task, values, restored, ignored }
}

const modelName = (model: InstalledModel | undefined) => model?.manifest.name ?? 'the model'

/** The sentence a toast says after a restore: "Restored: …. Ignored: …." */
export function describeRestore(plan: Exclude<RestorePlan, { kind: 'none' }>): string {
  const parts = [`Restored ${plan.restored.join(', ')}.`]
  if (plan.ignored.length > 0) parts.push(`Ignored ${plan.ignored.join(', ')}.`)
  return parts.join(' ')
}
