// `npm run bench:3d`: shapes, molecules and conformers through the studio's own pipelines on the starter
// models, with the metrics of the papers they follow, and their speed on this machine. Tables go to
// docs/benchmarks.md. A model that is not installed is reported as skipped.
//   Shapes: per class, G generated vs G held-out shapes (normalised as in training): 1-NNA, COV, MMD on
//     Chamfer distance (and EMD with --emd); one 2048-point cloud at 50 steps, timed.
//   Molecules: N generated (atom counts from the training histogram): EDM's atom and molecule stability
//     (all atoms and heavy atoms), EDM's largest-fragment validity beside whole-molecule validity,
//     uniqueness, novelty, heavy-atom counts; the held-out data through the same measures, EDM's and
//     GeoLDM's QM9 figures; one largest molecule at 100 steps, timed.
//   Conformers: for held-out molecules (RDKit ETKDG + MMFF conformers), 2× as many generated: COV-R and
//     MAT-R at δ = 0.5 Å (aligned RMSD, no symmetry search), beside RDKit's own ETKDG when recorded.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../platform/paths'
import {
  addHydrogens,
  atomStability,
  automorphisms,
  moleculeSetMetrics,
  perceiveBonds,
  perceiveStereo,
  subgraph,
  trainingSet,
  type Molecule3D,
  type StereoElement,
  type TrainingSet
} from '../../chemistry'
import { heavyAtomModel } from '../../contract'
import {
  bestAlignedRmsd,
  chamferDistance,
  seededRandom,
  conformerCoverage,
  evaluatePointCloudSets
} from '../../geometry'
import { readMoleculeFile } from '../../codecs/molecule-io'
import { readPointCloudFile } from '../../codecs/point-cloud-io'
import { writePly } from '../../codecs/ply'
import { writeSdf } from '../../codecs/molfile'
import { createBenchRunner, fmt, type BenchRunner } from './in-process'

export interface ThreeDBenchOptions {
  readonly threads: number
  /** Shapes generated (and held-out shapes compared) per class. */
  readonly perClass: number
  readonly molecules: number
  /** Held-out molecules for the conformer metrics. */
  readonly conformerMolecules: number
  readonly emd: boolean
  /** Which parts to run (default all three). */
  readonly parts?: readonly ThreeDPart[]
  readonly log?: (line: string) => void
}

export type ThreeDPart = 'shapes' | 'completion' | 'molecules' | 'conformers'

const starter = join(projectRoot, 'native-models', 'starter')

/** Runs the chosen parts; returns each part's markdown table(s). */
export async function runThreeDBench(
  options: ThreeDBenchOptions
): Promise<{ sections: { part: ThreeDPart; markdown: string }[] }> {
  const log = options.log ?? (() => undefined)
  const bench = await createBenchRunner(options.threads)
  const run = { shapes, completion, molecules, conformers }
  const sections: { part: ThreeDPart; markdown: string }[] = []
  try {
    for (const part of options.parts ??
      (['shapes', 'completion', 'molecules', 'conformers'] as const)) {
      sections.push({ part, markdown: await run[part](bench, options, log) })
    }
  } finally {
    await bench.release()
  }
  return { sections }
}

async function shapes(
  bench: BenchRunner,
  options: ThreeDBenchOptions,
  log: (line: string) => void
): Promise<string> {
  if (!(await bench.has('shapes-2k'))) return '### Shapes\n\nSkipped: shapes-2k is not installed.'
  const index = JSON.parse(readFileSync(join(starter, 'shapes-2k', 'heldout.json'), 'utf8')) as {
    shape: [number, number, number]
    labels: number[]
    classes: string[]
  }
  const bytes = readFileSync(join(starter, 'shapes-2k', 'heldout.bin'))
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
  const n = index.shape[1]
  const manifest = (await bench.registry.resolve('shapes-2k')).manifest
  const rows: string[] = [
    `| class | 1-NNA-CD | COV-CD | MMD-CD${options.emd ? ' | 1-NNA-EMD | COV-EMD | MMD-EMD' : ''} | s per shape |`,
    `| --- | --- | --- | ---${options.emd ? ' | --- | --- | ---' : ''} | --- |`
  ]
  const totals = { nna: 0, cov: 0, mmd: 0 }
  for (const [k, name] of index.classes.entries()) {
    const reference: Float32Array[] = []
    index.labels.forEach((l, s) => {
      if (l === k && reference.length < options.perClass)
        reference.push(all.slice(s * n * 3, (s + 1) * n * 3))
    })
    const run = await bench.run({
      task: 'point-cloud.generate',
      model: 'shapes-2k',
      label: name,
      count: reference.length,
      seed: 1000 + k,
      trajectoryEvery: 0
    })
    const generated = run.files
      .filter((f) => f.artifact.role === 'output')
      .map((f) => Float32Array.from(readPointCloudFile(f.bytes).points))
    const evaluation = await evaluatePointCloudSets(generated, reference, {
      distances: options.emd ? ['cd', 'emd'] : ['cd']
    })
    const cd = evaluation.cd!
    totals.nna += cd.oneNna.accuracy
    totals.cov += cd.coverage
    totals.mmd += cd.mmd
    const emd = evaluation.emd
    rows.push(
      `| ${name} | ${fmt(100 * cd.oneNna.accuracy, 1)} % | ${fmt(100 * cd.coverage, 1)} % | ${fmt(1000 * cd.mmd, 2)}` +
        (emd
          ? ` | ${fmt(100 * emd.oneNna.accuracy, 1)} % | ${fmt(100 * emd.coverage, 1)} % | ${fmt(100 * emd.mmd, 2)}`
          : '') +
        ` | ${fmt(run.seconds / generated.length)} |`
    )
    log(`shapes ${name}: 1-NNA-CD ${fmt(100 * cd.oneNna.accuracy, 1)} %`)
  }
  const classes = index.classes.length
  rows.push(
    `| **mean** | **${fmt((100 * totals.nna) / classes, 1)} %** | **${fmt((100 * totals.cov) / classes, 1)} %** | **${fmt((1000 * totals.mmd) / classes, 2)}** |${options.emd ? ' | | |' : ''} |`
  )
  // Speed: one cloud, 50 steps of Euler, the model's guidance.
  const timed = await bench.run({
    task: 'point-cloud.generate',
    model: 'shapes-2k',
    label: index.classes[0],
    sampler: 'euler',
    steps: 50,
    seed: 1,
    trajectoryEvery: 0
  })
  const nfe =
    manifest.defaults.sampler === 'heun' ? 2 * manifest.defaults.steps - 1 : manifest.defaults.steps
  return (
    `### Shapes (shapes-2k, ${options.perClass} generated vs ${options.perClass} held-out per class)\n\n` +
    `Sampler: the model's default (${manifest.defaults.sampler}, ${manifest.defaults.steps} steps ≈ ${nfe} NFE, ` +
    `guidance ${manifest.defaults.guidance}). Shapes are compared in the training normalisation (bounding ` +
    'box centred, longest axis spanning [−1, 1]); CD = mean squared nearest-neighbour distance both ways ' +
    '(×10³ in the table), EMD = mean matched distance (auction, within 1e-4 of the box diagonal; ×10²). ' +
    '1-NNA: 50 % is ideal (LION reports 53.7 % 1-NNA-CD on ShapeNet chairs). Small sets make 1-NNA ' +
    'noisy (±10 % at 16 + 16).\n\n' +
    rows.join('\n') +
    `\n\nSpeed: one 2048-point cloud, 50 Euler steps, guidance ${manifest.defaults.guidance}: ` +
    `${fmt(timed.seconds)} s.`
  )
}

/**
 * Shape completion on held-out shapes (in the model's box): the given part is every point on one side
 * of a plane x = c, the model makes the rest (`point-cloud.complete`, the model's default sampler,
 * placement 'as-is'); the baseline mirrors the given part through x = 0, the classes' symmetry plane.
 * Cut at c = 0, a mirror-symmetric shape is completed exactly by mirroring (up to surface sampling);
 * cut at c = −0.3, the mirror leaves a gap the model must fill. Chamfer distance to the whole held-out
 * shape (×10³). "Symmetric" classes: a random half of a held-out shape's points and the mirror image of
 * the other half are within 2× the Chamfer distance of the two halves as they are (sampling noise).
 */
async function completion(
  bench: BenchRunner,
  options: ThreeDBenchOptions,
  log: (line: string) => void
): Promise<string> {
  if (!(await bench.has('shapes-2k')))
    return '### Completion\n\nSkipped: shapes-2k is not installed.'
  const index = JSON.parse(readFileSync(join(starter, 'shapes-2k', 'heldout.json'), 'utf8')) as {
    shape: [number, number, number]
    labels: number[]
    classes: string[]
  }
  const bytes = readFileSync(join(starter, 'shapes-2k', 'heldout.bin'))
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
  const n = index.shape[1]
  const perClass = Math.max(1, Math.min(8, options.perClass))
  const cuts = [0, -0.3]
  const mirror = (cloud: Float32Array) => cloud.map((v, k) => (k % 3 === 0 ? -v : v))
  const side = (cloud: Float32Array, keep: (x: number) => boolean) => {
    const out: number[] = []
    for (let i = 0; i < cloud.length; i += 3)
      if (keep(cloud[i])) out.push(cloud[i], cloud[i + 1], cloud[i + 2])
    return Float32Array.from(out)
  }
  const side2 = (cloud: Float32Array, pick: readonly boolean[], which: boolean) =>
    Float32Array.from(
      Array.from({ length: cloud.length }, (_, k) => k).filter(
        (k) => pick[Math.floor(k / 3)] === which
      ),
      (k) => cloud[k]
    )
  const join2 = (a: Float32Array, b: Float32Array) => {
    const out = new Float32Array(a.length + b.length)
    out.set(a)
    out.set(b, a.length)
    return out
  }
  const rows = [
    `| class | symmetric (mirror CD / noise) | ${cuts.map((c) => `cut x < ${c}: model | mirror`).join(' | ')} |`,
    `| --- | --- | ${cuts.map(() => '--- | ---').join(' | ')} |`
  ]
  const wins = cuts.map(() => ({ model: 0, mirror: 0, classes: 0 }))
  for (const [k, name] of index.classes.entries()) {
    const shapes: Float32Array[] = []
    index.labels.forEach((l, s) => {
      if (l === k && shapes.length < perClass) shapes.push(all.slice(s * n * 3, (s + 1) * n * 3))
    })
    // Symmetry: split each shape's points at random into halves A and B; CD(A, B) is the sampling
    // noise at that density, CD(A, mirror(B)) the same plus any asymmetry.
    let asym = 0
    let noise = 0
    for (const [s, t] of shapes.entries()) {
      const random = seededRandom(900 + s)
      const pick = Array.from({ length: n }, () => random() < 0.5)
      const a = side2(t, pick, true)
      const b = side2(t, pick, false)
      noise += chamferDistance(a, b)
      asym += chamferDistance(a, mirror(b))
    }
    const symmetric = asym <= 2 * noise
    const cells: string[] = []
    for (const [c, cut] of cuts.entries()) {
      let model = 0
      let mirrored = 0
      for (const [s, truth] of shapes.entries()) {
        const given = side(truth, (x) => x < cut)
        const input = bench.addInput(writePly({ points: given }))
        const run = await bench.run({
          task: 'point-cloud.complete',
          model: 'shapes-2k',
          partial: input,
          label: name,
          placement: 'as-is',
          count: 1,
          seed: 40 + s,
          trajectoryEvery: 0
        })
        const out = run.files.find((f) => f.artifact.role === 'output')!
        model += chamferDistance(Float32Array.from(readPointCloudFile(out.bytes).points), truth)
        mirrored += chamferDistance(join2(given, mirror(given)), truth)
      }
      model /= shapes.length
      mirrored /= shapes.length
      if (symmetric) {
        wins[c].classes++
        if (model < mirrored) wins[c].model++
        else wins[c].mirror++
      }
      cells.push(`${fmt(1000 * model, 2)} | ${fmt(1000 * mirrored, 2)}`)
      log(
        `completion ${name} cut ${cut}: model ${fmt(1000 * model, 2)}, mirror ${fmt(1000 * mirrored, 2)}`
      )
    }
    rows.push(
      `| ${name} | ${symmetric ? 'yes' : 'no'} (${fmt(asym / Math.max(noise, 1e-12), 2)}) | ${cells.join(' | ')} |`
    )
  }
  return (
    `### Completion (shapes-2k, ${perClass} held-out shapes per class)\n\n` +
    'The given part is every point of a held-out shape with x < c (in the model’s box); the studio’s ' +
    '`point-cloud.complete` makes the rest (placement as it is, the model’s default sampler); the mirror ' +
    'baseline is the given part and its reflection through x = 0, the classes’ symmetry plane. Chamfer ' +
    'distance to the whole held-out shape, ×10³ (lower is better). A class is symmetric when a random half ' +
    'of a shape’s points and the mirror image of the other half are within 2× the distance of the two ' +
    'halves as they are (the ratio is shown).\n\n' +
    rows.join('\n') +
    '\n\n' +
    cuts
      .map(
        (cut, c) =>
          `Cut x < ${cut}: the model is closer to the truth than mirroring on ${wins[c].model} of ${wins[c].classes} symmetric classes.`
      )
      .join(' ')
  )
}

/** A molecule set's EDM-protocol figures (bonds as given, usually perceived from distances). */
interface MoleculeScores {
  readonly n: number
  /** Σ stable atoms / Σ atoms, all atoms (EDM), and over the heavy atoms only. */
  readonly atomStability: number
  readonly heavyAtomStability: number
  readonly moleculeStability: number
  /** EDM: the largest fragment is valid. Whole: valid and one fragment. */
  readonly validity: number
  readonly wholeValidity: number
  readonly uniqueness: number
  readonly novelty: number
  /** Heavy atoms per molecule: mean, and the share with more than 9 (never in QM9). */
  readonly heavyMean: number
  readonly heavyOver9: number
  /** Molecules by heavy-atom count. */
  readonly heavyCounts: Map<number, number>
}

function scoreMolecules(molecules: readonly Molecule3D[], training?: TrainingSet): MoleculeScores {
  const set = moleculeSetMetrics(molecules, training)
  let atoms = 0
  let stableAtoms = 0
  let heavy = 0
  let stableHeavy = 0
  let stable = 0
  let whole = 0
  let over9 = 0
  const heavyCounts = new Map<number, number>()
  molecules.forEach((m, k) => {
    const st = atomStability(m)
    const heavyHere = m.elements.filter((e) => e !== 'H').length
    atoms += m.elements.length
    stableAtoms += st.stableCount
    heavy += heavyHere
    stableHeavy += st.stable.filter((ok, i) => ok && m.elements[i] !== 'H').length
    if (st.stableCount === m.elements.length && m.elements.length > 0) stable++
    const v = set.results[k]
    if (v.valid && v.fragmentCount === 1) whole++
    if (heavyHere > 9) over9++
    heavyCounts.set(heavyHere, (heavyCounts.get(heavyHere) ?? 0) + 1)
  })
  const n = molecules.length
  return {
    n,
    atomStability: stableAtoms / atoms,
    heavyAtomStability: stableHeavy / heavy,
    moleculeStability: stable / n,
    validity: set.validity,
    wholeValidity: whole / n,
    uniqueness: set.uniqueness,
    novelty: set.novelty ?? NaN,
    heavyMean: heavy / n,
    heavyOver9: over9 / n,
    heavyCounts
  }
}

/** Total variation distance between two count histograms (0 = the same distribution, 1 = disjoint). */
function histogramDistance(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number {
  const sum = (h: ReadonlyMap<number, number>) => [...h.values()].reduce((s, v) => s + v, 0)
  const [ta, tb] = [sum(a), sum(b)]
  let d = 0
  for (const k of new Set([...a.keys(), ...b.keys()]))
    d += Math.abs((a.get(k) ?? 0) / ta - (b.get(k) ?? 0) / tb)
  return d / 2
}

/**
 * The held-out reference conformers (RDKit ETKDG + MMFF94, explicit H) as a heavy-atom model sees them:
 * heavy atoms, each atom's hydrogen count, and the hydrogens re-placed by `addHydrogens`; bonds perceived
 * from the coordinates over all atoms. The same path as a generated molecule, so its figures are the
 * ceiling of the protocol for this data.
 */
function referenceMolecules(): { replaced: Molecule3D[]; asEmbedded: Molecule3D[] } {
  const records = readMoleculeFile(
    readFileSync(join(starter, 'qm9-mini-conf', 'heldout.sdf'))
  ).records
  const replaced: Molecule3D[] = []
  const asEmbedded: Molecule3D[] = []
  for (const { molecule: m } of records) {
    const isHeavy = (i: number) => m.elements[i] !== 'H'
    const { graph, atoms } = subgraph(m, isHeavy)
    const counts = Array.from(
      atoms,
      (i) =>
        m.bonds.filter(({ a, b }) => (a === i && !isHeavy(b)) || (b === i && !isHeavy(a))).length
    )
    const full = addHydrogens(
      { ...graph, bonds: perceiveBonds(graph.positions, graph.elements) },
      counts
    )
    replaced.push({ ...full, bonds: perceiveBonds(full.positions, full.elements) })
    asEmbedded.push({ ...m, bonds: perceiveBonds(m.positions, m.elements) })
  }
  return { replaced, asEmbedded }
}

async function molecules(
  bench: BenchRunner,
  options: ThreeDBenchOptions,
  log: (line: string) => void
): Promise<string> {
  if (!(await bench.has('qm9-mini-edm')))
    return '### Molecules\n\nSkipped: qm9-mini-edm is not installed.'
  const model = await bench.registry.resolve('qm9-mini-edm')
  const { manifest } = model
  const sample = manifest.sample as Extract<typeof manifest.sample, { kind: 'molecule' }>
  const heavyModel = heavyAtomModel(sample)
  const training = sample.trainingSmiles
    ? trainingSet(
        readFileSync(join(model.dir, sample.trainingSmiles), 'utf8')
          .split(/\r?\n/)
          .filter((l) => l.trim() !== '')
      )
    : undefined
  const batch = 50
  const generated: Molecule3D[] = []
  let seconds = 0
  for (let done = 0; done < options.molecules; done += batch) {
    const count = Math.min(batch, options.molecules - done)
    const run = await bench.run({
      task: 'molecule.generate',
      model: 'qm9-mini-edm',
      count,
      seed: 10_000 + done,
      trajectoryEvery: 0
    })
    seconds += run.seconds
    for (const { artifact, bytes } of run.files) {
      if (artifact.kind !== 'molecule' || artifact.role !== 'output') continue
      generated.push(readMoleculeFile(bytes).records[0].molecule)
    }
    log(`molecules: ${generated.length} of ${options.molecules}, ${fmt(seconds)} s`)
  }
  const scores = scoreMolecules(generated, training)
  const reference = referenceMolecules()
  const data = scoreMolecules(reference.replaced, training)
  const embedded = scoreMolecules(reference.asEmbedded, training)
  const trainingCounts = new Map(
    Object.entries(sample.atomCounts ?? {}).map(([k, v]) => [Number(k), v] as const)
  )
  const pct = (v: number) => (Number.isFinite(v) ? `${fmt(100 * v, 1)} %` : '—')
  const row = (label: string, s: MoleculeScores) =>
    `| ${label} | ${s.n} | ${pct(s.atomStability)} | ${pct(s.heavyAtomStability)} | ${pct(s.moleculeStability)} | ` +
    `${pct(s.validity)} | ${pct(s.wholeValidity)} | ${pct(s.uniqueness)} | ${pct(s.novelty)} | ` +
    `${fmt(s.heavyMean, 2)} | ${pct(s.heavyOver9)} |`
  const timed = await bench.run({
    task: 'molecule.generate',
    model: 'qm9-mini-edm',
    atoms: sample.maxAtoms,
    steps: 100,
    seed: 7,
    trajectoryEvery: 0
  })
  const met = (ok: boolean) => (ok ? 'met' : 'missed')
  return (
    `### Molecules (qm9-mini-edm, ${scores.n} generated)\n\n` +
    `Sampler: the model's default (${manifest.defaults.sampler}, ${manifest.defaults.steps} steps); atom counts ` +
    `drawn from the training histogram${heavyModel ? ' of heavy atoms; the model gives each heavy atom its hydrogen count and the studio places the hydrogens (VSEPR geometry, X–H bond lengths)' : ''}. ` +
    "Bonds are perceived from distances over all atoms with EDM's tables. " +
    '**Atom stability** = atoms whose bond orders sum to their valence (EDM; all atoms, and heavy atoms ' +
    'only — the stricter figure, since a placed hydrogen is almost always stable); molecule stability = ' +
    'every atom stable. **Validity (EDM)** = no atom over its valence and the *largest fragment* reads as a ' +
    'molecule (openchemlib), as EDM counts it; **whole validity** = valid *and* one connected fragment. ' +
    'Uniqueness over valid, novelty over unique valid (not among the training SMILES). "Data" rows: the ' +
    'held-out reference conformers (RDKit ETKDG + MMFF94) through the same measures.\n\n' +
    '| | molecules | atom stab. | heavy-atom stab. | mol. stab. | validity (EDM) | whole validity | uniqueness | novelty | heavy atoms (mean) | > 9 heavy |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n' +
    row('qm9-mini-edm (this studio)', scores) +
    '\n' +
    row('data, hydrogens re-placed (the model’s path)', data) +
    '\n' +
    row('data, as embedded (explicit H)', embedded) +
    '\n' +
    '| EDM on QM9 (Hoogeboom et al. 2022; explicit H, 10k samples) | | 98.7 % | | 82.0 % | 91.9 % | | 90.7 % (V×U) | | | |\n' +
    '| GeoLDM on QM9 (Xu et al. 2023; explicit H) | | 98.9 % | | 89.4 % | 93.8 % | | 92.7 % (V×U) | | | |\n\n' +
    `Heavy-atom counts: total variation distance between the generated and the training histogram ` +
    `${fmt(histogramDistance(scores.heavyCounts, heavyModel ? trainingCounts : data.heavyCounts), 3)} ` +
    `(0 = the same).\n\n` +
    `Targets (issue 17): heavy-atom stability ≥ 90 % — ${met(scores.heavyAtomStability >= 0.9)} ` +
    `(all atoms: ${met(scores.atomStability >= 0.9)}); whole validity ≥ 80 % — ` +
    `${met(scores.wholeValidity >= 0.8)}.\n\n` +
    `Time for all ${scores.n} with their metrics: ${fmt(seconds)} s (batches of ${batch}). One molecule of ` +
    `${sample.maxAtoms} ${heavyModel ? 'heavy ' : ''}atoms at 100 steps: ${fmt(timed.seconds)} s.`
  )
}

async function conformers(
  bench: BenchRunner,
  options: ThreeDBenchOptions,
  log: (line: string) => void
): Promise<string> {
  if (!(await bench.has('qm9-mini-conf')))
    return '### Conformers\n\nSkipped: qm9-mini-conf is not installed.'
  const folder = join(starter, 'qm9-mini-conf')
  const records = readMoleculeFile(readFileSync(join(folder, 'heldout.sdf'))).records
  const byMolecule = new Map<string, typeof records>()
  for (const r of records) {
    const id = r.data?.mol_id ?? r.name
    byMolecule.set(id, [...(byMolecule.get(id) ?? []), r])
  }
  const chosen = [...byMolecule.entries()].slice(0, options.conformerMolecules)
  const sums = { covR: 0, matR: 0, covP: 0, matP: 0 }
  let seconds = 0
  let conformerCount = 0
  let stereoKept = 0
  let stereoJudged = 0
  let bondsOff = 0
  let conformersOff = 0
  let worst = 0
  const lengthOf = (m: Molecule3D, a: number, b: number) =>
    Math.hypot(
      m.positions[3 * a] - m.positions[3 * b],
      m.positions[3 * a + 1] - m.positions[3 * b + 1],
      m.positions[3 * a + 2] - m.positions[3 * b + 2]
    )
  for (const [, refs] of chosen) {
    const first = refs[0].molecule
    const input = bench.addInput(
      Buffer.from(writeSdf([{ molecule: first, name: refs[0].name }]), 'utf8')
    )
    const run = await bench.run({
      task: 'molecule.conformer',
      model: 'qm9-mini-conf',
      molecule: input,
      count: 2 * refs.length,
      seed: 3,
      trajectoryEvery: 0
    })
    seconds += run.seconds
    // Heavy atoms, best over the graph's automorphisms (RDKit GetBestRMS after RemoveHs, as GeoDiff).
    const heavyOf = (m: Molecule3D) => subgraph(m, (i) => m.elements[i] !== 'H').graph
    const symmetries = automorphisms(heavyOf(first))
    const outputs = run.files
      .filter((f) => f.artifact.role === 'output')
      .map((f) => readMoleculeFile(f.bytes).records[0].molecule)
    const generated = outputs.map((m) => heavyOf(m).positions)
    const targets = refs.map((r) => heavyOf(r.molecule).positions)
    const matrix = new Float64Array(generated.length * refs.length)
    generated.forEach((g, i) =>
      targets.forEach((t, j) => (matrix[i * refs.length + j] = bestAlignedRmsd(g, t, symmetries)))
    )
    const c = conformerCoverage(matrix, generated.length, refs.length, 0.5)
    sums.covR += c.coverageRecall
    sums.matR += c.matchingRecall
    sums.covP += c.coveragePrecision
    sums.matP += c.matchingPrecision
    // Bonds against their force-field length: the mean over the MMFF94-optimised references.
    const reference = first.bonds.map(
      ({ a, b }) => refs.reduce((sum, r) => sum + lengthOf(r.molecule, a, b), 0) / refs.length
    )
    // Stereo: the input's (its 3D coordinates), heavy atoms, OCL parities.
    // Every centre and double bond the input's 3D coordinates define (OCL parity 1 or 2).
    const candidates: StereoElement[] = [
      ...first.elements.map((_, atom) => ({ kind: 'centre' as const, atom, parity: 1 as const })),
      ...first.bonds
        .filter(({ order }) => order === 2)
        .map(({ a, b }) => ({
          kind: 'double bond' as const,
          a: Math.min(a, b),
          b: Math.max(a, b),
          parity: 1 as const
        }))
    ]
    const wanted = perceiveStereo(first, first.positions, candidates).filter(
      (e): e is StereoElement => e.parity !== 0
    )
    for (const m of outputs) {
      conformerCount++
      let off = 0
      first.bonds.forEach(({ a, b }, k) => {
        const d = Math.abs(lengthOf(m, a, b) - reference[k])
        worst = Math.max(worst, d)
        if (d > 0.25) off++
      })
      bondsOff += off
      if (off > 0) conformersOff++
      if (wanted.length > 0) {
        stereoJudged++
        const got = perceiveStereo(first, m.positions, wanted)
        if (got.every((e, k) => e.parity === wanted[k].parity)) stereoKept++
      }
    }
    log(
      `conformers ${refs[0].data?.smiles ?? refs[0].name}: COV-R ${fmt(100 * c.coverageRecall, 0)} %`
    )
  }
  const m = chosen.length
  // RDKit's ETKDG on the same molecules (eval_conf.py --baseline-json, committed beside the model).
  let etkdg: { covR: number; matR: number; mmffCovR: number; mmffMatR: number } | undefined
  try {
    const b = JSON.parse(readFileSync(join(folder, 'etkdg-baseline.json'), 'utf8')) as {
      molecules: {
        mol_id: string
        etkdg: { cov_r: number; mat_r: number }
        etkdg_mmff: { cov_r: number; mat_r: number }
      }[]
    }
    const rows = chosen.map(([id]) => b.molecules.find((r) => r.mol_id === id))
    if (rows.every((r) => r !== undefined)) {
      const mean = (f: (r: (typeof b.molecules)[number]) => number) =>
        rows.reduce((s, r) => s + f(r!), 0) / rows.length
      etkdg = {
        covR: mean((r) => r.etkdg.cov_r),
        matR: mean((r) => r.etkdg.mat_r),
        mmffCovR: mean((r) => r.etkdg_mmff.cov_r),
        mmffMatR: mean((r) => r.etkdg_mmff.mat_r)
      }
    }
  } catch {
    etkdg = undefined
  }
  const pct = (v: number) => `${fmt(100 * v, 1)} %`
  const model = { covR: sums.covR / m, matR: sums.matR / m }
  const targets = etkdg
    ? `Targets (issue 17): COV-R at least ETKDG's (no force field) — ${model.covR >= etkdg.covR ? 'met' : 'missed'}; ` +
      `MAT-R at most ETKDG's — ${model.matR <= etkdg.matR ? 'met' : 'missed'}; no bond more than 0.25 Å off its ` +
      `force-field length — ${bondsOff === 0 ? 'met' : 'missed'}; stereo as in the input — ` +
      `${stereoKept === stereoJudged ? 'met' : 'missed'}.`
    : 'RDKit baseline: etkdg-baseline.json is missing (eval_conf.py --baseline-json).'
  return (
    `### Conformers (qm9-mini-conf, ${m} held-out molecules, 2× their reference conformers generated)\n\n` +
    "Sampler: the model's default. The input is each molecule's first reference (SDF, its 3D coordinates " +
    'fixing the stereo). RMSD over the heavy atoms after optimal superposition, the best over the heavy-atom ' +
    "graph's automorphisms (RDKit GetBestRMS after RemoveHs, GeoDiff's protocol), δ = 0.5 Å. RDKit rows: " +
    'ETKDGv3 from the isomeric SMILES, the same counts (`etkdg-baseline.json`, eval_conf.py --baseline-json). ' +
    'GEOM-QM9 means for scale (other molecules): GeoDiff as retrained by Torsional Diffusion 76.5 % / 0.297 Å, ' +
    'Torsional Diffusion 92.8 % / 0.178 Å, ET-Flow 96.5 % / 0.073 Å.\n\n' +
    '| | COV-R | MAT-R (Å) | COV-P | MAT-P (Å) | s per molecule |\n| --- | --- | --- | --- | --- | --- |\n' +
    `| qm9-mini-conf (this studio) | ${pct(model.covR)} | ${fmt(model.matR, 3)} | ${pct(sums.covP / m)} | ${fmt(sums.matP / m, 3)} | ${fmt(seconds / m)} |\n` +
    (etkdg
      ? `| RDKit ETKDGv3, no force field | ${pct(etkdg.covR)} | ${fmt(etkdg.matR, 3)} | | | |\n` +
        `| RDKit ETKDGv3 + MMFF94 (how the references were made) | ${pct(etkdg.mmffCovR)} | ${fmt(etkdg.mmffMatR, 3)} | | | |\n`
      : '') +
    `\nBonds: ${bondsOff} of the generated conformers' bonds are more than 0.25 Å off their force-field ` +
    `length (the mean over the MMFF94 references), in ${conformersOff} of ${conformerCount} conformers; the ` +
    `largest deviation is ${fmt(worst, 3)} Å. Stereo (R/S, E/Z of the input, OCL parities): ` +
    `${stereoKept} of ${stereoJudged} conformers of molecules with stereo keep it.\n\n` +
    targets
  )
}
