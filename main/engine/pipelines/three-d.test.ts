// Shapes and molecules through the real runtime on tiny stand-ins of the 3D contracts: outputs in every
// format, trajectories, batch metrics, completion keeping the partial cloud, conformers from SMILES.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePointTrajectory } from '../../contract'
import { ModelRegistry } from '../../models/registry'
import { writeTiny3dModel } from '../../onnx/testing/tiny-models'
import { InputStore } from '../../storage/inputs'
import { Runtime } from '../runtime'
import { inputValidators } from '../../codecs/input-validators'
import { readMoleculeFile } from '../../codecs/molecule-io'
import { readPointCloudFile } from '../../codecs/point-cloud-io'
import { writePly } from '../../codecs/ply'
import { ethanolWithoutHydrogens } from '../../codecs/testing/molfiles'
import { runJob } from './testing/run-job'

const work = mkdtempSync(join(tmpdir(), 'three-d-'))
const out = join(work, 'out')
const inputs = new InputStore(join(work, 'inputs'), inputValidators)
mkdirSync(out, { recursive: true })
const registry = new ModelRegistry({ starter: join(work, 'none'), user: join(work, 'models') })
let runtime: Runtime

beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 512 })
  writeTiny3dModel(join(work, 'models'), 'tiny-shapes', 'shapes')
  writeTiny3dModel(join(work, 'models'), 'tiny-edm', 'edm')
  writeTiny3dModel(join(work, 'models'), 'tiny-edm-heavy', 'edm-heavy')
  writeTiny3dModel(join(work, 'models'), 'tiny-conf', 'conformer')
})
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

const bench = () => ({ runtime, registry, outputDir: out, inputsDir: inputs.dir })
const artifactsOf = (updates: Awaited<ReturnType<typeof runJob>>['updates']) =>
  updates.flatMap((u) => (u.type === 'artifact' ? [u.artifact] : []))

describe('point clouds', () => {
  it('generate writes each format and a trajectory per output', async () => {
    for (const format of ['ply', 'obj', 'glb']) {
      const run = await runJob(
        bench(),
        {
          task: 'point-cloud.generate',
          label: 'Ball',
          count: 2,
          seed: 3,
          trajectoryEvery: 2,
          format
        },
        `shapes-${format}`
      )
      const artifacts = artifactsOf(run.updates)
      const outputs = artifacts.filter((a) => a.role === 'output')
      const trajectories = artifacts.filter((a) => a.role === 'trajectory')
      expect(outputs).toHaveLength(2)
      expect(trajectories.map((t) => t.of)).toEqual(outputs.map((o) => o.index))
      expect(outputs[0]).toMatchObject({ kind: 'point-cloud', points: 64, label: 'ball' })
      if (format !== 'glb') {
        const cloud = readPointCloudFile(readFileSync(outputs[1].path))
        expect(cloud.points.length).toBe(64 * 3)
        expect(JSON.parse(cloud.recipe!)).toMatchObject({ task: 'point-cloud.generate', seed: 4 })
      }
      const trajectory = decodePointTrajectory(readFileSync(trajectories[0].path))
      // 4 Euler steps, every 2nd kept (steps 0 and 2), the last step (3), and the final sample.
      expect([trajectory.frames, trajectory.points]).toEqual([4, 64])
      expect(trajectory.sigmas.at(-1)).toBe(0)
    }
  }, 60_000)

  it('coarse → dense: more points than the model makes adds a dense stage around the coarse shape', async () => {
    const run = await runJob(
      bench(),
      { task: 'point-cloud.generate', label: 'rod', points: 100, steps: 3, trajectoryEvery: 0 },
      'dense'
    )
    const [output] = artifactsOf(run.updates)
    const cloud = readPointCloudFile(readFileSync(output.path))
    expect(cloud.points.length).toBe(300)
    expect(JSON.parse(cloud.recipe!)).toMatchObject({ points: 100, coarsePoints: 64 })
    expect(run.updates.some((u) => u.type === 'step' && u.stage?.startsWith('dense stage'))).toBe(
      true
    )
    await expect(
      runJob(bench(), { task: 'point-cloud.generate', points: 32 }, 'fewer')
    ).rejects.toThrow(/64 points per shape/)
  }, 60_000)

  it('a batch gets MMD / COV / 1-NNA against held-out shapes when the model ships them', async () => {
    // The tiny model has no reference set: no metrics event, and nothing fails.
    const run = await runJob(
      bench(),
      { task: 'point-cloud.generate', label: 'cube', count: 2 },
      'nometrics'
    )
    expect(run.updates.some((u) => u.type === 'metrics')).toBe(false)
  }, 60_000)

  it('complete keeps every point of the partial cloud exactly and fills the rest', async () => {
    const partial = new Float32Array(20 * 3).map((_, k) => ((k * 37) % 17) / 10 - 0.8)
    const ref = (await inputs.add('point-cloud', writePly({ points: partial }), 'half.ply')).ref
    const run = await runJob(
      bench(),
      {
        task: 'point-cloud.complete',
        partial: ref,
        label: 'rod',
        seed: 1,
        steps: 4,
        samplerExtra: { jump_length: 2, resample_count: 2 }
      },
      'complete'
    )
    const [output] = artifactsOf(run.updates).filter((a) => a.role === 'output')
    const cloud = readPointCloudFile(readFileSync(output.path)).points
    expect(cloud.length).toBe(64 * 3)
    expect(Array.from(cloud.subarray(0, 60))).toEqual(Array.from(partial))
  }, 60_000)

  it('map coordinates in PLY double come back bit for bit, in double, in every text and binary format', async () => {
    // x ≈ 500 000 m, y ≈ 4.6·10⁶ m with millimetres: float32 would move them by up to 0.25 m.
    const partial = Float64Array.from({ length: 20 * 3 }, (_, k) =>
      k % 3 === 0 ? 500_000.123 + k * 0.731 : k % 3 === 1 ? 4_600_000.457 - k * 0.377 : 12.001 * k
    )
    expect(Array.from(partial).some((v) => Math.fround(v) !== v)).toBe(true)
    const ref = (await inputs.add('point-cloud', writePly({ points: partial }), 'map.ply')).ref
    for (const format of ['ply', 'obj']) {
      const run = await runJob(
        bench(),
        { task: 'point-cloud.complete', partial: ref, label: 'rod', seed: 2, steps: 3, format },
        `map-${format}`
      )
      const [output] = artifactsOf(run.updates).filter((a) => a.role === 'output')
      const bytes = readFileSync(output.path)
      if (format === 'ply') expect(bytes.toString('latin1')).toContain('property double x')
      const file = readPointCloudFile(bytes)
      expect(file.precision).toBe('float64')
      expect(Array.from(file.points.subarray(0, 60))).toEqual(Array.from(partial))
      // The generated points are in the partial's frame (around it, not at the origin).
      expect(Math.abs(file.points[60] - 500_000)).toBeLessThan(100)
    }
  }, 60_000)

  it('auto placement keeps a part that lies in the model box as it is, and normalises one outside it, saying so', async () => {
    const part = new Float32Array(20 * 3).map((_, k) => ((k * 37) % 17) / 20 - 0.8) // x, y, z in [−0.8, 0]
    const placedOf = async (points: Float32Array, name: string) => {
      const ref = (await inputs.add('point-cloud', writePly({ points }), `${name}.ply`)).ref
      const run = await runJob(
        bench(),
        { task: 'point-cloud.complete', partial: ref, seed: 1, steps: 2 },
        name
      )
      const [output] = artifactsOf(run.updates).filter((a) => a.role === 'output')
      const file = readPointCloudFile(readFileSync(output.path))
      expect(Array.from(file.points.subarray(0, points.length))).toEqual(Array.from(points))
      const warned = run.updates.some(
        (u) => u.type === 'warning' && /outside the model's box/.test(u.message)
      )
      return { placed: (JSON.parse(file.recipe ?? '{}') as { placed?: string }).placed, warned }
    }
    expect(await placedOf(part, 'inside')).toEqual({ placed: 'as-is', warned: false })
    expect(
      await placedOf(
        part.map((v) => 10 * v),
        'outside'
      )
    ).toEqual({
      placed: 'normalise',
      warned: true
    })
  }, 60_000)

  it('starts the missing points from the part’s mirror image on a mirror-symmetric model, from noise otherwise', async () => {
    const part = new Float32Array(20 * 3).map((_, k) => ((k * 37) % 17) / 20 - 0.8) // in the box, x < 0
    const ref = (await inputs.add('point-cloud', writePly({ points: part }), 'left.ply')).ref
    const recipeOf = async (extra: Record<string, unknown>, name: string) => {
      const run = await runJob(
        bench(),
        {
          task: 'point-cloud.complete',
          partial: ref,
          seed: 2,
          steps: 4,
          samplerExtra: { jump_length: 1, resample_count: 1 },
          ...extra
        },
        name
      )
      const [output] = artifactsOf(run.updates).filter((a) => a.role === 'output')
      const file = readPointCloudFile(readFileSync(output.path))
      expect(Array.from(file.points.subarray(0, part.length))).toEqual(Array.from(part))
      const steps = run.updates.filter((u) => u.type === 'step').length
      const r = JSON.parse(file.recipe ?? '{}') as { started?: string; stepsRun?: number }
      return { started: r.started, stepsRun: r.stepsRun, steps }
    }
    // The tiny model declares x = 0 as its mirror plane; a part in its box is taken as it is.
    expect(await recipeOf({}, 'auto')).toEqual({ started: 'mirror', stepsRun: 2, steps: 2 })
    expect(await recipeOf({ strength: 0.75 }, 'auto75')).toEqual({
      started: 'mirror',
      stepsRun: 3,
      steps: 3
    })
    expect(await recipeOf({ start: 'noise' }, 'noise')).toEqual({
      started: 'noise',
      stepsRun: 4,
      steps: 4
    })
    expect(await recipeOf({ placement: 'normalise' }, 'normalised')).toEqual({
      started: 'noise',
      stepsRun: 4,
      steps: 4
    })
    // A model without a mirror plane refuses a mirror start by name.
    const manifest = writeTiny3dModel(join(work, 'models'), 'tiny-shapes-asym', 'shapes')
    writeFileSync(
      join(work, 'models', 'tiny-shapes-asym', 'manifest.json'),
      JSON.stringify({ ...manifest, sample: { ...manifest.sample, symmetry: 'none' } })
    )
    await expect(
      runJob(
        bench(),
        { task: 'point-cloud.complete', model: 'tiny-shapes-asym', partial: ref, start: 'mirror' },
        'asym'
      )
    ).rejects.toThrow(/declares no mirror plane/)
  }, 60_000)

  it('a partial cloud larger than half the model is subsampled, saying so; an empty one is refused', async () => {
    const big = new Float32Array(100 * 3).map((_, k) => Math.sin(k))
    const ref = (await inputs.add('point-cloud', writePly({ points: big }), 'big.ply')).ref
    const run = await runJob(
      bench(),
      { task: 'point-cloud.complete', partial: ref, steps: 2 },
      'big'
    )
    expect(run.updates.some((u) => u.type === 'warning' && /at most 32/.test(u.message))).toBe(true)
  }, 60_000)
})

describe('molecules', () => {
  it('generate draws atom counts from the histogram, masks padding, measures the batch', async () => {
    const run = await runJob(
      bench(),
      {
        task: 'molecule.generate',
        model: 'tiny-edm',
        count: 4,
        seed: 2,
        steps: 3,
        trajectoryEvery: 1
      },
      'mols'
    )
    const artifacts = artifactsOf(run.updates)
    const outputs = artifacts.filter((a) => a.role === 'output')
    expect(outputs).toHaveLength(4)
    for (const o of outputs) {
      if (o.kind !== 'molecule') throw new Error('not a molecule')
      expect([3, 5, 9]).toContain(o.atoms)
      const { records } = readMoleculeFile(readFileSync(o.path))
      expect(records[0].molecule.elements).toHaveLength(o.atoms)
      expect(typeof o.valid).toBe('boolean')
      // Whole-molecule validity is EDM's (largest fragment) and one fragment.
      expect(o.fragments).toBeGreaterThanOrEqual(1)
      expect(o.valid).toBe(o.largestFragmentValid === true && o.fragments === 1)
      expect(o.atomStability).toBeGreaterThanOrEqual(0)
    }
    const metrics = run.updates.find((u) => u.type === 'metrics')
    expect(metrics?.type === 'metrics' && Object.keys(metrics.metrics)).toEqual(
      expect.arrayContaining([
        'validity',
        'whole-molecule validity',
        'atom stability',
        'molecule stability'
      ])
    )
    const trajectory = artifacts.find((a) => a.role === 'trajectory')!
    const frames = readMoleculeFile(readFileSync(trajectory.path)).records
    expect(frames).toHaveLength(4)
    expect(frames[0].name).toMatch(/sigma=/)
  }, 60_000)

  it('refuses more atoms than the model takes, naming the limit', async () => {
    await expect(
      runJob(bench(), { task: 'molecule.generate', model: 'tiny-edm', atoms: 40 }, 'x')
    ).rejects.toThrow(/at most 12 atoms/)
    await expect(
      runJob(bench(), { task: 'molecule.generate', model: 'tiny-edm-heavy', atoms: 10 }, 'x')
    ).rejects.toThrow(/at most 9 heavy atoms \(it adds the hydrogens\)/)
  })

  it('a heavy-atom model draws heavy-atom counts and gets its hydrogens placed at X–H lengths', async () => {
    const run = await runJob(
      bench(),
      {
        task: 'molecule.generate',
        model: 'tiny-edm-heavy',
        count: 6,
        seed: 4,
        steps: 3,
        trajectoryEvery: 1
      },
      'heavy'
    )
    const artifacts = artifactsOf(run.updates)
    const outputs = artifacts.filter((a) => a.role === 'output')
    expect(outputs).toHaveLength(6)
    let hydrogens = 0
    for (const o of outputs) {
      if (o.kind !== 'molecule') throw new Error('not a molecule')
      const m = readMoleculeFile(readFileSync(o.path)).records[0].molecule
      const heavy = m.elements.flatMap((e, i) => (e === 'H' ? [] : [i]))
      expect([2, 4, 7]).toContain(heavy.length)
      // Heavy atoms first (the model's), then each one's hydrogens.
      expect(m.elements.slice(0, heavy.length).every((e) => ['C', 'N', 'O', 'F'].includes(e))).toBe(
        true
      )
      expect(o.atoms).toBe(m.elements.length)
      for (let h = heavy.length; h < m.elements.length; h++) {
        hydrogens++
        expect(m.elements[h]).toBe('H')
        // Some heavy atom holds it at exactly its X–H length (C 1.09, N 1.01, O 0.96, F 0.92 Å).
        const length: Record<string, number> = { C: 1.09, N: 1.01, O: 0.96, F: 0.92 }
        const held = heavy.some((i) => {
          const d = Math.hypot(
            ...[0, 1, 2].map((c) => m.positions[3 * h + c] - m.positions[3 * i + c])
          )
          return Math.abs(d - length[m.elements[i]]) < 1e-3 // SDF keeps 4 decimals
        })
        expect(held).toBe(true)
      }
    }
    expect(hydrogens).toBeGreaterThan(0)
    const trajectory = artifacts.find((a) => a.role === 'trajectory')!
    const frames = readMoleculeFile(readFileSync(trajectory.path)).records
    expect(frames).toHaveLength(4)
  }, 60_000)

  it('conformers of a SMILES keep its graph (bonds, hydrogens) for every conformer', async () => {
    const run = await runJob(
      bench(),
      { task: 'molecule.conformer', smiles: 'CC(=O)O', count: 3, seed: 5 },
      'conf'
    )
    const outputs = artifactsOf(run.updates).filter((a) => a.role === 'output')
    expect(outputs).toHaveLength(3)
    const { records } = readMoleculeFile(readFileSync(outputs[0].path))
    const m = records[0].molecule
    expect(m.elements.filter((e) => e === 'H')).toHaveLength(4)
    expect(m.bonds.filter((b) => b.order === 2)).toHaveLength(1)
    expect(m.elements).toHaveLength(8)
  }, 60_000)

  it('conformers of a MOL/SDF graph keep its atom order; neither or both molecule sources is refused', async () => {
    const sdf = [
      'water',
      '  test',
      '',
      '  3  2  0  0  0  0  0  0  0  0999 V2000',
      '    0.0000    0.0000    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0',
      '    0.9600    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
      '    1.2000    0.9300    0.0000 H   0  0  0  0  0  0  0  0  0  0  0  0',
      '  1  2  1  0',
      '  2  3  1  0',
      'M  END',
      '$$$$',
      ''
    ].join('\n')
    const ref = (await inputs.add('molecule', Buffer.from(sdf), 'water.sdf')).ref
    const run = await runJob(
      bench(),
      { task: 'molecule.conformer', molecule: ref, count: 2 },
      'water'
    )
    const [output] = artifactsOf(run.updates).filter((a) => a.role === 'output')
    expect(readMoleculeFile(readFileSync(output.path)).records[0].molecule.elements).toEqual([
      'H',
      'O',
      'H'
    ])
    await expect(runJob(bench(), { task: 'molecule.conformer' }, 'none')).rejects.toThrow(
      /a SMILES or a MOL\/SDF file/
    )
  }, 60_000)

  it('a model that is not E(3)-equivariant gets no mirrored conformers: wrong stereo is redrawn, then said', async () => {
    const run = await runJob(
      bench(),
      { task: 'molecule.conformer', smiles: 'N[C@@H](C)C(=O)O', count: 3, seed: 2, steps: 3 },
      'chiral'
    )
    const outputs = artifactsOf(run.updates).filter((a) => a.role === 'output')
    const warnings = run.updates.flatMap((u) => (u.type === 'warning' ? [u.message] : []))
    expect(warnings.join(' ')).not.toMatch(/reflected/)
    outputs.forEach((output, b) => {
      const recipe = JSON.parse(readMoleculeFile(readFileSync(output.path)).records[0].recipe!)
      expect(recipe.stereo.reflected).toBeUndefined()
      if (recipe.stereo.kept) return
      expect(recipe.stereo.lost).toEqual(['the stereo centre at C2'])
      expect(warnings).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^Conformer ${b + 1} \\(seed \\d+\\) does not keep the stereo centre at C2 .*after 3 redraws`
          )
        )
      )
    })
  }, 60_000)

  it('an SDF without hydrogens gets them (noted on the input); a counts line that lies is refused', async () => {
    const heavy = [...ethanolWithoutHydrogens, '$$$$', '']
    const info = await inputs.add('molecule', Buffer.from(heavy.join('\n')), 'ethanol.sdf')
    expect(info.notes).toEqual([
      "6 hydrogens were added to 3 atoms whose hydrogens the file leaves implicit (openchemlib's valence rules): conformers see every atom, 9 in all, as from a SMILES."
    ])
    const run = await runJob(
      bench(),
      { task: 'molecule.conformer', molecule: info.ref, count: 1 },
      'ethanol'
    )
    const [output] = artifactsOf(run.updates).filter((a) => a.role === 'output')
    const m = readMoleculeFile(readFileSync(output.path)).records[0].molecule
    expect(m.elements).toEqual(['C', 'C', 'O', 'H', 'H', 'H', 'H', 'H', 'H'])
    const lying = [
      ...heavy.slice(0, 3),
      '  2  2  0  0  0  0  0  0  0  0999 V2000',
      ...heavy.slice(4)
    ]
    await expect(
      inputs.add('molecule', Buffer.from(lying.join('\n')), 'lying.sdf')
    ).rejects.toThrow(/has more atoms than its counts line says 2 atoms and 2 bonds/)
  }, 60_000)

  it('bad SMILES and unsupported elements are typed errors naming the problem', async () => {
    await expect(
      runJob(bench(), { task: 'molecule.conformer', smiles: 'C1CC' }, 'bad')
    ).rejects.toMatchObject({ code: 'bad-input' })
    await expect(
      runJob(bench(), { task: 'molecule.conformer', smiles: 'CCCl' }, 'cl')
    ).rejects.toThrow(/Cl/)
    // openchemlib alone would read "C(" as methane.
    await expect(
      runJob(bench(), { task: 'molecule.conformer', smiles: 'C(' }, 'open')
    ).rejects.toThrow(/The SMILES "C\(" has a branch "\(" that is never closed/)
  })
})
