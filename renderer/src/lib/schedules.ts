import { scheduleNames, type ScheduleName } from './contract'

/**
 * Labels and one-line explanations for the contract's σ schedules (`scheduleNames` in main/contract is the
 * one list; this only adds words for people). The select offers them in the contract's order.
 */
const about: Record<ScheduleName, { label: string; description: string }> = {
  model: {
    label: 'Model',
    description: "The model's own default spacing of its training schedule."
  },
  linspace: {
    label: 'Linspace',
    description: 'Timesteps evenly spaced over the whole training range.'
  },
  leading: {
    label: 'Leading',
    description: 'Evenly strided from t = 0 (the Stable Diffusion 1.x default).'
  },
  trailing: {
    label: 'Trailing',
    description:
      'Strided back from the last timestep, so sampling starts at full noise (Lin et al. 2023).'
  },
  karras: {
    label: 'Karras',
    description: 'Karras et al. 2022, ρ = 7: denser steps at low noise; strong with few steps.'
  },
  exponential: { label: 'Exponential', description: 'Evenly spaced in log σ.' },
  polyexponential: {
    label: 'Polyexponential',
    description: 'k-diffusion polyexponential (ρ = 1), between Karras and exponential.'
  },
  vp: { label: 'VP', description: 'Continuous variance-preserving schedule (Song et al. 2021).' }
}

export const schedules = scheduleNames.map((id) => ({ id, ...about[id] }))

export function scheduleLabel(id: string | undefined): string {
  return (id && about[id as ScheduleName]?.label) || id || 'Model'
}

export function isScheduleName(value: string): value is ScheduleName {
  return (scheduleNames as readonly string[]).includes(value)
}
