import { z } from 'zod'
import { InstalledModelSchema } from './models'
import { JobRecordSchema, JobSpecSchema, type JobEvent } from './jobs'
import { SettingsPatchSchema, SettingsSchema } from './settings'

export const ProviderProbeSchema = z.object({
  name: z.enum(['cuda', 'dml', 'coreml', 'webgpu', 'cpu']),
  available: z.boolean(),
  /** Why it is not available, or why it was passed over. */
  reason: z.string().optional(),
  deviceName: z.string().optional()
})
export type ProviderProbe = z.infer<typeof ProviderProbeSchema>

export const EngineInfoSchema = z.object({
  version: z.string(),
  providers: z.array(ProviderProbeSchema),
  chosen: z.string(),
  deviceName: z.string(),
  fallbackReason: z.string().optional(),
  versions: z.record(z.string(), z.string())
})
export type EngineInfo = z.infer<typeof EngineInfoSchema>

export const SamplerParamSchema = z.object({
  name: z.string(),
  description: z.string(),
  default: z.union([z.number(), z.boolean(), z.string()]),
  min: z.number().optional(),
  max: z.number().optional(),
  choices: z.array(z.string()).optional()
})

export const SamplerDescriptorSchema = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string(),
  order: z.number(),
  callsPerStep: z.number(),
  stochastic: z.boolean(),
  /** 'sample' walks σ down to 0 (generation); 'invert' walks it up (image → noise, for editing). */
  purpose: z.enum(['sample', 'invert']),
  reference: z.string(),
  params: z.array(SamplerParamSchema)
})
export type SamplerDescriptor = z.infer<typeof SamplerDescriptorSchema>

export const ArtifactDataSchema = z.object({ mime: z.string(), dataBase64: z.string() })
export type ArtifactData = z.infer<typeof ArtifactDataSchema>

const none = z.undefined().optional()

/**
 * Every request/response verb between the renderer and main, with the schema of its one argument and of
 * its answer. Both transports (Electron IPC and the web host) are built from this table; the receiving
 * end parses every message with it.
 */
export const invokeContract = {
  info: { request: none, response: EngineInfoSchema },
  listSamplers: { request: none, response: z.array(SamplerDescriptorSchema) },
  listModels: { request: none, response: z.array(InstalledModelSchema) },
  enqueueJob: { request: JobSpecSchema, response: JobRecordSchema },
  cancelJob: {
    request: z.object({ jobId: z.string().min(1).max(64) }),
    response: z.object({ cancelled: z.boolean() })
  },
  listJobs: {
    request: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).optional(),
    response: z.array(JobRecordSchema)
  },
  readArtifact: {
    request: z.object({ jobId: z.string().min(1).max(64), index: z.number().int().min(0).max(63) }),
    response: ArtifactDataSchema
  },
  getSettings: { request: none, response: SettingsSchema },
  updateSettings: { request: SettingsPatchSchema, response: SettingsSchema }
} as const

export type InvokeContract = typeof invokeContract
export type Verb = keyof InvokeContract
export const verbs = Object.keys(invokeContract) as Verb[]
export type VerbRequest<V extends Verb> = z.input<InvokeContract[V]['request']>
export type VerbRequestParsed<V extends Verb> = z.output<InvokeContract[V]['request']>
export type VerbResponse<V extends Verb> = z.output<InvokeContract[V]['response']>

/** IPC channel of a verb; the preload and main both derive channel names from here. */
export const channelOf = (verb: Verb): string => `studio:${verb}`
export const jobEventChannel = 'studio:job-event'

/** The API the renderer sees as `window.studio` (Electron) or through the web host client. */
export type StudioApi = {
  [V in Verb]: undefined extends VerbRequest<V>
    ? (request?: VerbRequest<V>) => Promise<VerbResponse<V>>
    : (request: VerbRequest<V>) => Promise<VerbResponse<V>>
} & {
  /** Subscribes to job events; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void
}

/** What a failed call returns over either transport. */
export const RemoteErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() })
})
