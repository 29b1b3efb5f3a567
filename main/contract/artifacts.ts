import { z } from 'zod'
import { ModalitySchema } from './tasks'

// What a job leaves behind (artifacts: files in the outputs folder, served by URL) and what it shows
// while it runs (previews: raw bytes, never base64), each discriminated by the kind of thing it is.

/** Raw bytes: a Uint8Array (Node's Buffer is one). Crosses processes by structured clone or binary frames. */
export const BytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
  message: 'expected bytes (Uint8Array)'
})

const artifactBase = {
  /** Unique within its job; `GET /artifacts/<job>/<index>` serves it. */
  index: z.number().int().nonnegative(),
  path: z.string(),
  mime: z.string(),
  /** File size, bytes. */
  bytes: z.number().int().nonnegative().optional(),
  /** 'output' (a result), or 'trajectory' (the denoising steps of output `of`, for replay). */
  role: z.enum(['output', 'trajectory']).default('output'),
  /** For a trajectory: the index of the output it belongs to. */
  of: z.number().int().nonnegative().optional()
}

export const ArtifactSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    ...artifactBase,
    width: z.number().int().positive(),
    height: z.number().int().positive()
  }),
  z.object({
    kind: z.literal('point-cloud'),
    ...artifactBase,
    points: z.number().int().nonnegative(),
    colors: z.boolean().default(false),
    /** The class it was generated as (class-conditional models). */
    label: z.string().max(64).optional(),
    /** Trajectory files: how many frames they hold. */
    frames: z.number().int().positive().optional()
  }),
  z.object({
    kind: z.literal('molecule'),
    ...artifactBase,
    atoms: z.number().int().nonnegative(),
    /**
     * Canonical SMILES (openchemlib) of the whole molecule, every fragment '.'-joined, when its
     * valences hold. (Records without `fragments`, from before, hold the largest fragment's.)
     */
    smiles: z.string().max(2000).optional(),
    /**
     * Whole-molecule validity: the bonds perceived from distances obey valence AND the atoms form one
     * molecule (one fragment). (Records without `fragments`, from before, hold EDM's validity here.)
     */
    valid: z.boolean().optional(),
    /** How many disconnected fragments the perceived bonds make (1 = one molecule). */
    fragments: z.number().int().nonnegative().optional(),
    /**
     * EDM's validity (Hoogeboom et al. 2022): valences hold; the largest fragment is kept, so a pile of
     * fragments passes. What the published figures count.
     */
    largestFragmentValid: z.boolean().optional(),
    /** Canonical SMILES of the largest fragment, when `largestFragmentValid`. */
    largestFragmentSmiles: z.string().max(2000).optional(),
    /** Every atom has an allowed valence (EDM's molecule stability). */
    stable: z.boolean().optional(),
    /** Fraction of atoms with an allowed valence. */
    atomStability: z.number().min(0).max(1).optional(),
    /** Largest-fragment valid and that fragment is not in the model's training set (EDM's novelty). */
    novel: z.boolean().optional(),
    frames: z.number().int().positive().optional()
  }),
  z.object({
    kind: z.literal('audio'),
    ...artifactBase,
    sampleRate: z.number().int().positive(),
    channels: z.number().int().positive(),
    seconds: z.number().nonnegative()
  }),
  z.object({
    kind: z.literal('video'),
    ...artifactBase,
    frames: z.number().int().positive(),
    fps: z.number().positive(),
    width: z.number().int().positive(),
    height: z.number().int().positive()
  })
])
export type Artifact = z.infer<typeof ArtifactSchema>
export type ArtifactKind = Artifact['kind']
export const ArtifactKindSchema = ModalitySchema

/**
 * A live preview of the current x0 estimate, as raw bytes:
 * image: RGBA8, width·height·4 bytes; point cloud: float32 little-endian xyz, points·12 bytes;
 * molecule: float32 xyz (atoms·12 bytes) and one atomic number per atom (uint8).
 */
export const PreviewSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('image'),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      rgba: BytesSchema
    })
    .refine((p) => p.rgba.length === p.width * p.height * 4, 'rgba must hold width·height·4 bytes'),
  z
    .object({
      kind: z.literal('point-cloud'),
      points: z.number().int().positive(),
      xyz: BytesSchema
    })
    .refine((p) => p.xyz.length === p.points * 12, 'xyz must hold points·12 bytes'),
  z
    .object({
      kind: z.literal('molecule'),
      atoms: z.number().int().positive(),
      xyz: BytesSchema,
      elements: BytesSchema
    })
    .refine(
      (p) => p.xyz.length === p.atoms * 12 && p.elements.length === p.atoms,
      'xyz must hold atoms·12 bytes and elements one byte per atom'
    )
])
export type Preview = z.infer<typeof PreviewSchema>
