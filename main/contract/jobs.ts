import { z } from 'zod'
import { StudioErrorDataSchema } from './errors'

export const DeviceSchema = z.enum(['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'])
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

const seed = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const samplerExtra = z.record(z.string(), z.union([z.number(), z.boolean(), z.string()]))

/** Options every denoising job shares. Unset fields take the model manifest's defaults. */
const SamplingFields = {
  model: z.string().min(1).max(64).optional(),
  seed: seed.default(0),
  steps: z.number().int().min(1).max(1000).optional(),
  sampler: z.string().min(1).max(64).optional(),
  samplerExtra: samplerExtra.default({}),
  schedule: ScheduleNameSchema.optional(),
  guidance: z.number().min(0).max(50).optional(),
  count: z.number().int().min(1).max(64).default(1),
  device: DeviceSchema.default('auto')
}

export const ImageGenerateSpecSchema = z.object({
  task: z.literal('image.generate'),
  prompt: z.string().max(2000).default(''),
  negativePrompt: z.string().max(2000).default(''),
  /** Class name for class-conditional models (see the manifest's conditioning.classes). */
  label: z.string().min(1).max(64).optional(),
  width: z.number().int().min(8).max(4096).optional(),
  height: z.number().int().min(8).max(4096).optional(),
  ...SamplingFields
})
export type ImageGenerateSpec = z.infer<typeof ImageGenerateSpecSchema>

/** Every job the engine runs. New tasks (inpaint, upscale, point-cloud, molecule, audio, video) join here. */
export const JobSpecSchema = z.discriminatedUnion('task', [ImageGenerateSpecSchema])
export type JobSpec = z.infer<typeof JobSpecSchema>
export type JobSpecInput = z.input<typeof JobSpecSchema>

export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled'])
export type JobStatus = z.infer<typeof JobStatusSchema>

export const ArtifactSchema = z.object({
  path: z.string(),
  mime: z.string(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** Index within the job's batch (`--count`). */
  index: z.number().int().nonnegative()
})
export type Artifact = z.infer<typeof ArtifactSchema>

/** Which execution provider ran a job, written into every output's metadata. */
export const ExecutionSchema = z.object({
  provider: z.string(),
  deviceName: z.string(),
  fallbackReason: z.string().optional()
})
export type Execution = z.infer<typeof ExecutionSchema>

export const JobRecordSchema = z.object({
  id: z.string(),
  spec: JobSpecSchema,
  status: JobStatusSchema,
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  artifacts: z.array(ArtifactSchema),
  error: StudioErrorDataSchema.optional(),
  execution: ExecutionSchema.optional(),
  /** Pre-flight warnings in plain words (memory, time), shown before the result. */
  warnings: z.array(z.string()).default([])
})
export type JobRecord = z.infer<typeof JobRecordSchema>

/** A small preview of the current x0 estimate: RGBA8 pixels, base64. */
export const PreviewSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  rgbaBase64: z.string()
})
export type Preview = z.infer<typeof PreviewSchema>

export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queued'), jobId: z.string(), job: JobRecordSchema }),
  z.object({ type: z.literal('started'), jobId: z.string(), execution: ExecutionSchema }),
  z.object({
    type: z.literal('step'),
    jobId: z.string(),
    /** Steps completed so far, 1 … n. */
    i: z.number().int().nonnegative(),
    n: z.number().int().positive(),
    preview: PreviewSchema.optional()
  }),
  z.object({ type: z.literal('artifact'), jobId: z.string(), artifact: ArtifactSchema }),
  z.object({ type: z.literal('warning'), jobId: z.string(), message: z.string() }),
  z.object({ type: z.literal('done'), jobId: z.string(), job: JobRecordSchema }),
  z.object({
    type: z.literal('failed'),
    jobId: z.string(),
    error: StudioErrorDataSchema,
    job: JobRecordSchema
  }),
  z.object({ type: z.literal('cancelled'), jobId: z.string(), job: JobRecordSchema })
])
export type JobEvent = z.infer<typeof JobEventSchema>
