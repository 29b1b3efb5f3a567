// Conformers of a molecular graph (GeoDiff-style task; EDM preconditioning), one readable loop
// (molecule.conformer): SMILES or MOL/SDF → graph with explicit hydrogens (openchemlib, kekulised) and
// its stereo elements → atom features [N, E + 1] and edge features [N, N, bond orders + path lengths] →
// x = σ_0·n [B, N, 3], centred → sampler over D(x; σ | graph) → each conformer checked against the
// input's stereo (centres and E/Z from its coordinates): mirrored when that fixes it (E(3)-equivariant
// models), drawn again otherwise, said when it cannot be kept → B conformers (Å) with the graph's own
// bonds → files + trajectories.
import * as ort from 'onnxruntime-node'
import {
  StudioError,
  textOfFile,
  type ModelManifest,
  type MoleculeConformerSpec
} from '../../../contract'
import { resolveSampling, taskDefinition } from '../../../tasks'
import { moleculeSample, trainingRangeWarnings } from '../../../tasks/molecule/common'
import {
  describeStereo,
  fragments,
  graphFromSmiles,
  perceiveStereo,
  reflectPositions,
  stereoOfMolfile,
  topologicalDistances,
  validMolecule,
  withExplicitHydrogens,
  type SmilesGraph,
  type StereoElement
} from '../../../chemistry'
import { readMoleculeFile } from '../../../codecs/molecule-io'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { sampleFromNoise } from '../common/trajectory'
import { moleculeNoise, moleculePreview, positionsOf, writeMolecule } from './job'

/** Rounds of redrawing the conformers whose stereo came out wrong (and reflection could not fix). */
const stereoRedraws = 3

export async function findConformers(
  input: MoleculeConformerSpec,
  context: PipelineContext
): Promise<void> {
  const model = await context.registry.resolve(input.model ?? '')
  const { manifest } = model
  const { spec } = taskDefinition('molecule.conformer').validate(input, manifest)
  const sample = moleculeSample(manifest, 'graph')
  const f = sample.features
  const sampling = resolveSampling(spec, manifest)
  const count = spec.count

  // 1. The graph (from the SMILES, or a MOL/SDF file's first record), its stereo, and its features.
  const graph = spec.smiles
    ? graphFromSmiles(spec.smiles, { elements: sample.elements, maxAtoms: sample.maxAtoms })
    : graphFromFile(await context.readInput(spec.molecule!), manifest, context)
  const N = graph.elements.length
  const { atoms, edges } = graphFeatures(graph, sample.elements, f.bondOrders, f.pathLengths)
  const A = sample.elements.length + 1
  const C = f.bondOrders + f.pathLengths
  const rowsOf = (data: Float32Array, rows: number) => {
    const out = new Float32Array(data.length * rows)
    for (let r = 0; r < rows; r++) out.set(data, r * data.length)
    return out
  }
  const denoise = await jobDenoiser(
    context,
    model,
    { sampling, conditioning: { kind: 'none' }, count, sampleShape: [N, 3], steps: sampling.steps },
    {
      staticFeeds: (rows) => ({
        [f.atomsInput]: new ort.Tensor('float32', rowsOf(atoms, rows), [rows, N, A]),
        [f.edgesInput]: new ort.Tensor('float32', rowsOf(edges, rows), [rows, N, N, C]),
        [f.maskInput]: new ort.Tensor('float32', new Float32Array(rows * N).fill(1), [rows, N, 1])
      })
    }
  )

  // 2. Sample positions from centred noise; then keep every stereo element of the input: a conformer
  // whose every centre is inverted (and E/Z right) is mirrored when the model is E(3)-equivariant (its
  // mirror image is as likely); the others are drawn again with new seeds, a few rounds at most.
  const draw = (seeds: readonly number[], stage?: string) =>
    sampleFromNoise(context, {
      sampling,
      denoise,
      shape: [count, N, 3],
      noise: moleculeNoise(
        perImageNoise(seeds),
        seeds.map(() => N)
      ),
      every: spec.trajectoryEvery,
      extra: spec.samplerExtra,
      preview: (x0) => moleculePreview(positionsOf(x0, 0, N, 3, N), graph.elements),
      what: 'the conformers',
      ...(stage ? { stage } : {})
    })
  const outputs: Conformer[] = []
  let seeds = Array.from({ length: count }, (_, b) => spec.seed + b)
  let pending = Array.from({ length: count }, (_, b) => b)
  for (let round = 0; pending.length > 0; round++) {
    const last = round === stereoRedraws || graph.stereo.length === 0
    const { result, trajectory } = await draw(
      seeds,
      round > 0
        ? `redrawing ${pending.length} conformer${pending.length > 1 ? 's' : ''} whose stereo came out wrong (round ${round} of ${stereoRedraws})`
        : undefined
    )
    const again: number[] = []
    for (const b of pending) {
      const drawn = {
        seed: seeds[b],
        positions: positionsOf(result, b, N, 3, N),
        frames: trajectory.framesOf(b, count).map((frame) => ({
          sigma: frame.sigma,
          positions: positionsOf({ data: frame.data }, 0, N, 3, N)
        }))
      }
      const kept = keepStereo(graph, drawn, sample.reflectionEquivariant === true)
      if (kept.lost.length === 0 || last) outputs[b] = { ...kept, redrawn: round }
      else again.push(b)
    }
    pending = again
    seeds = seeds.map((seed, b) => (again.includes(b) ? seed + count : seed))
  }
  const mirrored = outputs.filter((o) => o.reflected).length
  if (mirrored > 0) {
    context.emit({
      type: 'warning',
      message:
        `${mirrored} of ${count} conformer${count > 1 ? 's' : ''} came out as the mirror image of the molecule ` +
        `and ${mirrored > 1 ? 'were' : 'was'} reflected to keep its stereo (model "${manifest.id}" is E(3)-equivariant, ` +
        'so a mirrored sample is as likely as the sample).'
    })
  }
  outputs.forEach((o, b) => {
    if (o.lost.length === 0) return
    context.emit({
      type: 'warning',
      message:
        `Conformer ${b + 1} (seed ${o.seed}) does not keep ${o.lost.map((e) => describeStereo(e, graph.elements)).join(', ')} ` +
        `of the molecule after ${stereoRedraws} redraws; its recipe says so. Try other seeds or more conformers.`
    })
  })

  // 3. Conformers with the graph's bonds.
  for (let b = 0; b < count; b++) {
    const o = outputs[b]
    const recipe = recipeOf(spec, sampling, o.seed, context.runtime.execution, {
      atoms: N,
      canonicalSmiles: graph.canonicalSmiles,
      ...(graph.stereo.length > 0
        ? {
            stereo: {
              elements: graph.stereo.length,
              kept: o.lost.length === 0,
              ...(o.reflected ? { reflected: true } : {}),
              ...(o.redrawn > 0 ? { redrawn: o.redrawn } : {}),
              ...(o.lost.length > 0
                ? { lost: o.lost.map((e) => describeStereo(e, graph.elements)) }
                : {})
            }
          }
        : {})
    })
    await writeMolecule(
      context,
      { output: b, outputs: count },
      {
        elements: graph.elements,
        bonds: graph.bonds,
        charges: graph.charges,
        positions: o.positions
      },
      JSON.stringify(recipe),
      { smiles: graph.canonicalSmiles },
      o.frames.map((frame) => ({ ...frame, elements: graph.elements }))
    )
  }
}

interface Drawn {
  readonly seed: number
  readonly positions: Float32Array
  readonly frames: readonly { sigma: number; positions: Float32Array }[]
}

interface Conformer extends Drawn {
  /** The stereo elements it does not keep (empty: all kept). */
  readonly lost: readonly StereoElement[]
  readonly reflected: boolean
  /** Rounds it was drawn again in. */
  readonly redrawn: number
}

/**
 * A drawn conformer checked against the graph's stereo elements (perceived from its coordinates,
 * openchemlib): as it is when it keeps them all; mirrored (x → −x, trajectory too) when every centre is
 * inverted, every double bond right and the model `reflectionEquivariant`; else as it is, with what it
 * loses (a centre that came out flat counts as lost).
 */
export function keepStereo(
  graph: ConformerGraph,
  drawn: Drawn,
  reflectionEquivariant: boolean
): Omit<Conformer, 'redrawn'> {
  const perceived = perceiveStereo(graph, drawn.positions, graph.stereo)
  const lost = graph.stereo.filter((e, k) => perceived[k].parity !== e.parity)
  const centres = graph.stereo.filter((e) => e.kind === 'centre')
  const mirrorFixes =
    reflectionEquivariant &&
    centres.length > 0 &&
    lost.length === centres.length &&
    perceived.every((p, k) =>
      p.kind === 'centre'
        ? p.parity === 3 - graph.stereo[k].parity
        : p.parity === graph.stereo[k].parity
    )
  if (!mirrorFixes) return { ...drawn, lost, reflected: false }
  return {
    seed: drawn.seed,
    positions: reflectPositions(drawn.positions),
    frames: drawn.frames.map((f) => ({ sigma: f.sigma, positions: reflectPositions(f.positions) })),
    lost: [],
    reflected: true
  }
}

/**
 * The graph of a MOL/SDF file's first record (atoms in its order, hydrogens as given, then the
 * hydrogens it leaves implicit), its canonical SMILES and its stereo (wedges or 3D coordinates); warns
 * when the molecule lies outside the model's training range.
 * @throws StudioError bad-input for an XYZ file (no bonds) or too many atoms.
 */
function graphFromFile(
  bytes: Uint8Array,
  manifest: ModelManifest,
  context: PipelineContext
): ConformerGraph {
  const sample = moleculeSample(manifest, 'graph')
  const maxAtoms = sample.maxAtoms
  const file = readMoleculeFile(bytes)
  const [record] = file.records
  if (!record.hasBonds) {
    throw new StudioError(
      'bad-input',
      'An XYZ file has no bonds; give a MOL/SDF file or a SMILES for conformers.'
    )
  }
  // The model expects every atom explicit (as from a SMILES): implicit hydrogens are added, noted
  // on the input when it was stored.
  const m = withExplicitHydrogens(record.molecule).graph
  if (m.elements.length > maxAtoms) {
    throw new StudioError(
      'bad-input',
      `The molecule has ${m.elements.length} atoms (hydrogens included); the model takes at most ${maxAtoms}.`
    )
  }
  let stereo: StereoElement[] = []
  try {
    stereo = stereoOfMolfile(textOfFile(bytes, 'molecule'), record.molecule)
  } catch (error) {
    context.emit({
      type: 'warning',
      message: `The file's stereo could not be read (${(error as Error).message}); conformers may have either handedness.`
    })
  }
  const charges = m.charges ?? m.elements.map(() => 0)
  for (const message of trainingRangeWarnings(
    {
      heavyAtoms: m.elements.filter((e) => e !== 'H').length,
      charges,
      fragments: fragments(m).count
    },
    manifest
  )) {
    context.emit({ type: 'warning', message })
  }
  const validity = validMolecule(m)
  return {
    elements: m.elements,
    bonds: m.bonds,
    charges,
    canonicalSmiles: validity.valid ? validity.whole.smiles : '',
    stereo
  }
}

/** What the conformer pipeline needs of a molecular graph. */
type ConformerGraph = Pick<
  SmilesGraph,
  'elements' | 'bonds' | 'charges' | 'canonicalSmiles' | 'stereo'
>

/**
 * The conformer model's graph features: atoms [N, E + 1] = element one-hot (in the model's order) and
 * formal charge; edges [N, N, orders + paths] = kekulised bond-order one-hot (single … ) and the
 * shortest-path length one-hot (1, 2, …, ≥ paths; disconnected counts as ≥ paths), zero on the diagonal.
 * @throws StudioError bad-input for an element the model does not know.
 */
export function graphFeatures(
  graph: ConformerGraph,
  elements: readonly string[],
  orders: number,
  paths: number
): { atoms: Float32Array; edges: Float32Array } {
  const N = graph.elements.length
  const A = elements.length + 1
  const C = orders + paths
  const atoms = new Float32Array(N * A)
  graph.elements.forEach((symbol, i) => {
    const e = elements.indexOf(symbol)
    if (e < 0) {
      throw new StudioError(
        'bad-input',
        `The molecule has ${symbol}; this model knows ${elements.join(', ')}.`
      )
    }
    atoms[i * A + e] = 1
    atoms[i * A + elements.length] = graph.charges[i] ?? 0
  })
  const edges = new Float32Array(N * N * C)
  for (const { a, b, order } of graph.bonds) {
    if (order > orders) continue
    edges[(a * N + b) * C + order - 1] = 1
    edges[(b * N + a) * C + order - 1] = 1
  }
  const distances = topologicalDistances(N, graph.bonds)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j) continue
      const d = distances[i * N + j]
      const cls = d < 0 ? paths - 1 : Math.min(d, paths) - 1
      edges[(i * N + j) * C + orders + cls] = 1
    }
  }
  return { atoms, edges }
}
