// Runs one job through the real pipeline table for tests: parse, validate against the installed models,
// run, and read back the first artifact (bytes, pixels and recipe for images) and every event.
import { readFileSync } from 'node:fs'
import {
  JobSpecSchema,
  formatFor,
  SettingsSchema,
  type EngineJobUpdate,
  type JobSpec
} from '../../../contract'
import type { ModelRegistry } from '../../../models/registry'
import { validateJob } from '../../../tasks'
import type { Runtime } from '../../runtime'
import { decodeRgba } from '../../../codecs/image-io'
import { readPngText } from '../../../codecs/png'
import { runPipeline } from '..'
import { createPipelineContext } from '../context'

export interface TestBench {
  readonly runtime: Runtime
  readonly registry: ModelRegistry
  readonly outputDir: string
  readonly inputsDir?: string
}

export interface JobRun {
  readonly updates: EngineJobUpdate[]
  readonly warnings: readonly string[]
  /** The first artifact's path and bytes. */
  readonly path: string
  readonly bytes: Buffer
}

/** Parses, validates (as main does before queueing) and runs `spec`; throws what the pipeline throws. */
export async function runJob(
  bench: TestBench,
  spec: Record<string, unknown>,
  stem: string
): Promise<JobRun> {
  const updates: EngineJobUpdate[] = []
  const parsed: JobSpec = JobSpecSchema.parse(spec)
  const { spec: valid, warnings } = validateJob(parsed, await bench.registry.list())
  await runPipeline(
    valid,
    createPipelineContext({
      runtime: bench.runtime,
      registry: bench.registry,
      settings: SettingsSchema.parse({ previewEvery: 0 }),
      outputDir: bench.outputDir,
      fileStem: stem,
      format: formatFor(valid.task, valid.format).ext,
      ...(bench.inputsDir ? { inputsDir: bench.inputsDir } : {}),
      emit: (u) => updates.push(u)
    })
  )
  const artifact = updates.find((u) => u.type === 'artifact')
  if (artifact?.type !== 'artifact') throw new Error('the job wrote no artifact')
  const path = artifact.artifact.path
  return { updates, warnings, path, bytes: readFileSync(path) }
}

/** runJob for image tasks: the output decoded and its recipe (the PNG's `diffusion-studio` text). */
export async function runImageJob(bench: TestBench, spec: Record<string, unknown>, stem: string) {
  const run = await runJob(bench, spec, stem)
  return {
    ...run,
    image: await decodeRgba(run.bytes),
    recipe: JSON.parse(readPngText(run.bytes)['diffusion-studio'] ?? '{}') as Record<
      string,
      unknown
    >
  }
}
