// Validators of the input store, by kind: each decodes enough to refuse a bad file with a clear message.
import type { InputFacts, InputKind } from '../contract'
import { normaliseImage, probeImage } from './image-io'
import { withExplicitHydrogens } from '../chemistry'
import { readMoleculeFile } from './molecule-io'
import { readPointCloudFile } from './point-cloud-io'
import { readWav } from './wav'

/** What a validator makes of an input: its facts, and the bytes to store instead when it converted it. */
type Validation = InputFacts & { readonly stored?: Uint8Array }

/**
 * An image or mask: probed (format, size, limits, recipe), then normalised once to the pixels both
 * the engine and the window use (image-io.ts `normaliseImage`), which the store keeps.
 */
async function image(bytes: Uint8Array, what = 'image'): Promise<Validation> {
  const probe = await probeImage(bytes, undefined, what)
  const normal = await normaliseImage(bytes, probe)
  const recipe =
    (probe.text['diffusion-studio'] ?? probe.text.parameters)
      ? {
          ...(probe.text['diffusion-studio']
            ? { studio: probe.text['diffusion-studio'].slice(0, 20000) }
            : {}),
          ...(probe.text.parameters ? { parameters: probe.text.parameters.slice(0, 20000) } : {})
        }
      : undefined
  return {
    mime: probe.mime,
    width: probe.width,
    height: probe.height,
    notes: [...probe.notes, ...(normal ? [normal.note] : [])],
    ...(recipe ? { recipe } : {}),
    ...(normal ? { mime: 'image/png', stored: normal.bytes } : {})
  }
}

/** A PLY or OBJ point cloud: readable, finite, within the point limit. */
async function pointCloud(bytes: Uint8Array): Promise<InputFacts> {
  const cloud = readPointCloudFile(bytes)
  return {
    mime: cloud.format === 'ply' ? 'model/ply' : 'model/obj',
    points: cloud.points.length / 3,
    notes: []
  }
}

/**
 * A MOL/SDF or XYZ molecule (the first record is the one used). A MOL/SDF graph whose hydrogens are
 * implicit gets them made explicit for conformers (`withExplicitHydrogens`), which a note says.
 */
async function molecule(bytes: Uint8Array): Promise<InputFacts> {
  const file = readMoleculeFile(bytes)
  const [first] = file.records
  const notes =
    file.records.length > 1 ? [`${file.records.length} records; the first is used.`] : []
  if (first.hasBonds) {
    const { graph, added, atoms } = withExplicitHydrogens(first.molecule)
    if (added > 0) notes.push(hydrogensNote(added, atoms, graph.elements.length))
  }
  return {
    mime: file.format === 'xyz' ? 'chemical/x-xyz' : 'chemical/x-mdl-sdfile',
    atoms: first.molecule.elements.length,
    notes
  }
}

/** The note for hydrogens made explicit (the input store's and the conformer job's). */
function hydrogensNote(added: number, atoms: number, total: number): string {
  return (
    `${added} hydrogen${added === 1 ? ' was' : 's were'} added to ${atoms} atom${atoms === 1 ? '' : 's'} ` +
    `whose hydrogens the file leaves implicit (openchemlib's valence rules): conformers see every ` +
    `atom, ${total} in all, as from a SMILES.`
  )
}

/** A WAV clip: decodable PCM or float with samples; its recipe (ICMT) kept for "reuse recipe". */
async function audio(bytes: Uint8Array): Promise<InputFacts> {
  const wav = readWav(bytes)
  const seconds = wav.channels[0].length / wav.sampleRate
  const notes =
    wav.channels.length > 1
      ? [`${wav.channels.length} channels: models hear their mean; every channel is written back.`]
      : []
  return {
    mime: 'audio/wav',
    notes: [
      `${seconds.toFixed(3)} s at ${wav.sampleRate} Hz, ${wav.bitDepth === '32f' ? '32-bit float' : `${wav.bitDepth}-bit`}.`,
      ...notes
    ],
    ...(wav.comment?.startsWith('{') ? { recipe: { studio: wav.comment.slice(0, 20000) } } : {})
  }
}

export const inputValidators: Partial<
  Record<InputKind, (bytes: Uint8Array) => Promise<Validation>>
> = {
  image: (bytes) => image(bytes),
  mask: (bytes) => image(bytes, 'mask'),
  'point-cloud': pointCloud,
  molecule,
  audio
}
