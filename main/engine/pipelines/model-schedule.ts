import { StudioError, type ModelManifest, type ScheduleName } from '../../contract'
import type { DenoiserSpec } from '../diffusion/denoisers'
import { discreteSchedule, type BetaSpec, type ScheduleSpec } from '../diffusion/schedules'

type DiscreteTraining = Extract<ModelManifest['schedule'], { type: 'discrete' }>

function betaSpec(training: DiscreteTraining): BetaSpec {
  const kind = training.betaSchedule === 'scaled-linear' ? 'scaled-linear' : training.betaSchedule
  return kind === 'cosine'
    ? { kind: 'cosine', steps: training.trainSteps }
    : { kind, betaStart: training.betaStart, betaEnd: training.betaEnd, steps: training.trainSteps }
}

/** The σ schedule a user picked by name, for a model's training schedule. */
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
        throw new StudioError('invalid-request', `Schedule "${name}" needs a discrete-time model.`)
    }
  }
  const betas = betaSpec(training)
  const table = discreteSchedule({ betas, zeroSnr: training.zeroTerminalSnr })
  const sigmaMin = table.sigmas[0]
  const sigmaMax = table.sigmas[table.sigmas.length - 1]
  const discrete = (spacing: 'linspace' | 'leading' | 'trailing'): ScheduleSpec => ({
    kind: 'discrete',
    betas,
    spacing,
    round: training.timestepDtype === 'int64',
    zeroSnr: training.zeroTerminalSnr,
    interpolation: 'log'
  })
  switch (name) {
    case 'model':
    case 'linspace':
      return discrete('linspace')
    case 'leading':
      return discrete('leading')
    case 'trailing':
      return discrete('trailing')
    case 'karras':
      return { kind: 'karras', sigmaMin, sigmaMax, rho: 7 }
    case 'exponential':
      return { kind: 'exponential', sigmaMin, sigmaMax }
    case 'polyexponential':
      return { kind: 'polyexponential', sigmaMin, sigmaMax, rho: 1 }
    case 'vp':
      return { kind: 'vp' }
  }
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
    round: training.timestepDtype === 'int64'
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
