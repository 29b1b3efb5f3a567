import { isScheduleName } from '../schedules'
import {
  JobSpecSchema,
  autoInpaintMethod,
  defaultModel,
  inpaintMethodChoices,
  modalityOf,
  repaintNfe,
  upscaleMethodChoices,
  upscaleScales as upscaleScalesOf,
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
  /** `${width}x${height}`, or '' for the model's native size. */
  size: string
  device: Device
  /**
   * Output format, one the task writes: images png (recipe in text chunks) or webp (lossless, recipe
   * in XMP); point clouds ply, obj or glb; molecules sdf, xyz or pdb.
   */
  format: string
  /** The input image (an input ref), for image-to-image and the editing tasks. */
  image: string
  /** Image to image and inpainting: how much of the schedule to run, (0, 1]. */
  strength: number
  /** Inpainting: the mask as last uploaded (an input ref; '' before the first run, or none). */
  mask: string
  inpaintMethod: InpaintMethod
  /** Inpainting: soft edge of the mask, pixels. */
  feather: number
  /** Inpainting: work on the masked area plus `padding` only. */
  maskedOnly: boolean
  padding: number
  /** Outpainting: pixels added on each side. */
  outpaintLeft: number
  outpaintTop: number
  outpaintRight: number
  outpaintBottom: number
  /** Upscaling: output side / input side. */
  scale: number
  upscaleMethod: UpscaleMethod
  /** Upscaling: output tile side (0: from the memory budget) and overlap, pixels. */
  tile: number
  tileOverlap: number
  /** Upscaling: the latent ×4 upscaler's noise level (sent only to models that take one). */
  noiseLevel: number
  /** Point clouds and molecules: keep every n-th denoising step for replay (0 keeps none). */
  trajectoryEvery: number
  /** Shape generation: points per shape; 0 is the model's own N (more adds a dense stage). */
  points: number
  /** Shape completion: the partial cloud (an input ref of kind point-cloud). */
  partial: string
  placement: Placement
  /** Shape completion: where the missing points start (the mirror image runs `strength` of the schedule). */
  completionStart: CompletionStart
  /** Molecule generation: atoms per molecule as the model counts them (heavy atoms for a model that adds its hydrogens); 0 draws them from the model's histogram. */
  atoms: number
  /** Conformers: the molecule as SMILES, or as a MOL/SDF file (an input ref of kind molecule). */
  smiles: string
  molecule: string
  conformerFrom: 'smiles' | 'file'
}

export const placements = ['auto', 'as-is', 'normalise'] as const
export type Placement = (typeof placements)[number]
export const completionStarts = ['auto', 'noise', 'mirror'] as const
export type CompletionStart = (typeof completionStarts)[number]

/** The output format a task writes unless told otherwise (the first its definition lists). */
export function defaultFormat(task?: RunnableTaskId): string {
  if (!task) return 'png'
  const modality = modalityOf(task)
  return modality === 'point-cloud' ? 'ply' : modality === 'molecule' ? 'sdf' : 'png'
}

export const inpaintMethods = ['auto', 'dedicated', 'repaint', 'blend'] as const
export type InpaintMethod = (typeof inpaintMethods)[number]
export const upscaleMethods = ['auto', 'model', 'ddrm'] as const
export type UpscaleMethod = (typeof upscaleMethods)[number]

/** A fresh form; a task's own defaults where they differ (inpainting regenerates fully: strength 1). */
export const emptyForm = (task?: RunnableTaskId): FormValues => ({
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
  size: '',
  device: 'auto',
  format: defaultFormat(task),
  image: '',
  strength: task === 'image.inpaint' ? 1 : task === 'point-cloud.complete' ? 0.5 : 0.6,
  mask: '',
  inpaintMethod: 'auto',
  feather: 4,
  maskedOnly: true,
  padding: 32,
  outpaintLeft: 0,
  outpaintTop: 0,
  outpaintRight: 0,
  outpaintBottom: 0,
  scale: 4,
  upscaleMethod: 'auto',
  tile: 0,
  tileOverlap: 32,
  noiseLevel: 0,
  trajectoryEvery: 1,
  points: 0,
  partial: '',
  placement: 'auto',
  completionStart: 'auto',
  atoms: 0,
  smiles: '',
  molecule: '',
  conformerFrom: 'smiles'
})

/** Tasks whose strength runs a share of the steps (the rest of the schedule is the input's). */
export const strengthTasks: readonly RunnableTaskId[] = [
  'image.img2img',
  'image.inpaint',
  'point-cloud.complete'
]

/**
 * Steps a run actually samples: image to image and inpainting run the strength's share, and so does
 * shape completion unless it starts from noise (at least one step).
 */
export function stepsRun(
  task: RunnableTaskId,
  values: Pick<FormValues, 'steps' | 'strength'> & Partial<Pick<FormValues, 'completionStart'>>
): number {
  if (task === 'point-cloud.complete') {
    return values.completionStart === 'noise'
      ? values.steps
      : Math.max(1, Math.min(values.steps, Math.floor(values.steps * values.strength + 1e-9)))
  }
  return strengthTasks.includes(task)
    ? Math.min(values.steps, Math.floor(values.steps * values.strength + 1e-9))
    : values.steps
}

/**
 * The scales an upscale form offers for a model (the contract's rule: up to a super-resolution model's
 * own; DDRM, what its tile side divides by), and the one it starts at.
 */
export function upscaleScales(model: InstalledModel | undefined): {
  preferred: number | null
  options: number[]
} {
  if (!model) return { preferred: null, options: [2, 3, 4, 5, 6, 7, 8] }
  const own = model.manifest.imageInputs.upscale
  return { preferred: own ? own.scale : null, options: upscaleScalesOf(model.manifest) }
}

/** The outpainting border as the spec takes it. */
export function outpaintOf(values: FormValues): {
  left: number
  top: number
  right: number
  bottom: number
} {
  return {
    left: values.outpaintLeft,
    top: values.outpaintTop,
    right: values.outpaintRight,
    bottom: values.outpaintBottom
  }
}

export const hasOutpaint = (values: FormValues): boolean =>
  values.outpaintLeft + values.outpaintTop + values.outpaintRight + values.outpaintBottom > 0

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

/** Form values a model starts from: its manifest defaults, first class, native size. */
export function modelDefaults(
  model: InstalledModel,
  samplers: SamplerDescriptor[],
  previous: FormValues
): FormValues {
  const d = model.manifest.defaults
  const sampler = samplers.find((s) => s.name === d.sampler) ?? samplers[0]
  const classes = classesOf(model)
  const scales = upscaleScales(model)
  const own = model.manifest.imageInputs.upscale
  const runs = (choices: readonly { method: string; available: boolean }[], method: string) =>
    method === 'auto' || choices.some((c) => c.method === method && c.available)
  const image = model.manifest.sample.kind === 'image'
  return {
    ...previous,
    // A method the new model cannot run is not kept (the field offers only what it can).
    inpaintMethod:
      image && !runs(inpaintMethodChoices(model.manifest), previous.inpaintMethod)
        ? 'auto'
        : previous.inpaintMethod,
    upscaleMethod:
      image && !runs(upscaleMethodChoices(model.manifest), previous.upscaleMethod)
        ? 'auto'
        : previous.upscaleMethod,
    scale:
      scales.preferred ??
      (scales.options.includes(previous.scale)
        ? previous.scale
        : (scales.options.find((s) => s >= 4) ?? scales.options[0] ?? previous.scale)),
    noiseLevel: own?.noiseLevel ? own.noiseLevel.default : previous.noiseLevel,
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
  if (task === 'image.inpaint') {
    spec.image = values.image || undefined
    if (values.mask) spec.mask = values.mask
    spec.method = values.inpaintMethod
    spec.feather = values.feather
    spec.maskedOnly = values.maskedOnly
    spec.padding = values.padding
    spec.outpaint = outpaintOf(values)
    spec.strength = values.strength
  }
  if (task === 'image.upscale') {
    spec.image = values.image || undefined
    spec.scale = values.scale
    spec.method = values.upscaleMethod
    spec.tile = values.tile
    spec.tileOverlap = values.tileOverlap
    if (model?.manifest.imageInputs.upscale?.noiseLevel) spec.noiseLevel = values.noiseLevel
  }
  const modality = modalityOf(task)
  if (modality === 'point-cloud' || modality === 'molecule') {
    spec.trajectoryEvery = values.trajectoryEvery
  }
  const fixedPoints = typeof model?.manifest.components.denoiser?.inputs[0]?.shape[1] === 'number'
  if (task === 'point-cloud.generate' && values.points > 0 && !fixedPoints)
    spec.points = values.points
  if (task === 'point-cloud.complete') {
    spec.partial = values.partial || undefined
    spec.placement = values.placement
    spec.start = values.completionStart
    spec.strength = values.strength
  }
  if (task === 'molecule.generate' && values.atoms > 0) spec.atoms = values.atoms
  if (task === 'molecule.conformer') {
    if (values.conformerFrom === 'file') spec.molecule = values.molecule || undefined
    else spec.smiles = values.smiles.trim()
  }
  if (kind !== 'none') spec.guidance = values.guidance
  if (kind === 'class' && values.label) spec.label = values.label
  if (kind === 'text') {
    spec.prompt = values.prompt
    if (values.negativePrompt) spec.negativePrompt = values.negativePrompt
  }
  const size = task === 'image.generate' || task === 'image.img2img' ? parseSize(values.size) : null
  if (size) {
    spec.width = size.width
    spec.height = size.height
  }
  return spec as JobSpecInput
}

/** "Reuse recipe": the form values that reproduce a finished job (the seed is locked). */
export function valuesFromSpec(spec: JobSpec, previous: FormValues): FormValues {
  return {
    ...previous,
    ...taskValues(spec),
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
    size: 'width' in spec && spec.width && spec.height ? sizeKey(spec.width, spec.height) : '',
    device: spec.device,
    format: spec.format ?? defaultFormat(spec.task)
  }
}

/** The task's own fields of a spec, as form values. */
function taskValues(spec: JobSpec): Partial<FormValues> {
  switch (spec.task) {
    case 'image.img2img':
      return { image: spec.image, strength: spec.strength }
    case 'image.inpaint':
      return {
        image: spec.image,
        mask: spec.mask ?? '',
        inpaintMethod: spec.method,
        feather: spec.feather,
        maskedOnly: spec.maskedOnly,
        padding: spec.padding,
        outpaintLeft: spec.outpaint.left,
        outpaintTop: spec.outpaint.top,
        outpaintRight: spec.outpaint.right,
        outpaintBottom: spec.outpaint.bottom,
        strength: spec.strength
      }
    case 'image.upscale':
      return {
        image: spec.image,
        scale: spec.scale,
        upscaleMethod: spec.method,
        tile: spec.tile,
        tileOverlap: spec.tileOverlap,
        ...(spec.noiseLevel !== undefined ? { noiseLevel: spec.noiseLevel } : {})
      }
    case 'point-cloud.generate':
      return { trajectoryEvery: spec.trajectoryEvery, points: spec.points ?? 0 }
    case 'point-cloud.complete':
      return {
        trajectoryEvery: spec.trajectoryEvery,
        partial: spec.partial,
        placement: spec.placement,
        completionStart: spec.start,
        strength: spec.strength
      }
    case 'molecule.generate':
      return { trajectoryEvery: spec.trajectoryEvery, atoms: spec.atoms ?? 0 }
    case 'molecule.conformer':
      return {
        trajectoryEvery: spec.trajectoryEvery,
        smiles: spec.smiles ?? '',
        molecule: spec.molecule ?? '',
        conformerFrom: spec.molecule && !spec.smiles ? 'file' : 'smiles'
      }
    default:
      return {}
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
  samplerExtra: 'A sampler setting is out of range.',
  mask: 'Paint the area to regenerate, or extend the canvas.',
  method: 'Choose a method.',
  feather: 'Feather is a whole number of pixels from 0 to 256.',
  maskedOnly: 'Choose whether to work on the masked area only.',
  padding: 'Padding is a whole number of pixels from 0 to 1024.',
  outpaint: 'Each side of the outpainting frame is a whole number of pixels from 0 to 2048.',
  scale: 'The scale is a whole number from 2 to 8.',
  tile: 'The tile is a whole number of pixels from 0 (automatic) to 4096.',
  tileOverlap: 'The tile overlap is a whole number of pixels from 0 to 512.',
  noiseLevel: 'The noise level is a whole number from 0 to 1000.',
  label: 'Choose a class the model knows.',
  format: 'Choose an output format.',
  trajectoryEvery: 'Keep every n-th step: a whole number from 0 (none) to 1000.',
  points: 'Points per shape is a whole number from 16 to 16384.',
  partial: 'Choose a partial point cloud (PLY or OBJ): drop it here or pick a file.',
  placement: 'Choose how the partial cloud is placed.',
  start: 'Choose where the missing points start.',
  atoms: 'Atoms is a whole number from 1 to 256 (as the model counts them).',
  smiles: 'Enter a molecule as SMILES (at most 500 characters).',
  molecule: 'Choose a MOL or SDF file: drop it here or pick a file.'
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

/**
 * Model calls (NFE) a form's run makes: its sampler's, or RePaint's own count where the inpainting runs
 * RePaint (it resamples, and its solver replaces the sampler); × 2 with classifier-free guidance.
 */
export function runCalls(
  task: RunnableTaskId,
  values: FormValues,
  model: InstalledModel | undefined,
  sampler: SamplerDescriptor | undefined
): number {
  const guided = conditioningKind(model) !== 'none' && values.guidance !== 1
  const steps = stepsRun(task, values)
  const manifest = model?.manifest
  const repaint =
    task === 'image.inpaint' &&
    manifest?.sample.kind === 'image' &&
    (values.inpaintMethod === 'auto' ? autoInpaintMethod(manifest) : values.inpaintMethod) ===
      'repaint'
  return repaint
    ? repaintNfe(steps, values.samplerExtra) * (guided ? 2 : 1)
    : modelCalls(steps, sampler, guided)
}

/** One-line summary of a job's recipe for lists: "Euler a · 20 steps · seed 42". */
export function recipeLine(spec: JobSpec, samplerLabel?: string): string {
  const parts = [samplerLabel ?? spec.sampler ?? 'default sampler']
  parts.push(spec.steps ? `${spec.steps} steps` : 'default steps')
  parts.push(`seed ${spec.seed}`)
  return parts.join(' · ')
}
