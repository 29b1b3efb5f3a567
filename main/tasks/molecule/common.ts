import { StudioError, type ModelManifest } from '../../contract'
import type { OutputFormat } from '../types'

export const moleculeFormats: readonly OutputFormat[] = [
  {
    ext: 'sdf',
    mime: 'chemical/x-mdl-sdfile',
    label: 'SDF (V2000; recipe and measures as properties)'
  },
  { ext: 'xyz', mime: 'chemical/x-xyz', label: 'XYZ (coordinates only)' },
  { ext: 'pdb', mime: 'chemical/x-pdb', label: 'PDB (HETATM with CONECT bonds)' }
]

type MoleculeSample = Extract<ModelManifest['sample'], { kind: 'molecule' }>

/**
 * The molecule sample of a manifest, whose features are of `kind`.
 * @throws StudioError model-mismatch otherwise, naming what the model does.
 */
export function moleculeSample<K extends MoleculeSample['features']['kind']>(
  manifest: ModelManifest,
  kind: K
): MoleculeSample & { features: Extract<MoleculeSample['features'], { kind: K }> } {
  const sample = manifest.sample
  if (sample.kind !== 'molecule') {
    throw new StudioError('model-mismatch', `Model "${manifest.id}" is not a molecule model.`)
  }
  if (sample.features.kind !== kind) {
    throw new StudioError(
      'model-mismatch',
      kind === 'graph'
        ? `Model "${manifest.id}" generates molecules; it does not take a molecular graph to find conformers.`
        : `Model "${manifest.id}" finds conformers of a given molecule; it does not generate molecules.`
    )
  }
  return sample as MoleculeSample & { features: Extract<MoleculeSample['features'], { kind: K }> }
}
