import { StudioError, type InstalledModel, type JobSpec } from '../contract'
import { findSampler, samplerNames } from '../engine/diffusion/registry'
import type { SamplerInfo } from '../engine/diffusion/types'
import { scheduleFor } from '../engine/pipelines/model-schedule'

/** Sampler knobs must be ones the sampler declares, of the declared type and range. */
function checkSamplerExtra(sampler: SamplerInfo, extra: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(extra)) {
    const param = sampler.params.find((p) => p.name === name)
    const fail = (why: string) => {
      throw new StudioError(
        'invalid-request',
        `Sampler "${sampler.name}" parameter "${name}": ${why}.`
      )
    }
    if (!param) {
      const known = sampler.params.map((p) => p.name).join(', ') || 'none'
      fail(`unknown (parameters: ${known})`)
      return
    }
    if (typeof value !== typeof param.default) fail(`expected a ${typeof param.default}`)
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail('must be a finite number')
      if (param.min !== undefined && value < param.min) fail(`must be ≥ ${param.min}`)
      if (param.max !== undefined && value > param.max) fail(`must be ≤ ${param.max}`)
    }
    if (typeof value === 'string' && param.choices && !param.choices.includes(value)) {
      fail(`must be one of ${param.choices.join(', ')}`)
    }
  }
}

/** The default model for a modality: the first ready one, starter models first. */
export function defaultModel(models: readonly InstalledModel[], modality: string): InstalledModel {
  const ready = models.filter((m) => m.manifest.modality === modality && m.status === 'ready')
  const choice = ready.find((m) => m.origin === 'starter') ?? ready[0]
  if (choice) return choice
  const broken = models.find((m) => m.manifest.modality === modality)
  if (broken) return broken // reported below with its problem
  throw new StudioError('unknown-model', `No ${modality} model is installed.`)
}

/**
 * Checks a parsed spec against what is installed before it is queued, so a bad request fails at
 * once with a precise error instead of minutes later in the engine. Returns the spec with its model.
 */
export function validateSpec(spec: JobSpec, models: readonly InstalledModel[]): JobSpec {
  const model = spec.model
    ? models.find((m) => m.manifest.id === spec.model)
    : defaultModel(models, 'image')
  if (!model) {
    const ids = models.map((m) => m.manifest.id).join(', ') || 'none'
    throw new StudioError('unknown-model', `Unknown model "${spec.model}". Installed: ${ids}.`)
  }
  if (model.status !== 'ready') {
    throw new StudioError(
      model.status === 'corrupt' ? 'model-corrupt' : 'model-missing',
      `Model "${model.manifest.id}" cannot run: ${model.problem ?? model.status}.`
    )
  }
  const manifest = model.manifest
  const samplerName = spec.sampler ?? manifest.defaults.sampler
  const sampler = findSampler(samplerName)
  if (sampler?.purpose === 'invert') {
    throw new StudioError(
      'invalid-request',
      `"${sampler.name}" inverts an image to noise; it cannot generate. Pick a sampling method.`
    )
  }
  if (!sampler) {
    throw new StudioError(
      'unknown-sampler',
      `Unknown sampler "${samplerName}". Available: ${samplerNames().join(', ')}.`
    )
  }
  checkSamplerExtra(sampler, spec.samplerExtra)
  scheduleFor(manifest, spec.schedule ?? manifest.defaults.schedule) // throws for a schedule the model cannot use
  const conditioning = manifest.conditioning
  if (spec.label !== undefined) {
    if (conditioning.type !== 'class') {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" does not take a class label.`
      )
    }
    if (!conditioning.classes.includes(spec.label)) {
      throw new StudioError(
        'invalid-request',
        `Unknown label "${spec.label}" for "${manifest.id}". Labels: ${conditioning.classes.join(', ')}.`
      )
    }
  }
  const fixed = manifest.resolutionBuckets.length === 0
  const sizeOk = (w: number | undefined, h: number | undefined): boolean =>
    fixed
      ? (w ?? manifest.sample.width) === manifest.sample.width &&
        (h ?? manifest.sample.height) === manifest.sample.height
      : manifest.resolutionBuckets.some(
          (b) =>
            b.width === (w ?? manifest.sample.width) && b.height === (h ?? manifest.sample.height)
        )
  if (!sizeOk(spec.width, spec.height)) {
    throw new StudioError(
      'invalid-request',
      `Model "${manifest.id}" makes ${manifest.sample.width}×${manifest.sample.height} images; ` +
        `${spec.width ?? manifest.sample.width}×${spec.height ?? manifest.sample.height} was asked.`
    )
  }
  return { ...spec, model: manifest.id }
}
