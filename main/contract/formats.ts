import { StudioError } from './errors'
import { runnableTaskIds, type RunnableTaskId } from './jobs'
import { modalityOf, type Modality } from './tasks'

// The output formats, declared once: what each task writes (the first its default). The task
// definitions, the engine's writers, the CLI's help and --out check, main's validation and the
// window's format pickers all read this table.

/** A file format a task can write. */
export interface OutputFormat {
  /** File extension without the dot; the spec's `format`. */
  readonly ext: string
  readonly mime: string
  /** Short name for pickers: "PNG". */
  readonly label: string
  /** What the file holds, one sentence. */
  readonly about: string
}

/** Every format some task writes, by extension. */
export const outputFormats = {
  png: {
    ext: 'png',
    mime: 'image/png',
    label: 'PNG',
    about: 'Lossless; the recipe in text chunks (A1111 parameters and the studio spec).'
  },
  webp: {
    ext: 'webp',
    mime: 'image/webp',
    label: 'WebP (lossless)',
    about: 'Lossless WebP; the recipe in XMP.'
  },
  ply: {
    ext: 'ply',
    mime: 'model/ply',
    label: 'PLY',
    about: 'Binary little-endian PLY; the recipe in its comments.'
  },
  obj: {
    ext: 'obj',
    mime: 'model/obj',
    label: 'OBJ',
    about: 'Vertices only (v lines); read by almost every 3D tool.'
  },
  glb: {
    ext: 'glb',
    mime: 'model/gltf-binary',
    label: 'GLB',
    about: 'Binary glTF with one POINTS primitive; the recipe in extras.'
  },
  sdf: {
    ext: 'sdf',
    mime: 'chemical/x-mdl-sdfile',
    label: 'SDF',
    about: 'MDL V2000 with bond orders and charges; the recipe and measures as data items.'
  },
  xyz: {
    ext: 'xyz',
    mime: 'chemical/x-xyz',
    label: 'XYZ',
    about: 'Elements and coordinates only (bonds are perceived by readers).'
  },
  wav: {
    ext: 'wav',
    mime: 'audio/wav',
    label: 'WAV',
    about: "RIFF WAVE, 16-bit PCM or 32-bit float (the spec's encoding); the recipe in INFO ICMT."
  },
  pdb: {
    ext: 'pdb',
    mime: 'chemical/x-pdb',
    label: 'PDB',
    about: 'HETATM records with CONECT bonds (a double bond listed twice).'
  }
} as const satisfies Record<string, OutputFormat>

export type OutputFormatExt = keyof typeof outputFormats

const { png, webp, ply, obj, glb, sdf, xyz, pdb, wav } = outputFormats
export const imageOutputFormats = [png, webp] as const
export const pointCloudOutputFormats = [ply, obj, glb] as const
export const moleculeOutputFormats = [sdf, xyz, pdb] as const
export const audioOutputFormats = [wav] as const
/** A clip: an animated WebP, or its frames stacked top to bottom in one PNG. */
export const videoOutputFormats = [
  { ...webp, label: 'Animated WebP', about: 'Lossless, loops; the recipe in XMP.' },
  {
    ...png,
    label: 'PNG frame strip',
    about: 'Frames stacked top to bottom; the recipe in text chunks.'
  }
] as const
export type ImageOutputFormat = (typeof imageOutputFormats)[number]['ext']
export type PointCloudOutputFormat = (typeof pointCloudOutputFormats)[number]['ext']
export type MoleculeOutputFormat = (typeof moleculeOutputFormats)[number]['ext']

/**
 * What each modality's tasks write, the default first. Exhaustive over modalities: a new modality fails
 * typecheck here; a new task of an existing one writes its modality's formats unless `taskOwnFormats`
 * says otherwise.
 */
export const modalityFormats: { readonly [M in Modality]: readonly OutputFormat[] } = {
  image: imageOutputFormats,
  'point-cloud': pointCloudOutputFormats,
  molecule: moleculeOutputFormats,
  audio: audioOutputFormats,
  video: videoOutputFormats
}

/** Tasks that write other formats than their modality's. */
const taskOwnFormats: { readonly [T in RunnableTaskId]?: readonly OutputFormat[] } = {}

/** What each runnable task writes, its default first. */
export const taskFormats = Object.fromEntries(
  runnableTaskIds.map((t) => [t, taskOwnFormats[t] ?? modalityFormats[modalityOf(t)]])
) as { readonly [T in RunnableTaskId]: readonly OutputFormat[] }

/** The format a task writes when a spec names none: the first of its list. */
export function defaultFormat(task: RunnableTaskId): OutputFormat {
  return taskFormats[task][0]
}

/**
 * The format a spec asks of its task (its default when it names none).
 * @throws StudioError bad-input when the task cannot write it, naming the ones it can.
 */
export function formatFor(task: RunnableTaskId, ext: string | undefined): OutputFormat {
  const formats = taskFormats[task]
  if (ext === undefined) return formats[0]
  const format = formats.find((f) => f.ext === ext)
  if (!format) {
    throw new StudioError(
      'bad-input',
      `format: ${task} writes ${formats.map((f) => f.ext).join(', ')}, not "${ext}".`
    )
  }
  return format
}

/**
 * `ext` as one of `formats` (a writer's list, e.g. `pointCloudOutputFormats`), typed as its extensions.
 * @throws StudioError bad-input otherwise, naming the ones it writes.
 */
export function writtenFormat<const F extends readonly OutputFormat[]>(
  formats: F,
  ext: string
): F[number]['ext'] {
  const format = formats.find((f) => f.ext === ext)
  if (!format) {
    throw new StudioError(
      'bad-input',
      `format: this writes ${formats.map((f) => f.ext).join(', ')}, not "${ext}".`
    )
  }
  return format.ext
}
