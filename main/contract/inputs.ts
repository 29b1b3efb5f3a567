import { z } from 'zod'
import { StudioError } from './errors'

// Job inputs (an init image, a mask, a partial point cloud, a SMILES string, an audio clip) live in a
// content-addressed store in the data folder and are referenced by the sha256 of their bytes.

/** The sha256 of an input's bytes, 64 lowercase hex digits. */
export const InputRefSchema = z.string().regex(/^[0-9a-f]{64}$/, 'an input id (64 hex digits)')
export type InputRef = z.infer<typeof InputRefSchema>

export const inputKinds = ['image', 'mask', 'point-cloud', 'molecule', 'audio'] as const
export const InputKindSchema = z.enum(inputKinds)
export type InputKind = z.infer<typeof InputKindSchema>

/** Largest accepted input per kind, bytes (uploads over this are refused before they are read). */
export const inputSizeCaps: Readonly<Record<InputKind, number>> = {
  image: 64 << 20,
  mask: 32 << 20,
  'point-cloud': 64 << 20,
  molecule: 4 << 20,
  audio: 256 << 20
}

/**
 * Refuses an input by its size alone, before anything reads it: from `stat` (the CLI, Electron's
 * dialog), `File.size` (the window) or `content-length` (the web host). The same sentence everywhere.
 * @throws StudioError bad-input for an empty file or one over its kind's cap.
 */
export function checkInputSize(kind: InputKind, bytes: number, name?: string): void {
  const what = name ? `${name} (the ${kind} file)` : `The ${kind} file`
  const cap = inputSizeCaps[kind]
  if (bytes > cap) {
    throw new StudioError(
      'bad-input',
      `${what} is ${(bytes / 2 ** 20).toFixed(1)} MiB; the limit is ${cap / 2 ** 20} MiB.`
    )
  }
  if (bytes === 0) throw new StudioError('bad-input', `${what} is empty.`)
}

/** What the store knows about an input once it has been validated. */
export const InputInfoSchema = z.object({
  ref: InputRefSchema,
  kind: InputKindSchema,
  /** The format it was given in (image/png, image/jpeg, model/ply, chemical/x-mdl-sdfile, …). */
  mime: z.string().max(100),
  bytes: z.number().int().nonnegative(),
  /** The name it was given, for display only. */
  name: z.string().max(255).optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  points: z.number().int().positive().optional(),
  atoms: z.number().int().positive().optional(),
  /** Anything worth telling the user about it (converted from CMYK, 16-bit reduced, alpha dropped…). */
  notes: z.array(z.string()).default([]),
  /** A recipe found in the file: this studio's JSON, and/or A1111's `parameters` text. */
  recipe: z
    .object({
      studio: z.string().max(20000).optional(),
      parameters: z.string().max(20000).optional()
    })
    .optional()
})
export type InputInfo = z.infer<typeof InputInfoSchema>

/** What a validator learns from an input's bytes (everything but the identity fields). */
export type InputFacts = Omit<InputInfo, 'ref' | 'kind' | 'bytes' | 'name'>
