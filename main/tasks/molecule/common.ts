import { StudioError, type ModelManifest } from '../../contract'

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

/** What `trainingRangeWarnings` needs to know of a molecule. */
export interface MoleculeExtent {
  readonly heavyAtoms: number
  readonly charges: readonly number[]
  readonly fragments: number
}

/**
 * Warnings, one per range, for a molecule outside what the model was trained on (manifest
 * `sample.trained`: heavy atoms, formal charges, fragments), each naming the range and the model, or
 * none. `what` names the molecule ("The molecule", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C").
 */
export function trainingRangeWarnings(
  molecule: MoleculeExtent,
  manifest: ModelManifest,
  what = 'The molecule'
): string[] {
  const sample = manifest.sample
  const trained = sample.kind === 'molecule' ? sample.trained : undefined
  if (!trained) return []
  const on = `model "${manifest.id}" was trained on ${trained.dataset ?? 'molecules'}`
  const out: string[] = []
  if (trained.heavyAtoms !== undefined && molecule.heavyAtoms > trained.heavyAtoms) {
    out.push(
      `${what} has ${molecule.heavyAtoms} heavy atoms (not hydrogen); ${on} of at most ${trained.heavyAtoms}: ` +
        'expect broken geometry (bond lengths off, rings not closed).'
    )
  }
  if (trained.charges) {
    const [lo, hi] = trained.charges
    const outside = molecule.charges.filter((q) => q < lo || q > hi)
    if (outside.length > 0) {
      const range = lo === hi ? `formal charge ${lo} only` : `formal charges ${lo} to ${hi}`
      out.push(
        `${what} has ${outside.length} atom${outside.length > 1 ? 's' : ''} with a formal charge outside ${on} (${range}).`
      )
    }
  }
  if (trained.fragments !== undefined && molecule.fragments > trained.fragments) {
    out.push(
      `${what} has ${molecule.fragments} disconnected parts; ${on} of ${trained.fragments === 1 ? 'one part each' : `at most ${trained.fragments} parts`}.`
    )
  }
  return out
}

/**
 * A warning when `atoms` lies outside the atom counts of the training molecules (manifest
 * `sample.atomCounts`), naming their range; undefined inside it or without a histogram.
 */
export function atomCountWarning(atoms: number, manifest: ModelManifest): string | undefined {
  const sample = manifest.sample
  if (sample.kind !== 'molecule' || !sample.atomCounts) return undefined
  const seen = Object.entries(sample.atomCounts)
    .filter(([, n]) => n > 0)
    .map(([k]) => Number(k))
  if (seen.length === 0) return undefined
  const lo = Math.min(...seen)
  const hi = Math.max(...seen)
  if (atoms >= lo && atoms <= hi && sample.atomCounts[String(atoms)] > 0) return undefined
  return (
    `Model "${manifest.id}" was trained on molecules of ${lo}–${hi} atoms (hydrogens included)` +
    `${atoms >= lo && atoms <= hi ? `, none of ${atoms}` : ''}; ${atoms} were asked: expect invalid molecules.`
  )
}
