import { z } from 'zod'
import { ScheduleNameSchema } from './sampling'
import { ManifestTasksSchema, ModalitySchema, type TaskId } from './tasks'

export const TensorDtypeSchema = z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'bool'])
export type TensorDtype = z.infer<typeof TensorDtypeSchema>

/** One graph input or output: its name, dtype and shape (numbers fixed, strings symbolic, e.g. "batch"). */
export const TensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: TensorDtypeSchema,
  shape: z.array(z.union([z.number().int().nonnegative(), z.string()]))
})
export type TensorSpec = z.infer<typeof TensorSpecSchema>

const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..') && !/^[a-zA-Z]:/.test(p), {
    message: 'must be a relative path inside the model folder'
  })

export const ModelFileSchema = z.object({
  path: relativePath,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  /** Where it came from: a hub URL, or "starter" for files the project trains and ships. */
  source: z.string().optional()
})
export type ModelFile = z.infer<typeof ModelFileSchema>

export const ComponentRoleSchema = z.enum([
  'denoiser',
  'text-encoder',
  /** SDXL's second text encoder (OpenCLIP bigG). */
  'text-encoder-2',
  'tokenizer',
  'vae-encoder',
  'vae-decoder',
  'vocoder',
  'upsampler',
  'safety-checker'
])
export type ComponentRole = z.infer<typeof ComponentRoleSchema>

export const ComponentSchema = z.object({
  /** The .onnx file (a key of `files`), or a tokenizer's folder/JSON. */
  file: relativePath,
  /** External-data files the graph needs, if any. */
  externalData: z.array(relativePath).default([]),
  inputs: z.array(TensorSpecSchema),
  outputs: z.array(TensorSpecSchema),
  /** Working memory of this component's session, megabytes (else estimated from its file sizes). */
  memoryEstimateMB: z.number().positive().optional()
})
export type Component = z.infer<typeof ComponentSchema>

/** What the denoiser outputs, turned into D(x; σ) by the engine's adapters. */
export const ParameterizationSchema = z.enum(['epsilon', 'v', 'x0', 'score', 'edm', 'flow'])
export type Parameterization = z.infer<typeof ParameterizationSchema>

export const TrainingScheduleSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('discrete'),
    /** 'polynomial': EDM's (Hoogeboom et al. 2022) schedule with `power` and `precision`. */
    betaSchedule: z.enum(['linear', 'scaled-linear', 'cosine', 'polynomial']),
    betaStart: z.number().positive(),
    betaEnd: z.number().positive(),
    /** 'polynomial' only (default 2 and 1e-5). */
    power: z.number().positive().optional(),
    precision: z.number().positive().max(0.1).optional(),
    /** The network takes t·timestepScale (default 1; EDM: t/T, so 1/T). */
    timestepScale: z.number().positive().optional(),
    trainSteps: z.number().int().positive(),
    zeroTerminalSnr: z.boolean().default(false),
    /** How the model takes its time input: float t (fractional allowed) or int64 t (rounded). */
    timestepDtype: z.enum(['float32', 'int64']).default('float32'),
    /** How inference timesteps are spread over the training steps (diffusers `timestep_spacing`). */
    timestepSpacing: z.enum(['leading', 'linspace', 'trailing']).optional(),
    /** diffusers `steps_offset`, added to "leading" timesteps. */
    stepsOffset: z.number().int().nonnegative().optional()
  }),
  z.object({
    type: z.literal('continuous'),
    sigmaMin: z.number().positive(),
    sigmaMax: z.number().positive(),
    sigmaData: z.number().positive().default(0.5)
  })
])
export type TrainingSchedule = z.infer<typeof TrainingScheduleSchema>

export const ConditioningSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('class'),
    /** Ordered class names; index i is label i. */
    classes: z.array(z.string().min(1)).min(1),
    /** Label used for the unconditional branch of classifier-free guidance. */
    nullClass: z.number().int().nonnegative(),
    input: z.string().min(1)
  }),
  z.object({
    type: z.literal('text'),
    maxTokens: z.number().int().positive(),
    input: z.string().min(1)
  })
])
export type Conditioning = z.infer<typeof ConditioningSchema>

export const ResolutionSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive()
})
export type Resolution = z.infer<typeof ResolutionSchema>

/** An image model's sample: [B, C, H, W] at its native size, and how pixels map to it. */
export const ImageSampleSchema = z.object({
  kind: z.literal('image'),
  channels: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Latent models: latents = scale · VAE(x). Pixel models: 1. */
  latentScale: z.number().positive().default(1),
  /** How pixels map to the model's range. */
  pixelRange: z.tuple([z.number(), z.number()]).default([-1, 1]),
  /** Latent models: pixels per latent cell (8 for Stable Diffusion's VAE). */
  vaeScale: z.number().int().positive().default(1),
  /** Fully convolutional models run at any size that is a multiple of this (0: only the native size). */
  sizeMultiple: z.number().int().nonnegative().default(0)
})

/** A point-cloud model's sample: [B, N, channels] (xyz, or xyz + RGB), normalised as stated. */
export const PointCloudSampleSchema = z.object({
  kind: z.literal('point-cloud'),
  points: z.number().int().positive(),
  channels: z.union([z.literal(3), z.literal(6)]).default(3),
  /** How shapes were normalised for training, in words (e.g. "bounding box centred, into [−1, 1]³"). */
  normalization: z.string().default(''),
  /**
   * A mirror plane the training shapes share in the model's box ('x': x = 0, left–right): completion
   * can then start the missing points from the partial cloud's mirror image.
   */
  symmetry: z.enum(['none', 'x']).default('none'),
  /**
   * Held-out shapes for a batch's metrics: a JSON index of the model folder ({file, shape [S, N, 3],
   * labels [S]}) whose `file` holds float32 little-endian xyz.
   */
  reference: relativePath.optional()
})

/**
 * How a molecule network takes its atoms. 'joint' (EDM): one tensor [B, N, 3 + E (+ H + 1) (+1)] of
 * positions, the element one-hot, for heavy-atom models the one-hot of each atom's hydrogen count
 * 0 … H, and optionally the atomic number, each scaled (x/positionScale, one-hots/oneHotScale,
 * Z/chargeScale), denoised together. 'graph' (conformers): positions [B, N, 3] denoised, the molecular
 * graph given as atom features [B, N, E + 1] (one-hot, formal charge) and edge features [B, N, N,
 * bondOrders + pathLengths] (kekulised bond order one-hot; shortest path 1, 2, …, ≥ pathLengths one-hot).
 * Both take a node mask [B, N, 1] (1 = real atom) for molecules of different sizes.
 */
export const MoleculeFeaturesSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('joint'),
    input: z.string().min(1),
    maskInput: z.string().min(1),
    positionScale: z.number().positive().default(1),
    oneHotScale: z.number().positive().default(4),
    /** 0: no atomic-number channel. */
    chargeScale: z.number().nonnegative().default(10),
    /**
     * Heavy-atom models: the largest hydrogen count H (a one-hot of 0 … H follows the element one-hot);
     * the model's atoms are the heavy atoms and the studio adds their hydrogens (`addHydrogens`). 0: the
     * hydrogens are atoms of the model (EDM's QM9 features).
     */
    hydrogenCounts: z.number().int().min(0).max(4).default(0)
  }),
  z.object({
    kind: z.literal('graph'),
    input: z.string().min(1),
    atomsInput: z.string().min(1),
    edgesInput: z.string().min(1),
    maskInput: z.string().min(1),
    bondOrders: z.number().int().positive().default(3),
    pathLengths: z.number().int().positive().default(4)
  })
])
export type MoleculeFeatures = z.infer<typeof MoleculeFeaturesSchema>

/**
 * A molecule model's sample: up to maxAtoms atoms, positions [N, 3] (Å) and atom features. The atoms
 * are the model's: every atom, or the heavy atoms of a model with `hydrogenCounts`
 * (`heavyAtomModel`).
 */
export const MoleculeSampleSchema = z.object({
  kind: z.literal('molecule'),
  maxAtoms: z.number().int().positive(),
  /** Element symbols in the order of the one-hot features. */
  elements: z.array(z.string().min(1).max(3)).min(1),
  features: MoleculeFeaturesSchema,
  /** Molecules of the training set by the model's atom count (see above): "19" → 1234. */
  atomCounts: z.record(z.string().regex(/^\d+$/), z.number().nonnegative()).optional(),
  /** A file of the model folder with the training set's SMILES, one per line (for novelty). */
  trainingSmiles: relativePath.optional(),
  /**
   * The denoiser commutes with reflections (E(3)-equivariant, as EGNN), so a sample's mirror image is as
   * likely as the sample: a conformer with every stereo centre inverted may be mirrored to keep them.
   */
  reflectionEquivariant: z.boolean().optional(),
  /**
   * What the training molecules spanned, beyond which outputs are unreliable: a job outside it is
   * warned, naming the range (maxAtoms and elements are hard limits, refused). heavyAtoms: most
   * non-hydrogen atoms; charges: the formal charges seen, [min, max]; fragments: most disconnected
   * parts of one molecule; dataset: its name, for the message.
   */
  trained: z
    .object({
      dataset: z.string().max(100).optional(),
      heavyAtoms: z.number().int().positive().optional(),
      charges: z.tuple([z.number().int(), z.number().int()]).optional(),
      fragments: z.number().int().positive().optional()
    })
    .optional()
})

/** Whether a molecule model's atoms are the heavy atoms only (it generates hydrogen counts). */
export function heavyAtomModel(sample: z.infer<typeof MoleculeSampleSchema>): boolean {
  return sample.features.kind === 'joint' && sample.features.hydrogenCounts > 0
}

/**
 * An audio model's sample: a normalised log-mel image [B, 1, mels, frames] of a window of
 * frames·hop samples at sampleRate, defined exactly (the STFT, HTK mel filterbank, log10 with a floor,
 * [logLo, logHi] → [−1, 1]; codecs/mel.ts). Without a vocoder component, Griffin-Lim inverts it.
 */
export const AudioSampleSchema = z.object({
  kind: z.literal('audio'),
  representation: z.literal('mel'),
  channels: z.literal(1).default(1),
  sampleRate: z.number().int().positive(),
  mels: z.number().int().positive(),
  /** Frames of the model's window (its native length). */
  frames: z.number().int().positive(),
  nFft: z.number().int().positive(),
  hop: z.number().int().positive(),
  /** Zeros padded on both sides before framing. */
  pad: z.number().int().nonnegative(),
  fMin: z.number().nonnegative().default(0),
  fMax: z.number().positive(),
  powerFloor: z.number().positive(),
  logRange: z.tuple([z.number(), z.number()]),
  griffinLim: z
    .object({
      iterations: z.number().int().positive().max(1000).default(32),
      momentum: z.number().min(0).max(1).default(0.99)
    })
    .default({ iterations: 32, momentum: 0.99 })
})
export type AudioSample = z.infer<typeof AudioSampleSchema>

/** A video model's sample: pixel clips [B, C, F, H, W] of `frames` frames, in pixelRange. */
export const VideoSampleSchema = z.object({
  kind: z.literal('video'),
  channels: z.number().int().positive(),
  /** Frames of the model's window. */
  frames: z.number().int().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The frame rate the clips were made at. */
  fps: z.number().positive(),
  pixelRange: z.tuple([z.number(), z.number()]).default([-1, 1])
})
export type VideoSample = z.infer<typeof VideoSampleSchema>

export const SampleSchema = z.discriminatedUnion('kind', [
  ImageSampleSchema,
  PointCloudSampleSchema,
  MoleculeSampleSchema,
  AudioSampleSchema,
  VideoSampleSchema
])
export type Sample = z.infer<typeof SampleSchema>
export type ImageSample = z.infer<typeof ImageSampleSchema>

/**
 * Manifests written before samples had a kind (studio 0.1) described images only, with latentScale
 * and pixelRange at the top level: move them into the image sample.
 */
function upgradeManifest(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value
  const raw = value as Record<string, unknown>
  const sample = raw.sample
  if (!sample || typeof sample !== 'object' || 'kind' in sample) return value
  const { latentScale, pixelRange, ...rest } = raw
  return {
    ...rest,
    sample: {
      kind: 'image',
      ...(sample as object),
      ...(latentScale !== undefined ? { latentScale } : {}),
      ...(pixelRange !== undefined ? { pixelRange } : {})
    }
  }
}

/**
 * Truncated diffusion (ES-DDPM, Lyu et al. 2022; SDEdit, Meng et al. 2022; the start of ResShift, Yue et al.
 * 2023): the chain starts from a cheap estimate (the upsampled input, the hole filled classically) noised
 * to σ_start, where the first model call regresses x0, then runs only the low-noise tail: the remaining
 * steps on the schedule from σ_tail down to σ_min. Steps = 1 + the tail's.
 */
export const TruncatedChainSchema = z
  .object({ sigmaStart: z.number().positive(), sigmaTail: z.number().positive() })
  .refine((c) => c.sigmaTail < c.sigmaStart, { message: 'sigmaTail must be below sigmaStart' })
export type TruncatedChain = z.infer<typeof TruncatedChainSchema>

/**
 * How an image model takes the images it edits, beyond the noisy sample. Models without it inpaint by
 * RePaint or mask blending and upscale by DDRM (pixel models).
 */
export const ImageInputsSchema = z.object({
  /**
   * Inpainting models: the sample input is [noisy (C), mask (1), masked image (C)] channels. The masked
   * image has the hole set to 0 ('zeroed', Stable Diffusion's inpainting UNets) or filled classically
   * ('harmonic-fill': main/codecs/fill.ts harmonicFill, the start of photo-inpaint's truncated chain).
   */
  inpaint: z
    .object({
      kind: z.literal('concat'),
      maskedImage: z.enum(['zeroed', 'harmonic-fill']).optional(),
      /** Start the chain from the masked image (as filled) at σ_start and run only the tail. */
      chain: TruncatedChainSchema.optional()
    })
    .optional(),
  upscale: z
    .object({
      scale: z.number().int().min(2).max(8),
      /** Start the chain from the bilinear upsample of the input at σ_start and run only the tail. */
      chain: TruncatedChainSchema.optional(),
      /**
       * 'concat': the low-resolution image (pixels, at the latent size) is concatenated to the sample
       * (the latent x4 upscaler, [latent 4, image 3]); 'input': a graph input of its own at the
       * low-resolution size (conditional pixel models, SR3 style).
       */
      lowRes: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('concat') }),
        z.object({ kind: z.literal('input'), input: z.string().min(1) })
      ]),
      /**
       * The degradation the model was trained to invert, when it is known exactly: 'area' = the mean of
       * each scale×scale block. The output is then projected onto the images whose area downsample is
       * the input (back-projection, as DDRM's last step), so the low-resolution content is exact.
       */
      degradation: z.enum(['area']).optional(),
      /**
       * The x4 upscaler's noise level on the low-res image: its input (the level, int64), default and
       * maximum, and the DDPM schedule that noises the image to that level (diffusers low_res_scheduler).
       */
      noiseLevel: z
        .object({
          input: z.string().min(1),
          default: z.number().int().nonnegative(),
          max: z.number().int().positive(),
          betaSchedule: z.enum(['linear', 'scaled-linear', 'cosine']).default('linear'),
          betaStart: z.number().positive().default(0.0001),
          betaEnd: z.number().positive().default(0.02),
          trainSteps: z.number().int().positive().default(1000)
        })
        .optional()
    })
    .optional()
})
export type ImageInputs = z.infer<typeof ImageInputsSchema>

const ManifestObjectSchema = z.object({
  schemaVersion: z.literal(1),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, dot, dash, underscore'),
  name: z.string().min(1),
  description: z.string().default(''),
  /**
   * What the model does not do well, measured, in a sentence or two (e.g. "fills holes with noise:
   * worse than a blur fill on held-out photos"); shown beside the model wherever it is chosen.
   */
  limits: z.string().max(500).optional(),
  modality: ModalitySchema,
  tasks: ManifestTasksSchema,
  licence: z.string().min(1),
  files: z.array(ModelFileSchema).min(1),
  components: z.partialRecord(ComponentRoleSchema, ComponentSchema),
  parameterization: ParameterizationSchema,
  schedule: TrainingScheduleSchema,
  conditioning: ConditioningSchema,
  /** What the denoiser works on, per modality. */
  sample: SampleSchema,
  defaults: z.object({
    sampler: z.string().min(1),
    steps: z.number().int().positive(),
    guidance: z.number().nonnegative(),
    schedule: ScheduleNameSchema.default('model')
  }),
  resolutionBuckets: z.array(ResolutionSchema).default([]),
  /**
   * Where the model was measured to do well (its card's benchmark): an inclusive range of steps and, when
   * known, the samplers it was measured with; `basis` says what was measured and where, with the figures.
   * A job outside it runs with a validation warning (the CLI prints it, the window shows it).
   */
  measuredRange: z
    .object({
      steps: z
        .object({ min: z.number().int().positive(), max: z.number().int().positive() })
        .refine((s) => s.min <= s.max, { message: 'min must not exceed max' }),
      samplers: z.array(z.string().min(1).max(64)).min(1).optional(),
      basis: z.string().min(1).max(500)
    })
    .optional(),
  /** Image inputs for editing tasks (inpainting, upscaling). */
  imageInputs: ImageInputsSchema.default({}),
  /**
   * Guidance-distilled models (LCM): classifier-free guidance is an input, w embedded (sin, cos halves)
   * as `dim` features, instead of a second batch.
   */
  guidanceEmbedding: z
    .object({ input: z.string().min(1), dim: z.number().int().positive() })
    .optional(),
  /** Peak working memory of one batch-1 run, megabytes. */
  memoryEstimateMB: z.number().positive(),
  /** Where a downloaded model came from (hub repo and revision). */
  source: z
    .object({ repo: z.string().min(1), revision: z.string().min(1), url: z.string().optional() })
    .optional()
})

/** A model id: a plain folder name. */
export const ModelIdSchema = ManifestObjectSchema.shape.id

export const ModelManifestSchema = z.preprocess(
  upgradeManifest,
  ManifestObjectSchema.refine((m) => m.sample.kind === m.modality, {
    message: 'sample.kind must equal modality',
    path: ['sample', 'kind']
  })
)
export type ModelManifest = z.infer<typeof ModelManifestSchema>

/** What the UI and CLI list: the manifest plus where it lives and whether its files check out. */
export const InstalledModelSchema = z.object({
  manifest: ModelManifestSchema,
  origin: z.enum(['starter', 'imported', 'downloaded']),
  status: z.enum(['ready', 'missing-files', 'corrupt']),
  problem: z.string().optional(),
  /** The model's folder. */
  dir: z.string().optional()
})
export type InstalledModel = z.infer<typeof InstalledModelSchema>

/** A model folder that could not be listed (its manifest is absent, unreadable or fails its schema). */
export const ModelFolderProblemSchema = z.object({
  dir: z.string(),
  origin: z.enum(['starter', 'imported', 'downloaded']),
  problem: z.string()
})
export type ModelFolderProblem = z.infer<typeof ModelFolderProblemSchema>

/** One known community ONNX export (native-models/catalogue.json); see main/models/catalogue.ts. */
export const CatalogueEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  name: z.string().min(1),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  revision: z.string().min(1),
  layout: z.enum(['diffusers-script', 'optimum', 'olive', 'webnn', 'single-onnx']),
  precision: z.enum(['fp32', 'fp16', 'mixed', 'unknown']),
  tasks: ManifestTasksSchema,
  licence: z.string().min(1),
  /** Download size in bytes, or null when unknown (never guessed). */
  sizeBytes: z.number().int().positive().nullable(),
  sizeSource: z.string().min(1),
  memoryEstimateMB: z.number().positive().nullable(),
  /** expected: should import and run; partial: needs pipeline work; unsupported: not yet. */
  studioSupport: z.enum(['expected', 'partial', 'unsupported']),
  notes: z.array(z.string()).default([]),
  /** Shown before downloading (security or licence concerns). */
  warnings: z.array(z.string()).default([]),
  sources: z.array(z.string()).min(1),
  /** Path prefixes to fetch instead of the default selection. */
  include: z.array(z.string()).optional(),
  /** Path prefixes to leave out of the default selection. */
  exclude: z.array(z.string()).optional(),
  /** True only once the studio has run the real files. */
  verified: z.boolean()
})
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema>

/** A paused or interrupted download (downloading the same repo again resumes it). */
export const PartialDownloadSchema = z.object({
  repo: z.string(),
  revision: z.string(),
  dir: z.string(),
  bytes: z.number().nonnegative(),
  total: z.number().nonnegative().optional()
})
export type PartialDownload = z.infer<typeof PartialDownloadSchema>

/** Everything in the model roots: usable models, folders that are not, and paused downloads. */
export const ModelListingSchema = z.object({
  models: z.array(InstalledModelSchema),
  problems: z.array(ModelFolderProblemSchema),
  partialDownloads: z.array(PartialDownloadSchema)
})
export type ModelListing = z.infer<typeof ModelListingSchema>

const downloadId = z.string().min(1).max(64)

/** Download progress and outcomes, a second event stream beside job events. */
export const ModelEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('download-progress'),
    downloadId,
    repo: z.string(),
    bytes: z.number().nonnegative(),
    total: z.number().nonnegative().optional(),
    bytesPerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().optional(),
    file: z.string().optional()
  }),
  z.object({
    type: z.literal('download-done'),
    downloadId,
    id: z.string(),
    warnings: z.array(z.string())
  }),
  z.object({
    type: z.literal('download-failed'),
    downloadId,
    error: z.object({ code: z.string(), message: z.string() })
  }),
  z.object({ type: z.literal('download-paused'), downloadId })
])
export type ModelEvent = z.infer<typeof ModelEventSchema>

/**
 * Whether a model was made for a task (an inpainting model for inpainting, a super-resolution model for
 * upscaling), not only able to do it: defaults prefer these.
 */
export function madeForTask(task: TaskId, manifest: ModelManifest): boolean {
  if (task === 'image.inpaint') return manifest.imageInputs.inpaint !== undefined
  if (task === 'image.upscale') return manifest.imageInputs.upscale !== undefined
  return true
}

/**
 * The one rule for the model a job runs on when none is named, shared by the CLI, the web API and the
 * window: among the models that do the task, the ready ones that fit the job (`fits`: a prompt needs a
 * text model, a label a class model), starters first, those made for the task before those that can
 * also do it; else the first ready one, else the first able one (whose check then says what is wrong).
 * Undefined when no installed model does the task.
 */
export function defaultModel(
  task: TaskId,
  models: readonly InstalledModel[],
  fits: (manifest: ModelManifest) => boolean = () => true
): InstalledModel | undefined {
  const able = models.filter((m) => m.manifest.tasks.includes(task))
  const ready = able.filter((m) => m.status === 'ready')
  const fitting = ready.filter((m) => fits(m.manifest))
  const starters = fitting.filter((m) => m.origin === 'starter')
  return (
    starters.find((m) => madeForTask(task, m.manifest)) ??
    starters[0] ??
    fitting.find((m) => madeForTask(task, m.manifest)) ??
    fitting[0] ??
    ready[0] ??
    able[0]
  )
}
