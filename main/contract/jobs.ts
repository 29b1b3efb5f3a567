import { z } from 'zod'
import { ArtifactSchema, PreviewSchema } from './artifacts'
import { StudioErrorDataSchema } from './errors'
import { audioSpecSchemas } from './specs/audio'
import { imageSpecSchemas } from './specs/image'
import { moleculeSpecSchemas } from './specs/molecule'
import { pointCloudSpecSchemas } from './specs/point-cloud'
import { videoSpecSchemas } from './specs/video'
import type { TaskId } from './tasks'

/**
 * Every job the engine runs, discriminated by its task id. A task joins by adding its spec schema here
 * (contract/specs/<modality>.ts); the engine's pipeline table then fails typecheck until it has a pipeline.
 */
export const JobSpecSchema = z.discriminatedUnion('task', [
  ...imageSpecSchemas,
  ...pointCloudSpecSchemas,
  ...moleculeSpecSchemas,
  ...audioSpecSchemas,
  ...videoSpecSchemas
])
export type JobSpec = z.infer<typeof JobSpecSchema>

/**
 * A job spec as a request carries it across a transport (the enqueueJob verb, the engine protocol):
 * the same union with unknown keys refused, so a misspelt or foreign field (`--width` of a molecule,
 * `strenght`) is an error naming it, never dropped in silence. Stored records and recipes read in
 * files keep the lenient `JobSpecSchema` (a recipe carries where it ran).
 */
export const JobSpecRequestSchema = z.discriminatedUnion(
  'task',
  JobSpecSchema.options.map((o) =>
    (o as z.ZodObject).strict()
  ) as unknown as typeof JobSpecSchema.options
)
export type JobSpecInput = z.input<typeof JobSpecSchema>
/** The tasks that have a spec (and so a pipeline); a subset of the vocabulary in tasks.ts. */
export type RunnableTaskId = JobSpec['task'] & TaskId
export type SpecOf<T extends RunnableTaskId> = Extract<JobSpec, { task: T }>
export const runnableTaskIds = JobSpecSchema.options.map(
  (o) => o.shape.task.value
) as RunnableTaskId[]

export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled'])
export type JobStatus = z.infer<typeof JobStatusSchema>

/** Which execution provider ran a job, written into every output's metadata. */
export const ExecutionSchema = z.object({
  provider: z.string(),
  deviceName: z.string(),
  fallbackReason: z.string().optional()
})
export type Execution = z.infer<typeof ExecutionSchema>

/** How far a job got: steps completed of n, written when it stops (cancelled or failed mid-run). */
export const ProgressSchema = z.object({
  i: z.number().int().nonnegative(),
  n: z.number().int().positive()
})

/**
 * Measures of a job's outputs as a whole, by name (e.g. "validity": 0.92, "1-NNA-CD": 0.58): what a batch
 * of molecules or shapes scores. At most 64 entries.
 */
export const JobMetricsSchema = z
  .record(z.string().min(1).max(64), z.number())
  .refine((m) => Object.keys(m).length <= 64, 'at most 64 metrics')
export type JobMetrics = z.infer<typeof JobMetricsSchema>

/** The version of stored job records; storage/job-store migrates older rows to it on open. */
export const jobRecordVersion = 2

export const JobRecordSchema = z.object({
  schemaVersion: z.literal(jobRecordVersion).default(jobRecordVersion),
  id: z.string(),
  spec: JobSpecSchema,
  status: JobStatusSchema,
  createdAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  artifacts: z.array(ArtifactSchema),
  error: StudioErrorDataSchema.optional(),
  execution: ExecutionSchema.optional(),
  /** Warnings in plain words (memory, time, what was done instead of what was asked). */
  warnings: z.array(z.string()).default([]),
  /**
   * What reading the job's inputs did or found, one sentence each naming the input, from the input
   * store's validators: colours converted, precision kept, hydrogens added, records skipped… Printed by
   * the CLI and shown with the job in the window.
   */
  inputNotes: z.array(z.string()).default([]),
  /** Steps completed when the job stopped (so "cancelled at step 27 of 50" survives a reload). */
  progress: ProgressSchema.optional(),
  /** Set when the studio stopped while this job ran: it can be run again as a new job. */
  interrupted: z.boolean().optional(),
  /** Measures of the outputs as a set (molecules: validity, stability…; shapes: 1-NNA, COV, MMD). */
  metrics: JobMetricsSchema.optional()
})
export type JobRecord = z.infer<typeof JobRecordSchema>

export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queued'), jobId: z.string(), job: JobRecordSchema }),
  z.object({
    type: z.literal('started'),
    jobId: z.string(),
    execution: ExecutionSchema,
    /** When main started the job (ms since the epoch, as `JobRecord.startedAt`): elapsed counts from here. */
    startedAt: z.number().optional()
  }),
  z.object({
    type: z.literal('step'),
    jobId: z.string(),
    /** Steps completed so far, 1 … n. */
    i: z.number().int().nonnegative(),
    n: z.number().int().positive(),
    /** What is being stepped when a job has several stages (tiles, images): e.g. "tile 3 of 12". */
    stage: z.string().max(200).optional(),
    preview: PreviewSchema.optional()
  }),
  z.object({ type: z.literal('artifact'), jobId: z.string(), artifact: ArtifactSchema }),
  z.object({ type: z.literal('warning'), jobId: z.string(), message: z.string() }),
  z.object({ type: z.literal('metrics'), jobId: z.string(), metrics: JobMetricsSchema }),
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
