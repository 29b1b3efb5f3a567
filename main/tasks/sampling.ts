// The one lookup of sampler, schedule, steps, guidance and class label for a denoising job, shared by
// main's validation (before a job is queued), the engine's pipelines and the CLI.
import {
  StudioError,
  fewStepsWarning,
  type ModelManifest,
  type SamplerDescriptor,
  type ScheduleName,
  type TruncatedChain
} from '../contract'
import { findSampler, samplers } from '../diffusion/registry'
import type { SamplerInfo } from '../diffusion/types'
import { buildSigmas, truncatedSigmas } from '../diffusion/schedules'
import { scheduleFor, stepLimit } from './schedule'
import { didYouMean } from './suggest'

/** The sampling fields of a spec (every denoising task has them). */
export interface SamplingRequest {
  readonly steps?: number
  readonly sampler?: string
  readonly samplerExtra: Readonly<Record<string, number | boolean | string>>
  readonly schedule?: ScheduleName
  readonly guidance?: number
}

export interface ResolvedSampling {
  readonly sampler: SamplerInfo
  readonly steps: number
  readonly schedule: ScheduleName
  readonly guidance: number
  /** The σ list, steps + 1 values ending at 0. */
  readonly sigmas: Float64Array
  /** What was done differently from what was asked, or what may disappoint, in plain words. */
  readonly warnings: readonly string[]
}

/** Step counts a sampler gives clean results at (measured on the starter model; docs/benchmarks.md). */
export function samplerSteps(sampler: SamplerInfo): { min: number; default: number } {
  return sampler.steps ?? { min: 1, default: 20 }
}

/** Sampler knobs must be ones the sampler declares, of the declared type and range. */
function checkSamplerExtra(sampler: SamplerInfo, extra: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(extra)) {
    const param = sampler.params.find((p) => p.name === name)
    const fail = (why: string): never => {
      throw new StudioError(
        'invalid-request',
        `Sampler "${sampler.name}" parameter "${name}": ${why}.`
      )
    }
    if (!param) {
      const known = sampler.params.map((p) => p.name)
      fail(
        `unknown (parameters: ${known.join(', ') || 'none'})${didYouMean(name, known).replace(/\.$/, '')}`
      )
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

/**
 * A sampler by name for generation.
 * @throws StudioError unknown-sampler (with the closest name), or invalid-request for an inversion sampler.
 */
export function samplerFor(name: string): SamplerInfo {
  const sampler = findSampler(name) ?? findSampler(name.toLowerCase())
  if (!sampler) {
    const names = samplers.map((s) => s.name)
    throw new StudioError(
      'unknown-sampler',
      `Unknown sampler "${name}".${didYouMean(name, names)} Available: ${names.join(', ')}.`
    )
  }
  if (sampler.purpose === 'invert') {
    throw new StudioError(
      'invalid-request',
      `"${sampler.name}" inverts an image to noise; it cannot generate. Pick a sampling method.`
    )
  }
  return sampler
}

/**
 * Warnings for a job outside the steps (and samplers) its model was measured to do well with
 * (`manifest.measuredRange`), naming the range and what was measured.
 */
export function measuredRangeWarnings(
  manifest: ModelManifest,
  sampler: SamplerInfo,
  steps: number
): string[] {
  const range = manifest.measuredRange
  if (!range) return []
  const warnings: string[] = []
  const { min, max } = range.steps
  if (steps < min || steps > max) {
    const span = min === max ? `${min} step${min === 1 ? '' : 's'}` : `${min}–${max} steps`
    warnings.push(
      `"${manifest.id}" was measured at its best with ${span}` +
        `${range.samplers ? ` (${range.samplers.join(', ')})` : ''}; ${steps} is outside that range. ` +
        `Measured: ${range.basis}`
    )
  }
  if (range.samplers && !range.samplers.includes(sampler.name)) {
    warnings.push(
      `"${manifest.id}" was measured with ${range.samplers.join(', ')} only; ${sampler.name} was not ` +
        `measured on it and may give much worse results. Measured: ${range.basis}`
    )
  }
  return warnings
}

/**
 * Resolves a spec's sampling fields against a model: unset fields take the manifest's defaults (or, for
 * a sampler other than the model's own that needs more steps than the model's default, the sampler's
 * own), and every field is
 * checked. Steps above the schedule's limit are refused, naming it; fewer steps than the sampler needs
 * are run with a warning.
 * @throws StudioError for an unknown sampler, a bad knob, or a schedule the model cannot use.
 */
export function resolveSampling(
  request: SamplingRequest,
  manifest: ModelManifest
): ResolvedSampling {
  const warnings: string[] = []
  const sampler = samplerFor(request.sampler ?? manifest.defaults.sampler)
  checkSamplerExtra(sampler, request.samplerExtra)
  const schedule = request.schedule ?? manifest.defaults.schedule
  const spec = scheduleFor(manifest, schedule)
  const range = samplerSteps(sampler)
  let steps = request.steps ?? manifest.defaults.steps
  // The model's own sampler at its own step count is what its maker chose (few-step models, samplers
  // measured on that model): trusted as is.
  const modelsChoice = request.steps === undefined && sampler.name === manifest.defaults.sampler
  if (modelsChoice) {
    // nothing to adjust
  } else if (request.steps === undefined && steps < range.min) {
    warnings.push(
      `${sampler.label} needs about ${range.min}+ steps for clean results; using ${range.default} ` +
        `instead of the model's default ${steps}.`
    )
    steps = range.default
  } else {
    const few = fewStepsWarning(sampler, steps, manifest.defaults)
    if (few) warnings.push(few)
  }
  warnings.push(...measuredRangeWarnings(manifest, sampler, steps))
  const limit = stepLimit(manifest, schedule)
  if (steps > limit) {
    throw new StudioError(
      'invalid-request',
      `"${manifest.id}" was trained with ${manifest.schedule.type === 'discrete' ? manifest.schedule.trainSteps : '?'} ` +
        `timesteps: the "${schedule}" schedule gives at most ${limit} distinct steps, and ${steps} were ` +
        `asked. Use ${limit} or fewer steps, or the karras schedule.`
    )
  }
  let sigmas: Float64Array
  try {
    sigmas = buildSigmas(spec, steps)
  } catch (error) {
    throw new StudioError('invalid-request', `Schedule "${schedule}": ${(error as Error).message}.`)
  }
  return {
    sampler,
    steps,
    schedule,
    guidance: request.guidance ?? manifest.defaults.guidance,
    sigmas,
    warnings
  }
}

/**
 * The σ list of a model's truncated chain for resolved sampling: σ_start, then the chosen schedule's
 * steps − 1 values from σ_tail (diffusion/schedules truncatedSigmas).
 * @throws StudioError invalid-request for a schedule that cannot be truncated (discrete spacings).
 */
export function chainSigmas(
  manifest: ModelManifest,
  sampling: ResolvedSampling,
  chain: TruncatedChain
): Float64Array {
  try {
    return truncatedSigmas(scheduleFor(manifest, sampling.schedule), sampling.steps, chain)
  } catch (error) {
    if (error instanceof RangeError) {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" starts its chain at σ ${chain.sigmaStart} and runs the tail from σ ${chain.sigmaTail}: ${error.message}.`
      )
    }
    throw error
  }
}

/**
 * A class label by name, matched case-insensitively: its canonical name and index.
 * @throws StudioError invalid-request for a model without classes or an unknown label (closest named).
 */
export function resolveLabel(
  manifest: ModelManifest,
  label: string
): { readonly name: string; readonly index: number } {
  const conditioning = manifest.conditioning
  if (conditioning.type !== 'class') {
    throw new StudioError(
      'invalid-request',
      `Model "${manifest.id}" does not take a class label${conditioning.type === 'text' ? '; give a prompt instead' : ''}.`
    )
  }
  const index = conditioning.classes.findIndex((c) => c.toLowerCase() === label.toLowerCase())
  if (index < 0) {
    throw new StudioError(
      'invalid-request',
      `Unknown label "${label}" for "${manifest.id}".${didYouMean(label, conditioning.classes)} ` +
        `Labels: ${conditioning.classes.join(', ')}.`
    )
  }
  return { name: conditioning.classes[index], index }
}

/** Every sampler as the UI and CLI list it. */
export function samplerDescriptors(): SamplerDescriptor[] {
  return samplers.map(({ sample: _sample, params, purpose, ...rest }) => ({
    ...rest,
    purpose: purpose ?? 'sample',
    steps: samplerSteps(rest as SamplerInfo),
    params: params.map((p) => ({ ...p, choices: p.choices ? [...p.choices] : undefined }))
  }))
}
