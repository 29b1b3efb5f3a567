// Conformers on the starter model (qm9-mini-conf, E(3)-equivariant) through the real runtime: every
// stereo element of the input comes back, checked from the output files' coordinates by openchemlib
// (CIP, numbering-independent) and by signed volumes; molecules past the training range are warned.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConformerGenerator, Molecule, Resources } from 'openchemlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EngineJobUpdate } from '../../../contract'
import { ModelRegistry } from '../../../models/registry'
import { modelRoots } from '../../../platform/paths'
import { Runtime } from '../../runtime'
import { inputValidators } from '../../../codecs/input-validators'
import { readMoleculeFile } from '../../../codecs/molecule-io'
import { writeSdf } from '../../../codecs/molfile'
import { InputStore } from '../../../storage/inputs'
import { runJob } from '../testing/run-job'

const work = mkdtempSync(join(tmpdir(), 'conformer-'))
const out = join(work, 'out')
mkdirSync(out, { recursive: true })
const registry = new ModelRegistry({ starter: modelRoots().starter, user: join(work, 'none') })
let runtime: Runtime

beforeAll(async () => {
  Resources.registerFromNodejs()
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 512 })
})
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

const bench = () => ({ runtime, registry, outputDir: out })

async function conformers(smiles: string, count: number, seed: number, stem: string) {
  const run = await runJob(
    bench(),
    { task: 'molecule.conformer', model: 'qm9-mini-conf', smiles, count, seed, steps: 18 },
    stem
  )
  const files = run.updates
    .flatMap((u: EngineJobUpdate) =>
      u.type === 'artifact' && u.artifact.role === 'output' ? [u.artifact] : []
    )
    .map((a) => readFileSync(a.path, 'utf8'))
  const warnings = run.updates.flatMap((u) => (u.type === 'warning' ? [u.message] : []))
  return { files, warnings, validation: run.warnings }
}

/** (a − o) · ((b − o) × (c − o)) of atoms o, a, b, c of a molecule's positions. */
function signedVolume(p: Float32Array, o: number, a: number, b: number, c: number): number {
  const v = (i: number) => [0, 1, 2].map((k) => p[i * 3 + k] - p[o * 3 + k])
  const [x, y, z] = [v(a), v(b), v(c)]
  return (
    x[0] * (y[1] * z[2] - y[2] * z[1]) -
    x[1] * (y[0] * z[2] - y[2] * z[0]) +
    x[2] * (y[0] * z[1] - y[1] * z[0])
  )
}

describe("conformers keep the input's stereo", () => {
  it('L-alanine: all 8 conformers are S (CIP from the output coordinates), mirrored where needed and said so', async () => {
    const smiles = 'N[C@@H](C)C(=O)O' // atoms N0, Cα1, Cβ2, C'3: the SMILES order, kept in the file
    // The sign of N, C', Cβ about Cα in an openchemlib conformer of L-alanine (which keeps R/S).
    const reference = new ConformerGenerator(3).getOneConformerAsMolecule(
      Molecule.fromSmiles(smiles)
    )!
    const ref = Float32Array.from({ length: 4 * 3 }, (_, k) =>
      [reference.getAtomX, reference.getAtomY, reference.getAtomZ][k % 3].call(
        reference,
        Math.floor(k / 3)
      )
    )
    const lSign = Math.sign(signedVolume(ref, 1, 0, 3, 2))
    const { files, warnings } = await conformers(smiles, 8, 1, 'l-ala')
    expect(files).toHaveLength(8)
    for (const text of files) {
      const mol = Molecule.fromMolfile(text)
      mol.ensureHelperArrays(Molecule.cHelperCIP)
      expect(mol.getAtomCIPParity(1)).toBe(Molecule.cAtomCIPParitySorP)
      const p = readMoleculeFile(Buffer.from(text)).records[0].molecule.positions
      expect(Math.sign(signedVolume(p, 1, 0, 3, 2))).toBe(lSign)
      const recipe = JSON.parse(readMoleculeFile(Buffer.from(text)).records[0].recipe!)
      expect(recipe.stereo).toMatchObject({ elements: 1, kept: true })
    }
    // The model has no handedness of its own: some came out as D and were mirrored, which is said.
    expect(warnings.join(' ')).toMatch(
      /of 8 conformers came out as the mirror image .* reflected to keep its stereo/
    )
    // D-alanine the other way.
    const d = await conformers('N[C@H](C)C(=O)O', 4, 1, 'd-ala')
    for (const text of d.files) {
      const p = readMoleculeFile(Buffer.from(text)).records[0].molecule.positions
      expect(Math.sign(signedVolume(p, 1, 0, 3, 2))).toBe(-lSign)
    }
  }, 120_000)

  it('an SDF of L-alanine in 3D without its hydrogens: hydrogens added, every conformer S', async () => {
    const mol = new ConformerGenerator(5).getOneConformerAsMolecule(
      Molecule.fromSmiles('N[C@@H](C)C(=O)O')
    )!
    const heavy = Array.from({ length: 6 }, (_, i) => i)
    const molecule = {
      elements: heavy.map((i) => mol.getAtomLabel(i)),
      positions: Float32Array.from(
        heavy.flatMap((i) => [mol.getAtomX(i), mol.getAtomY(i), mol.getAtomZ(i)])
      ),
      bonds: Array.from({ length: mol.getAllBonds() }, (_, k) => ({
        a: mol.getBondAtom(0, k),
        b: mol.getBondAtom(1, k),
        order: mol.getBondOrder(k) as 1 | 2
      })).filter(({ a, b }) => a < 6 && b < 6)
    }
    const inputs = new InputStore(join(work, 'inputs'), inputValidators)
    const info = await inputs.add('molecule', Buffer.from(writeSdf([{ molecule }])), 'l-ala.sdf')
    expect(info.notes.join(' ')).toMatch(/7 hydrogens were added to 4 atoms/)
    const run = await runJob(
      { ...bench(), inputsDir: inputs.dir },
      { task: 'molecule.conformer', model: 'qm9-mini-conf', molecule: info.ref, count: 4, seed: 4 },
      'l-ala-sdf'
    )
    const outputs = run.updates.flatMap((u) =>
      u.type === 'artifact' && u.artifact.role === 'output' ? [u.artifact] : []
    )
    expect(outputs).toHaveLength(4)
    for (const o of outputs) {
      const text = readFileSync(o.path, 'utf8')
      expect(readMoleculeFile(Buffer.from(text)).records[0].molecule.elements).toHaveLength(13)
      const back = Molecule.fromMolfile(text)
      back.ensureHelperArrays(Molecule.cHelperCIP)
      expect(back.getAtomCIPParity(1)).toBe(Molecule.cAtomCIPParitySorP)
    }
  }, 120_000)

  it('E/Z: (E)-but-2-ene comes back E or the job says which conformer could not keep it', async () => {
    const { files, warnings } = await conformers('C/C=C/C', 6, 2, 'butene')
    let kept = 0
    files.forEach((text, b) => {
      const record = readMoleculeFile(Buffer.from(text)).records[0]
      const mol = Molecule.fromMolfile(text)
      mol.ensureHelperArrays(Molecule.cHelperCIP)
      const bond = mol.getBond(1, 2)
      const e = mol.getBondCIPParity(bond) === Molecule.cBondCIPParityEorP
      const recipe = JSON.parse(record.recipe!)
      expect(recipe.stereo.kept).toBe(e)
      if (e) kept++
      else expect(warnings.join(' ')).toContain(`Conformer ${b + 1} (seed`)
    })
    expect(kept).toBeGreaterThanOrEqual(5)
  }, 120_000)

  it('caffeine (14 heavy atoms) is warned with the trained range of 9; ibuprofen (33 atoms) is refused', async () => {
    const caffeine = await conformers('CN1C=NC2=C1C(=O)N(C(=O)N2C)C', 1, 1, 'caffeine')
    expect(caffeine.validation.join(' ')).toMatch(
      /has 14 heavy atoms \(not hydrogen\); model "qm9-mini-conf" was trained on QM9 molecules of at most 9/
    )
    await expect(conformers('CC(C)Cc1ccc(cc1)C(C)C(=O)O', 1, 1, 'ibuprofen')).rejects.toThrow(
      /33 atoms with its hydrogens; the limit is 29/
    )
  }, 120_000)
})
