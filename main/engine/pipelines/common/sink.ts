// Where pipelines hand their outputs: the sink names the file, writes it atomically (temporary file,
// fsync, rename) and reports the artifact. Pipelines never write files themselves.
import { join } from 'node:path'
import type { Artifact, EngineJobUpdate } from '../../../contract'
import { writeFileAtomic } from '../../../platform/atomic-file'

type Managed = 'index' | 'path' | 'mime' | 'bytes' | 'role' | 'of'
/** An artifact's kind-specific fields (what the UI shows before it loads the file). */
export type ArtifactMeta = (Artifact extends infer A
  ? A extends Artifact
    ? Omit<A, Managed>
    : never
  : never) & {
  readonly role?: Artifact['role']
  readonly of?: number
}

export interface OutputFile {
  /** Which output of the job (0-based) and how many there are: `<stem>.<ext>`, or `<stem>-<b+1>.<ext>`. */
  readonly output: number
  readonly outputs: number
  readonly ext: string
  readonly mime: string
  readonly bytes: Uint8Array
  /**
   * A side file of that output (its trajectory), named from the whole output name, so outputs that differ
   * only in their extension never share one: `<stem>.sdf` → `<stem>.sdf.trajectory.xyz`.
   */
  readonly side?: { readonly name: string; readonly of: string }
}

/** The file name of output `output` of `outputs`, or of its side file: see OutputFile. */
export function outputFileName(
  fileStem: string,
  file: Pick<OutputFile, 'output' | 'outputs' | 'ext' | 'side'>
): string {
  const numbered = file.outputs > 1 ? `-${file.output + 1}` : ''
  const side = file.side ? `.${file.side.of}.${file.side.name}` : ''
  return `${fileStem}${numbered}${side}.${file.ext}`
}

export interface ArtifactSink {
  /** Writes one file atomically and reports it; the artifact's index is unique within the job. */
  write(file: OutputFile, meta: ArtifactMeta): Promise<Artifact>
}

/** A sink writing into `outputDir` as `fileStem…`, reporting through `emit`. */
export function createSink(
  outputDir: string,
  fileStem: string,
  emit: (update: EngineJobUpdate) => void
): ArtifactSink {
  let next = 0
  return {
    async write(file, meta) {
      const path = join(outputDir, outputFileName(fileStem, file))
      await writeFileAtomic(path, file.bytes)
      const artifact = {
        ...meta,
        index: next++,
        path,
        mime: file.mime,
        bytes: file.bytes.byteLength,
        role: meta.role ?? 'output'
      } as Artifact
      emit({ type: 'artifact', artifact })
      return artifact
    }
  }
}
