import { z } from 'zod'

// What every denoising job shares: the device it runs on, the sampler and its schedule, the seed.

/** Execution providers in the order they are tried; declared once (runtime, settings, UI, CLI). */
export const providerNames = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const
export const ProviderNameSchema = z.enum(providerNames)
export type ProviderName = z.infer<typeof ProviderNameSchema>

/** A provider, or `auto` (the first that works). */
export const DeviceSchema = z.enum(['auto', ...providerNames])
export type Device = z.infer<typeof DeviceSchema>

/** Named σ schedules a user can pick; "model" is the model's own training schedule. */
export const scheduleNames = [
  'model',
  'linspace',
  'leading',
  'trailing',
  'karras',
  'exponential',
  'polyexponential',
  'vp'
] as const
export const ScheduleNameSchema = z.enum(scheduleNames)
export type ScheduleName = z.infer<typeof ScheduleNameSchema>

export const SeedSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
export const SamplerExtraSchema = z.record(
  z.string().max(64),
  z.union([z.number(), z.boolean(), z.string().max(200)])
)

/** Options every denoising job shares. Unset fields take the model manifest's defaults. */
export const samplingFields = {
  model: z.string().min(1).max(64).optional(),
  seed: SeedSchema.default(0),
  steps: z.number().int().min(1).max(1000).optional(),
  sampler: z.string().min(1).max(64).optional(),
  samplerExtra: SamplerExtraSchema.default({}),
  schedule: ScheduleNameSchema.optional(),
  guidance: z.number().min(0).max(50).optional(),
  count: z.number().int().min(1).max(64).default(1),
  device: DeviceSchema.default('auto'),
  /** Output format (file extension), one the task writes; default its first. */
  format: z
    .string()
    .regex(/^[a-z0-9]{1,8}$/)
    .optional()
}

/**
 * The one rule for "too few steps", shared by the CLI, the web API and the window: a sampler below the
 * step count it was measured clean at (`steps.min`) may leave noise — unless it is the model's own
 * sampler at the model's own step count or more, which the model's maker measured on that model.
 * Returns the warning in plain words, or '' when there is none.
 */
export function fewStepsWarning(
  sampler: {
    readonly name: string
    readonly label: string
    readonly steps?: { readonly min: number }
  },
  steps: number,
  defaults: { readonly sampler: string; readonly steps: number }
): string {
  const min = sampler.steps?.min ?? 1
  if (steps >= min) return ''
  if (sampler.name === defaults.sampler && steps >= defaults.steps) return ''
  return `${sampler.label} usually needs ${min}+ steps for clean results; ${steps} may leave noise.`
}
