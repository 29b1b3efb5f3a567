// What both molecule pipelines share: noise that is zero on padding rows and has zero centre of mass
// over the real atoms (EDM's translation-invariant prior), previews, output files and XYZ trajectories.
import { moleculeOutputFormats, writtenFormat, type Preview } from '../../../contract'
import { atomicNumberOf, type Molecule3D } from '../../../chemistry'
import type { NoiseSource, Tensor } from '../../../diffusion/types'
import { writeMoleculeFile, type MoleculeFormat } from '../../../codecs/molecule-io'
import { writeXyz } from '../../../codecs/xyz'
import type { PipelineContext } from '../context'
import type { ArtifactMeta } from '../common/sink'

/**
 * Noise for molecules [B, N, D]: rows at or past atoms[b] are zero, and the first 3 channels (positions)
 * have zero mean over the real atoms of each molecule (Hoogeboom et al. 2022, §3.2).
 */
export function moleculeNoise(noise: NoiseSource, atoms: readonly number[]): NoiseSource {
  return {
    randn(shape) {
      const t = noise.randn(shape)
      const [batch, n, d] = shape
      for (let b = 0; b < batch; b++) {
        const real = atoms[b]
        const mean = [0, 0, 0]
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < d; c++) {
            const k = (b * n + i) * d + c
            if (i >= real) t.data[k] = 0
            else if (c < 3) mean[c] += t.data[k] / real
          }
        }
        for (let i = 0; i < real; i++)
          for (let c = 0; c < 3; c++) t.data[(b * n + i) * d + c] -= mean[c]
      }
      return t
    }
  }
}

/** Positions [atoms, 3] of molecule b of x [B, N, D] (the first 3 channels, × scale). */
export function positionsOf(
  x: Tensor | { data: ArrayLike<number> },
  b: number,
  n: number,
  d: number,
  atoms: number,
  scale = 1
): Float32Array {
  const out = new Float32Array(atoms * 3)
  for (let i = 0; i < atoms; i++)
    for (let c = 0; c < 3; c++) out[i * 3 + c] = x.data[(b * n + i) * d + c] * scale
  return out
}

/** A molecule preview (float32 xyz, atomic numbers). */
export function moleculePreview(positions: Float32Array, elements: readonly string[]): Preview {
  return {
    kind: 'molecule',
    atoms: elements.length,
    xyz: new Uint8Array(positions.buffer.slice(0)),
    elements: Uint8Array.from(elements, (e) => atomicNumberOf(e))
  }
}

/** The format a molecule job writes (the contract's list). @throws StudioError bad-input otherwise. */
export function moleculeFormat(context: PipelineContext): MoleculeFormat {
  return writtenFormat(moleculeOutputFormats, context.format)
}

/** Writes molecule b (and its trajectory frames as multi-frame XYZ, if any). */
export async function writeMolecule(
  context: PipelineContext,
  position: { output: number; outputs: number },
  molecule: Molecule3D,
  recipe: string,
  meta: Omit<Extract<ArtifactMeta, { kind: 'molecule' }>, 'kind' | 'atoms'>,
  frames: readonly { sigma: number; elements: readonly string[]; positions: Float32Array }[]
): Promise<void> {
  const file = writeMoleculeFile(moleculeFormat(context), [
    { molecule, name: meta.smiles ?? `molecule ${position.output + 1}`, recipe }
  ])
  const artifact = await context.sink.write(
    { ...file, ...position },
    { kind: 'molecule', atoms: molecule.elements.length, ...meta }
  )
  if (frames.length === 0) return
  const text = writeXyz(
    frames.map((f, k) => ({
      elements: f.elements,
      positions: f.positions,
      comment: `frame ${k + 1} of ${frames.length} sigma=${f.sigma.toPrecision(6)}`
    }))
  )
  await context.sink.write(
    {
      ...position,
      ext: 'xyz',
      mime: 'chemical/x-xyz',
      bytes: Buffer.from(text, 'utf8'),
      side: { name: 'trajectory', of: file.ext }
    },
    {
      kind: 'molecule',
      atoms: molecule.elements.length,
      role: 'trajectory',
      of: artifact.index,
      frames: frames.length
    }
  )
}
