// A model's manifest → the σ schedule a user picked by name, and the adapter that turns the model's output
// into D(x; σ). Pure: contract types and the diffusion toolbox only.
import { StudioError, type ModelManifest, type ScheduleName } from '../contract'
import type { DenoiserSpec } from '../diffusion/denoisers'
import {
  discreteSchedule,
  discreteStepLimit,
  type BetaSpec,
  type ScheduleSpec
} from '../diffusion/schedules'

type DiscreteTraining = Extract<ModelManifest['schedule'], { type: 'discrete' }>
type Spacing = 'linspace' | 'leading' | 'trailing'

function betaSpec(training: DiscreteTraining): BetaSpec {
  switch (training.betaSchedule) {
    case 'cosine':
      return { kind: 'cosine', steps: training.trainSteps }
    case 'polynomial':
      return {
        kind: 'polynomial',
        steps: training.trainSteps,
        power: training.power ?? 2,
        precision: training.precision ?? 1e-5
      }
    default:
      return {
        kind: training.betaSchedule,
        betaStart: training.betaStart,
        betaEnd: training.betaEnd,
        steps: training.trainSteps
      }
  }
}

/** The spacing the "model" schedule uses: the model's own (diffusers `timestep_spacing`), else linspace. */
export function modelSpacing(manifest: ModelManifest): Spacing {
  return manifest.schedule.type === 'discrete'
    ? (manifest.schedule.timestepSpacing ?? 'linspace')
    : 'linspace'
}

function spacingOf(manifest: ModelManifest, name: ScheduleName): Spacing | undefined {
  if (name === 'model') return modelSpacing(manifest)
  return name === 'linspace' || name === 'leading' || name === 'trailing' ? name : undefined
}

/**
 * The σ schedule a user picked by name, for a model's training schedule. "model" is the model's own
 * timestep spacing and steps offset (exactly diffusers' `set_timesteps` for its scheduler config).
 * @throws StudioError invalid-request for a schedule the model cannot use.
 */
export function scheduleFor(manifest: ModelManifest, name: ScheduleName): ScheduleSpec {
  const training = manifest.schedule
  if (training.type === 'continuous') {
    const { sigmaMin, sigmaMax } = training
    switch (name) {
      case 'model':
      case 'karras':
        return { kind: 'karras', sigmaMin, sigmaMax, rho: 7 }
      case 'exponential':
        return { kind: 'exponential', sigmaMin, sigmaMax }
      case 'polyexponential':
        return { kind: 'polyexponential', sigmaMin, sigmaMax, rho: 1 }
      default:
        throw new StudioError(
          'invalid-request',
          `Schedule "${name}" needs a discrete-time model; "${manifest.id}" is continuous-time ` +
            '(use model, karras, exponential or polyexponential).'
        )
    }
  }
  const betas = betaSpec(training)
  const table = discreteSchedule({ betas, zeroSnr: training.zeroTerminalSnr })
  const sigmaMin = table.sigmas[0]
  const sigmaMax = table.sigmas[table.sigmas.length - 1]
  const spacing = spacingOf(manifest, name)
  if (spacing) {
    return {
      kind: 'discrete',
      betas,
      spacing,
      stepsOffset: training.stepsOffset ?? 0,
      zeroSnr: training.zeroTerminalSnr,
      interpolation: 'log'
    }
  }
  switch (name) {
    case 'karras':
      return { kind: 'karras', sigmaMin, sigmaMax, rho: 7 }
    case 'exponential':
      return { kind: 'exponential', sigmaMin, sigmaMax }
    case 'polyexponential':
      return { kind: 'polyexponential', sigmaMin, sigmaMax, rho: 1 }
    default:
      return { kind: 'vp' }
  }
}

/**
 * The most steps a named schedule can run on this model without repeating a σ: the training
 * timesteps (less the steps offset for "leading") for the discrete spacings, unbounded otherwise.
 */
export function stepLimit(manifest: ModelManifest, name: ScheduleName): number {
  const training = manifest.schedule
  const spacing = spacingOf(manifest, name)
  if (training.type !== 'discrete' || !spacing) return Number.POSITIVE_INFINITY
  return discreteStepLimit(spacing, training.trainSteps, { stepsOffset: training.stepsOffset ?? 0 })
}

/** How the model's output becomes D(x; σ): its parameterisation and its σ → timestep map. */
export function denoiserSpecFor(manifest: ModelManifest): DenoiserSpec {
  const training = manifest.schedule
  if (training.type === 'continuous') {
    if (manifest.parameterization === 'edm')
      return { prediction: 'edm', sigmaData: training.sigmaData }
    if (manifest.parameterization === 'flow') return { prediction: 'flow' }
    return {
      prediction: manifest.parameterization === 'epsilon' ? 'eps' : manifest.parameterization,
      timestep: { kind: 'sigma' },
      inputScaling: 'none'
    }
  }
  const schedule = discreteSchedule({
    betas: betaSpec(training),
    zeroSnr: training.zeroTerminalSnr
  })
  const timestep = {
    kind: 'discrete' as const,
    schedule,
    round: training.timestepDtype === 'int64',
    ...(training.timestepScale !== undefined ? { scale: training.timestepScale } : {})
  }
  switch (manifest.parameterization) {
    case 'epsilon':
      return { prediction: 'eps', timestep }
    case 'v':
    case 'x0':
    case 'score':
      return { prediction: manifest.parameterization, timestep }
    default:
      throw new StudioError(
        'model-mismatch',
        `Model "${manifest.id}": ${manifest.parameterization} needs a continuous schedule.`
      )
  }
}
