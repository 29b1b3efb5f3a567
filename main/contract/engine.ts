import { z } from 'zod'
import { StudioErrorDataSchema } from './errors'
import { ArtifactSchema, PreviewSchema } from './artifacts'
import { ExecutionSchema, JobMetricsSchema, JobSpecRequestSchema } from './jobs'
import { SettingsSchema } from './settings'

// Messages between main and the engine host process. Both ends parse what they receive.

export const EngineRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    jobId: z.string(),
    spec: JobSpecRequestSchema,
    settings: SettingsSchema,
    /** Folder the artifacts go to; files appear there only complete (written, then renamed). */
    outputDir: z.string(),
    /** Artifact file name without extension; `-2`, `-3`… are added for count > 1. Default: the job id. */
    fileStem: z.string().min(1).max(200).optional(),
    /** The content-addressed input store the spec's input refs point into. */
    inputsDir: z.string().optional()
  }),
  z.object({ type: z.literal('cancel'), jobId: z.string() }),
  z.object({
    type: z.literal('info'),
    requestId: z.string(),
    settings: SettingsSchema,
    /** Forget the probe cache and probe every provider again (`info --reprobe`). */
    reprobe: z.boolean().optional()
  }),
  /** Get ready for jobs with these settings now (providers, sessions' runtime, calibration). */
  z.object({ type: z.literal('warm'), settings: SettingsSchema })
])
export type EngineRequest = z.infer<typeof EngineRequestSchema>

/**
 * The least time between two updates of one job that a window shows (20 a second): main's step throttle
 * (ipc/step-throttle.ts) coalesces steps to it, and the engine computes previews no more often.
 */
export const stepIntervalMs = 50

export const EngineJobUpdateSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), execution: ExecutionSchema }),
  z.object({
    type: z.literal('step'),
    i: z.number().int().nonnegative(),
    n: z.number().int().positive(),
    stage: z.string().max(200).optional(),
    preview: PreviewSchema.optional()
  }),
  z.object({ type: z.literal('artifact'), artifact: ArtifactSchema }),
  z.object({ type: z.literal('warning'), message: z.string() }),
  z.object({ type: z.literal('metrics'), metrics: JobMetricsSchema }),
  z.object({ type: z.literal('done') }),
  z.object({ type: z.literal('failed'), error: StudioErrorDataSchema }),
  z.object({ type: z.literal('cancelled') })
])
export type EngineJobUpdate = z.infer<typeof EngineJobUpdateSchema>

export const EngineMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number() }),
  z.object({ type: z.literal('job'), jobId: z.string(), update: EngineJobUpdateSchema }),
  z.object({
    type: z.literal('reply'),
    requestId: z.string(),
    result: z.unknown().optional(),
    error: StudioErrorDataSchema.optional()
  })
])
export type EngineMessage = z.infer<typeof EngineMessageSchema>
