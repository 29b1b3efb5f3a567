// Conformers of a molecular graph (GeoDiff-style task; EDM preconditioning), one readable loop
// (molecule.conformer): SMILES → graph with explicit hydrogens (openchemlib, kekulised) → atom features
// [N, E + 1] and edge features [N, N, bond orders + path lengths] → x = σ_0·n [B, N, 3], centred →
// sampler over D(x; σ | graph) → B conformers (Å) with the graph's own bonds → files + trajectories.
import * as ort from 'onnxruntime-node'
import { StudioError, type MoleculeConformerSpec } from '../../../contract'
import { resolveSampling, taskDefinition } from '../../../tasks'
import { moleculeSample } from '../../../tasks/molecule/common'
import {
  graphFromSmiles,
  topologicalDistances,
  validMolecule,
  type SmilesGraph
} from '../../../chemistry'
import { readMoleculeFile } from '../../../codecs/molecule-io'
import type { PipelineContext } from '../context'
import { jobDenoiser } from '../common/denoiser'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { sampleFromNoise } from '../common/trajectory'
import { moleculeNoise, moleculePreview, positionsOf, writeMolecule } from './job'

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
  const seeds = Array.from({ length: count }, (_, b) => spec.seed + b)

  // 1. The graph (from the SMILES, or a MOL/SDF file's first record) and its features.
  const graph = spec.smiles
    ? graphFromSmiles(spec.smiles, { elements: sample.elements, maxAtoms: sample.maxAtoms })
    : graphFromFile(await context.readInput(spec.molecule!), sample.maxAtoms)
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

  // 2. Sample positions from centred noise.
  const { result, trajectory } = await sampleFromNoise(context, {
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
    what: 'the conformers'
  })

  // 3. Conformers with the graph's bonds.
  for (let b = 0; b < count; b++) {
    const positions = positionsOf(result, b, N, 3, N)
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      atoms: N,
      canonicalSmiles: graph.canonicalSmiles
    })
    await writeMolecule(
      context,
      { output: b, outputs: count },
      { elements: graph.elements, bonds: graph.bonds, charges: graph.charges, positions },
      JSON.stringify(recipe),
      { smiles: graph.canonicalSmiles },
      trajectory.framesOf(b, count).map((frame) => ({
        sigma: frame.sigma,
        elements: graph.elements,
        positions: positionsOf({ data: frame.data }, 0, N, 3, N)
      }))
    )
  }
}

/**
 * The graph of a MOL/SDF file's first record (atoms in its order, hydrogens as given), with its canonical
 * SMILES. @throws StudioError bad-input for an XYZ file (no bonds) or too many atoms.
 */
function graphFromFile(bytes: Uint8Array, maxAtoms: number): ConformerGraph {
  const file = readMoleculeFile(bytes)
  const [record] = file.records
  if (!record.hasBonds) {
    throw new StudioError(
      'bad-input',
      'An XYZ file has no bonds; give a MOL/SDF file or a SMILES for conformers.'
    )
  }
  const m = record.molecule
  if (m.elements.length > maxAtoms) {
    throw new StudioError(
      'bad-input',
      `The molecule has ${m.elements.length} atoms (hydrogens included); the model takes at most ${maxAtoms}.`
    )
  }
  const validity = validMolecule(m)
  return {
    elements: m.elements,
    bonds: m.bonds,
    charges: m.charges ?? m.elements.map(() => 0),
    canonicalSmiles: validity.valid ? validity.smiles : ''
  }
}

/** What the conformer pipeline needs of a molecular graph. */
type ConformerGraph = Pick<SmilesGraph, 'elements' | 'bonds' | 'charges' | 'canonicalSmiles'>

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
