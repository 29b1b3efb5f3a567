import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Artifact, JobRecord } from '../contract'
import { readMoleculeFile } from '../codecs/molecule-io'
import { readPointCloudFile } from '../codecs/point-cloud-io'
import { writePly } from '../codecs/ply'
import { writeSdf } from '../codecs/molfile'
import { exportArtifacts } from './export'
import type { Studio } from './studio'

const dir = mkdtempSync(join(tmpdir(), 'export-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function studioWith(artifacts: Artifact[]): Pick<Studio, 'outputDir' | 'queue'> {
  const job = { id: 'job1', artifacts } as unknown as JobRecord
  const queue = { get: (id: string) => (id === 'job1' ? job : undefined) }
  return { outputDir: dir, queue: queue as unknown as Studio['queue'] }
}

const cloud = Float32Array.from({ length: 30 }, (_, k) => k / 10)
const water = {
  elements: ['O', 'H', 'H'],
  bonds: [
    { a: 0, b: 1, order: 1 as const },
    { a: 0, b: 2, order: 1 as const }
  ],
  positions: Float32Array.from([0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0])
}
writeFileSync(join(dir, 'shape.ply'), writePly({ points: cloud }, { recipe: '{"seed":1}' }))
writeFileSync(
  join(dir, 'a.sdf'),
  writeSdf([{ molecule: water, name: 'water', recipe: '{"seed":2}' }])
)
writeFileSync(join(dir, 'b.sdf'), writeSdf([{ molecule: water, name: 'water 2' }]))
const base = { mime: '', role: 'output' as const }
const shape: Artifact = {
  ...base,
  kind: 'point-cloud',
  index: 0,
  path: join(dir, 'shape.ply'),
  points: 10,
  colors: false
}
const molA: Artifact = { ...base, kind: 'molecule', index: 1, path: join(dir, 'a.sdf'), atoms: 3 }
const molB: Artifact = { ...base, kind: 'molecule', index: 2, path: join(dir, 'b.sdf'), atoms: 3 }

describe('exportArtifacts', () => {
  it('re-encodes a shape in each format, the recipe kept, the points exact', async () => {
    const studio = studioWith([shape])
    for (const format of ['ply', 'ply-ascii', 'obj'] as const) {
      const [file] = await exportArtifacts(studio, { jobId: 'job1', indices: [0], format })
      const back = readPointCloudFile(file.bytes)
      expect(Array.from(back.points)).toEqual(Array.from(cloud))
      expect(back.recipe).toBe('{"seed":1}')
    }
    const [glb] = await exportArtifacts(studio, { jobId: 'job1', indices: [0], format: 'glb' })
    expect(glb.name).toBe('shape.glb')
    expect(Buffer.from(glb.bytes).toString('latin1', 0, 4)).toBe('glTF')
  })

  it('puts several molecules in one SDF or XYZ file and writes one PDB each', async () => {
    const studio = studioWith([molA, molB])
    const [sdf] = await exportArtifacts(studio, { jobId: 'job1', indices: [1, 2], format: 'sdf' })
    const records = readMoleculeFile(sdf.bytes).records
    expect(records.map((r) => r.name)).toEqual(['water', 'water 2'])
    expect(records[0].recipe).toBe('{"seed":2}')
    expect(records[1].molecule.bonds).toHaveLength(2)
    const [xyz] = await exportArtifacts(studio, { jobId: 'job1', indices: [1, 2], format: 'xyz' })
    expect(readMoleculeFile(xyz.bytes).records).toHaveLength(2)
    const pdbs = await exportArtifacts(studio, { jobId: 'job1', indices: [1, 2], format: 'pdb' })
    expect(pdbs.map((f) => f.name)).toEqual(['a.pdb', 'b.pdb'])
  })

  it('refuses formats of the other kind, mixed kinds, unknown jobs and outputs', async () => {
    const studio = studioWith([shape, molA])
    await expect(
      exportArtifacts(studio, { jobId: 'job1', indices: [0], format: 'sdf' })
    ).rejects.toThrow(/PLY, OBJ or GLB/)
    await expect(
      exportArtifacts(studio, { jobId: 'job1', indices: [1], format: 'glb' })
    ).rejects.toThrow(/SDF, XYZ or PDB/)
    await expect(
      exportArtifacts(studio, { jobId: 'job1', indices: [0, 1], format: 'ply' })
    ).rejects.toThrow(/separately/)
    await expect(
      exportArtifacts(studio, { jobId: 'nope', indices: [0], format: 'ply' })
    ).rejects.toMatchObject({
      code: 'unknown-job'
    })
    await expect(
      exportArtifacts(studio, { jobId: 'job1', indices: [9], format: 'ply' })
    ).rejects.toMatchObject({
      code: 'not-found'
    })
  })
})
