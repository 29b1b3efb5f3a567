// Outputs re-encoded for download (the `exportArtifacts` verb): shapes as PLY (binary/ASCII), OBJ, GLB;
// molecules as SDF/XYZ (several in one file) or PDB (one file each). The recipe travels along.
import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { StudioError, type VerbRequestParsed, type VerbResponse } from '../contract'
import { readMoleculeFile, writeMoleculeFile } from '../codecs/molecule-io'
import { readPointCloudFile, writePointCloudFile } from '../codecs/point-cloud-io'
import { artifactFile } from './artifacts'
import type { Studio } from './studio'

type Request = VerbRequestParsed<'exportArtifacts'>
type Response = VerbResponse<'exportArtifacts'>

const shapeFormats = new Set(['ply', 'ply-ascii', 'obj', 'glb'])

/**
 * The job's outputs `indices` in `format`.
 * @throws StudioError unknown-job / not-found for a missing output, invalid-request for a format that does
 *   not fit the output's kind or an output that is not a shape or molecule.
 */
export async function exportArtifacts(
  studio: Pick<Studio, 'queue' | 'outputDir'>,
  { jobId, indices, format }: Request
): Promise<Response> {
  const job = studio.queue.get(jobId)
  if (!job) throw new StudioError('unknown-job', `No job has id "${jobId.slice(0, 64)}".`)
  const files = await Promise.all(
    indices.map(async (index) => {
      const served = artifactFile(studio, jobId, index)
      const artifact = job.artifacts.find((a) => a.index === index)!
      return { artifact, served, bytes: await readFile(served.path) }
    })
  )
  const kinds = new Set(files.map((f) => f.artifact.kind))
  if (kinds.size !== 1) {
    throw new StudioError('invalid-request', 'Export shapes and molecules separately.')
  }
  const [kind] = kinds
  const stem = (name: string) => basename(name, extname(name))
  if (kind === 'point-cloud') {
    if (!shapeFormats.has(format)) {
      throw new StudioError('invalid-request', `Shapes export as PLY, OBJ or GLB, not ${format}.`)
    }
    return files.map(({ served, bytes }) => {
      const cloud = readPointCloudFile(bytes, { hint: served.name })
      const out = writePointCloudFile(
        format === 'ply-ascii' ? 'ply' : (format as 'ply' | 'obj' | 'glb'),
        cloud,
        { ...(cloud.recipe ? { recipe: cloud.recipe } : {}), ascii: format === 'ply-ascii' }
      )
      return { name: `${stem(served.name)}.${out.ext}`, mime: out.mime, bytes: out.bytes }
    })
  }
  if (kind === 'molecule') {
    if (shapeFormats.has(format)) {
      throw new StudioError(
        'invalid-request',
        `Molecules export as SDF, XYZ or PDB, not ${format}.`
      )
    }
    const records = files.flatMap(({ served, bytes }) =>
      readMoleculeFile(bytes, { hint: served.name }).records.map((r) => ({
        molecule: r.molecule,
        name: r.name,
        ...(r.recipe ? { recipe: r.recipe } : {})
      }))
    )
    const target = format as 'sdf' | 'xyz' | 'pdb'
    if (target === 'pdb') {
      return records.map((record, k) => {
        const out = writeMoleculeFile('pdb', [record])
        return {
          name: `${stem(files[Math.min(k, files.length - 1)].served.name)}.pdb`,
          mime: out.mime,
          bytes: out.bytes
        }
      })
    }
    const out = writeMoleculeFile(target, records)
    const name =
      files.length === 1
        ? stem(files[0].served.name)
        : `${jobId.slice(0, 8)}-${files.length}-molecules`
    return [{ name: `${name}.${out.ext}`, mime: out.mime, bytes: out.bytes }]
  }
  throw new StudioError('invalid-request', `Outputs of kind ${kind} are downloaded as they are.`)
}
