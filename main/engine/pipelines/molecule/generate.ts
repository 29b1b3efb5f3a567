// Molecule generation (EDM, Hoogeboom et al. 2022), one readable loop (molecule.generate):
// atom counts (given, or drawn from the training histogram per seed) → x = σ_0·n [B, N, 3 + E (+ H + 1)
// (+1)] with the positions' noise centred and padding rows zero → sampler over D(x; σ) of the
// E(3)-equivariant network (node mask as an input) → positions (Å), elements (argmax of the one-hot) and,
// for heavy-atom models, hydrogen counts (argmax of theirs), the hydrogens then placed by VSEPR geometry
// → bonds perceived from distances over all atoms → stability, validity, uniqueness, novelty →
// SDF/XYZ/PDB with the recipe + trajectories.
import * as ort from 'onnxruntime-node'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { linesOf, textOfFile, type MoleculeGenerateSpec } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import { resolveSampling, taskDefinition } from '../../../tasks'
import { moleculeSample } from '../../../tasks/molecule/common'
import {
  addHydrogens,
  fragments,
  moleculeSetMetrics,
  moleculeStability,
  perceiveBonds,
  setStability,
  trainingSet,
  type TrainingSet
} from '../../../chemistry'
import { seededRandom } from '../../../geometry'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { sampleFromNoise } from '../common/trajectory'
import { moleculeNoise, moleculePreview, positionsOf, writeMolecule } from './job'

type JointSample = ReturnType<typeof moleculeSample<'joint'>>

export async function generateMolecules(
  input: MoleculeGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const model = await context.registry.resolve(input.model ?? '')
  const { manifest } = model
  const { spec } = taskDefinition('molecule.generate').validate(input, manifest)
  const sample = moleculeSample(manifest, 'joint')
  const f = sample.features
  const E = sample.elements.length
  const H = f.hydrogenCounts > 0 ? f.hydrogenCounts + 1 : 0
  const D = 3 + E + H + (f.chargeScale > 0 ? 1 : 0)
  const sampling = resolveSampling(spec, manifest)
  const count = spec.count
  const seeds = Array.from({ length: count }, (_, b) => spec.seed + b)

  // 1. Atoms per molecule (heavy atoms for a heavy-atom model); the batch is padded to the largest,
  // with a node mask.
  const atoms = seeds.map((seed) => spec.atoms ?? drawAtomCount(sample, seed))
  const N = Math.max(...atoms)
  const mask = new Float32Array(count * N)
  atoms.forEach((a, b) => mask.fill(1, b * N, b * N + a))
  const denoise = await jobDenoiser(
    context,
    model,
    { sampling, conditioning: { kind: 'none' }, count, sampleShape: [N, D], steps: sampling.steps },
    {
      staticFeeds: (rows) => ({
        [f.maskInput]: new ort.Tensor('float32', repeatRows(mask, rows / count), [rows, N, 1])
      })
    }
  )

  // 2. Sample from centred, masked noise.
  const decode = (data: ArrayLike<number>, b: number) =>
    decodeJoint(data, b, N, D, atoms[b], sample)
  const { result, trajectory } = await sampleFromNoise(context, {
    sampling,
    denoise,
    shape: [count, N, D],
    noise: moleculeNoise(perImageNoise(seeds), atoms),
    every: spec.trajectoryEvery,
    extra: spec.samplerExtra,
    preview: (x0) => {
      const m = decode(x0.data, 0)
      return moleculePreview(m.positions, m.elements)
    },
    what: 'the molecules'
  })

  // 3. Molecules (hydrogens added for a heavy-atom model), their bonds and measures.
  const molecules = atoms.map((_, b) => {
    const m = decode(result.data, b)
    return { ...m, bonds: perceiveBonds(m.positions, m.elements) }
  })
  const training = await trainingSetOf(model, context.signal)
  const set = moleculeSetMetrics(molecules, training)
  const stability = molecules.map((m) => moleculeStability(m))
  const overall = setStability(stability)
  for (let b = 0; b < count; b++) {
    context.signal.throwIfAborted()
    const validity = set.results[b]
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      atoms: atoms[b]
    })
    const frames = trajectory.framesOf(b, count).map((frame) => ({
      sigma: frame.sigma,
      ...decodeJoint(frame.data, 0, N, D, atoms[b], sample)
    }))
    await writeMolecule(
      context,
      { output: b, outputs: count },
      molecules[b],
      JSON.stringify(recipe),
      {
        valid: validity.valid && validity.connected,
        fragments: validity.valid ? validity.fragmentCount : fragments(molecules[b]).count,
        largestFragmentValid: validity.valid,
        stable: stability[b].stable,
        atomStability: stability[b].stableAtoms / Math.max(1, stability[b].atoms),
        ...(validity.valid
          ? {
              smiles: validity.whole.smiles,
              largestFragmentSmiles: validity.smiles,
              ...(training ? { novel: !training.idcodes.has(validity.idcode) } : {})
            }
          : {})
      },
      frames
    )
  }
  context.emit({
    type: 'metrics',
    metrics: {
      validity: set.validity,
      'whole-molecule validity': set.wholeValidity,
      ...(Number.isFinite(set.uniqueness) ? { uniqueness: set.uniqueness } : {}),
      ...(set.novelty !== undefined && Number.isFinite(set.novelty)
        ? { novelty: set.novelty }
        : {}),
      'atom stability': overall.atomStability,
      'molecule stability': overall.moleculeStability,
      molecules: count
    }
  })
}

/**
 * Molecule b of x [B, N, D]: positions × positionScale (Å), elements by the one-hot's argmax; for a
 * heavy-atom model, each atom's hydrogen count by the argmax of the channels after the element one-hot,
 * and its hydrogens appended (bonded by `addHydrogens` geometry to the heavy skeleton as perceived).
 */
export function decodeJoint(
  data: ArrayLike<number>,
  b: number,
  n: number,
  d: number,
  atoms: number,
  sample: JointSample
): { elements: string[]; positions: Float32Array } {
  const positions = positionsOf({ data }, b, n, d, atoms, sample.features.positionScale)
  const E = sample.elements.length
  const argmax = (i: number, from: number, size: number) => {
    let best = 0
    for (let c = 1; c < size; c++) {
      if (data[(b * n + i) * d + from + c] > data[(b * n + i) * d + from + best]) best = c
    }
    return best
  }
  const elements = Array.from({ length: atoms }, (_, i) => sample.elements[argmax(i, 3, E)])
  const hydrogens = sample.features.hydrogenCounts
  if (hydrogens === 0) return { elements, positions }
  const counts = Array.from({ length: atoms }, (_, i) => argmax(i, 3 + E, hydrogens + 1))
  const heavy = { elements, positions, bonds: perceiveBonds(positions, elements) }
  const full = addHydrogens(heavy, counts)
  return { elements: [...full.elements], positions: full.positions }
}

/** An atom count drawn from the training histogram with the molecule's seed (reproducible). */
function drawAtomCount(sample: JointSample, seed: number): number {
  const entries = Object.entries(sample.atomCounts ?? {})
    .map(([n, c]) => [Number(n), c] as const)
    .filter(([n, c]) => c > 0 && n >= 1 && n <= sample.maxAtoms)
    .sort((a, b) => a[0] - b[0])
  const total = entries.reduce((s, [, c]) => s + c, 0)
  let u = seededRandom(seed)() * total
  for (const [n, c] of entries) {
    if ((u -= c) < 0) return n
  }
  return entries.at(-1)?.[0] ?? sample.maxAtoms
}

/** B copies of a [B₀·N] mask for `times` × the batch (CFG doubles rows). */
function repeatRows(mask: Float32Array, times: number): Float32Array {
  const out = new Float32Array(mask.length * times)
  for (let k = 0; k < times; k++) out.set(mask, k * mask.length)
  return out
}

const trainingSets = new Map<string, Promise<TrainingSet | undefined>>()

/**
 * The model's training molecules (for novelty), read once per model folder. Parsing thousands of SMILES
 * takes seconds: it runs in slices of 250 that give the event loop back (so a cancel message is read)
 * and stop when `signal` fires (nothing is cached then).
 */
function trainingSetOf(
  model: ResolvedModel,
  signal: AbortSignal
): Promise<TrainingSet | undefined> {
  const sample = model.manifest.sample
  if (sample.kind !== 'molecule' || !sample.trainingSmiles) return Promise.resolve(undefined)
  const path = join(model.dir, sample.trainingSmiles)
  let set = trainingSets.get(path)
  if (!set) {
    set = readFile(path).then(
      async (bytes) => {
        const lines = linesOf(textOfFile(bytes, 'SMILES')).filter((line) => line.trim() !== '')
        const idcodes = new Set<string>()
        let unreadable = 0
        for (let from = 0; from < lines.length; from += 250) {
          await new Promise((resolve) => setImmediate(resolve))
          signal.throwIfAborted()
          const part = trainingSet(lines.slice(from, from + 250))
          part.idcodes.forEach((id) => idcodes.add(id))
          unreadable += part.unreadable
        }
        return { idcodes, unreadable }
      },
      () => undefined
    )
    trainingSets.set(path, set)
    set.catch(() => trainingSets.delete(path))
  }
  return set
}
