import { z } from 'zod'
import {
  CatalogueEntrySchema,
  InstalledModelSchema,
  ModelListingSchema,
  type ModelEvent
} from './models'
import { BytesSchema } from './artifacts'
import {
  InputInfoSchema,
  InputKindSchema,
  inputSizeCaps,
  type InputInfo,
  type InputKind
} from './inputs'
import { JobRecordSchema, JobSpecRequestSchema, JobStatusSchema, type JobEvent } from './jobs'
import { ProviderNameSchema } from './sampling'
import { SettingsPatchSchema, SettingsSchema } from './settings'
import { TaskIdSchema } from './tasks'

export const ProviderProbeSchema = z.object({
  name: ProviderNameSchema,
  available: z.boolean(),
  /** Why it is not available, or why it was passed over. */
  reason: z.string().optional(),
  deviceName: z.string().optional(),
  /** Not tried again: an earlier probe on this machine found it missing (the engine's probe cache). */
  cached: z.boolean().optional()
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
  params: z.array(SamplerParamSchema),
  /** Step counts where it gives clean results on the starter model (measured; see docs/benchmarks.md). */
  steps: z.object({ min: z.number().int().positive(), default: z.number().int().positive() })
})
export type SamplerDescriptor = z.infer<typeof SamplerDescriptorSchema>

const none = z.undefined().optional()

const modelId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, dot, dash, underscore')

/**
 * An absolute local path (POSIX, or a Windows drive path), no NUL bytes. Network paths (`\\host\share`,
 * `//host/share`, `\\?\UNC\…`) are refused: opening one makes Windows send the user's NTLM credentials.
 */
export const LocalPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL')
  .refine(
    (p) => !/^[\\/]{2}/.test(p),
    'network paths (\\\\host\\share, //host/share) are not allowed'
  )
  .refine((p) => (p.startsWith('/') && !p.startsWith('//')) || /^[a-zA-Z]:[\\/]/.test(p), {
    message: 'must be an absolute local path'
  })
const absolutePath = LocalPathSchema

/** What an import or a finished download installed. */
export const InstallSummarySchema = z.object({
  id: z.string(),
  dir: z.string(),
  warnings: z.array(z.string())
})
export type InstallSummary = z.infer<typeof InstallSummarySchema>

/**
 * Every request/response verb between the renderer and main, with the schema of its one argument and of
 * its answer. Both transports (Electron IPC and the web host) are built from this table; the receiving
 * end parses every message with it.
 */
export const invokeContract = {
  info: { request: none, response: EngineInfoSchema },
  listSamplers: { request: none, response: z.array(SamplerDescriptorSchema) },
  listModels: { request: none, response: z.array(InstalledModelSchema) },
  enqueueJob: { request: JobSpecRequestSchema, response: JobRecordSchema },
  /** Answers when the job has ended: `cancelled` only if it ended cancelled, and how it ended. */
  cancelJob: {
    request: z.object({ jobId: z.string().min(1).max(64) }),
    response: z.object({ cancelled: z.boolean(), status: JobStatusSchema.optional() })
  },
  listJobs: {
    request: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).optional(),
    response: z.array(JobRecordSchema)
  },
  /** Stores an input's bytes (validated, content-addressed) and returns what it is. */
  addInput: {
    request: z
      .object({
        kind: InputKindSchema,
        name: z.string().max(255).optional(),
        bytes: BytesSchema
      })
      .refine((r) => r.bytes.length <= inputSizeCaps[r.kind], {
        message: 'over the size limit for its kind',
        path: ['bytes']
      }),
    response: InputInfoSchema
  },
  /** An input already in the store (e.g. for "reuse recipe"). */
  getInput: {
    request: z.object({ ref: z.string().regex(/^[0-9a-f]{64}$/) }),
    response: InputInfoSchema
  },
  /**
   * Electron only: a model folder or .onnx file chosen in a native dialog in main (null if cancelled);
   * Electron's importModel then accepts only paths chosen this way. The web host answers not-found.
   */
  chooseModelPath: {
    request: z.object({ kind: z.enum(['folder', 'file']) }),
    response: z.object({ path: z.string() }).nullable()
  },
  /** Electron only: choose a file in a native dialog in main and store it (the web host answers not-found). */
  chooseInput: {
    request: z.object({ kind: InputKindSchema, task: TaskIdSchema.optional() }),
    response: InputInfoSchema.nullable()
  },
  /** Models, folders with problems and paused downloads (the Models screen). */
  scanModels: {
    request: none,
    response: ModelListingSchema.extend({
      /** Downloads running now; a row the UI shows as running that is not listed here is not. */
      activeDownloads: z
        .array(z.object({ downloadId: z.string(), repo: z.string(), revision: z.string() }))
        .default([])
    })
  },
  listCatalogue: { request: none, response: z.array(CatalogueEntrySchema) },
  importModel: {
    request: z.object({
      path: absolutePath,
      id: modelId.optional(),
      name: z.string().trim().min(1).max(200).optional()
    }),
    response: InstallSummarySchema
  },
  removeModel: {
    request: z.object({ id: modelId }),
    response: z.object({ id: z.string() })
  },
  startDownload: {
    request: z.object({
      /** owner/name on the hub, or a catalogue id. */
      repo: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/, 'owner/name or a catalogue id')
        .max(200),
      revision: z
        .string()
        .trim()
        .regex(/^[\w./-]+$/)
        .max(200)
        .refine((r) => !r.split('/').includes('..'), 'must not contain ..')
        .optional(),
      /** Hugging Face token; kept in memory for this download only, never logged. */
      token: z.string().min(1).max(500).optional(),
      /** The installed model's id (default: the catalogue entry's, else the repo's name). */
      id: modelId.optional()
    }),
    response: z.object({ downloadId: z.string() })
  },
  cancelDownload: {
    request: z.object({ downloadId: z.string().min(1).max(64) }),
    response: z.object({ cancelled: z.boolean() })
  },
  getSettings: { request: none, response: SettingsSchema },
  updateSettings: { request: SettingsPatchSchema, response: SettingsSchema },
  /**
   * Outputs of a job re-encoded in another format, for download: shapes as PLY (binary or ASCII), OBJ or
   * GLB; molecules as SDF, XYZ or PDB (several molecules in one SDF/XYZ file; one PDB each). The recipe
   * travels with them (PLY comments, SDF properties).
   */
  exportArtifacts: {
    request: z.object({
      jobId: z.string().min(1).max(64),
      indices: z.array(z.number().int().nonnegative()).min(1).max(256),
      format: z.enum(['ply', 'ply-ascii', 'obj', 'glb', 'sdf', 'xyz', 'pdb'])
    }),
    response: z.array(
      z.object({ name: z.string().max(255), mime: z.string().max(100), bytes: BytesSchema })
    )
  }
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
export const modelEventChannel = 'studio:model-event'

/** The API the renderer sees as `window.studio` (Electron) or through the web host client. */
export type StudioApi = {
  [V in Verb]: undefined extends VerbRequest<V>
    ? (request?: VerbRequest<V>) => Promise<VerbResponse<V>>
    : (request: VerbRequest<V>) => Promise<VerbResponse<V>>
} & {
  /** Subscribes to job events; returns the unsubscribe function. */
  onJobEvent(listener: (event: JobEvent) => void): () => void
  /** Subscribes to model events (download progress and outcomes); returns the unsubscribe function. */
  onModelEvent(listener: (event: ModelEvent) => void): () => void
}

/** Where an artifact is served (same origin as the page on both transports). */
export const artifactPath = (jobId: string, index: number): string =>
  `/artifacts/${encodeURIComponent(jobId)}/${index}`
/** Where an input's bytes are served. */
export const inputPath = (ref: string): string => `/inputs/${ref}`

export type { InputInfo, InputKind }

/** What a failed call returns over either transport. */
export const RemoteErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() })
})
