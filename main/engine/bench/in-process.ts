// Jobs run in this process for the benchmarks: the studio's own validation and pipelines, the CPU
// runtime, inputs in a temporary folder, outputs read back and removed.
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  JobSpecSchema,
  formatFor,
  SettingsSchema,
  type Artifact,
  type EngineJobUpdate,
  type JobMetrics
} from '../../contract'
import { ModelRegistry } from '../../models/registry'
import { modelRoots } from '../../platform/paths'
import { validateJob } from '../../tasks'
import { runPipeline } from '../pipelines'
import { createPipelineContext } from '../pipelines/context'
import { Runtime } from '../runtime'

export interface BenchRun {
  readonly updates: EngineJobUpdate[]
  /** Every artifact with its bytes (the files are removed). */
  readonly files: { artifact: Artifact; bytes: Buffer }[]
  readonly metrics: JobMetrics
  readonly seconds: number
  /** Milliseconds between consecutive step events. */
  readonly stepMs: number[]
  /** Distinct step stages (tiles). */
  readonly stages: number
}

export interface BenchRunner {
  readonly registry: ModelRegistry
  /** Stores bytes as an input and returns its ref. */
  addInput(bytes: Uint8Array): string
  run(spec: Record<string, unknown>): Promise<BenchRun>
  /** Whether a model id is installed and ready. */
  has(id: string): Promise<boolean>
  release(): Promise<void>
}

export async function createBenchRunner(threads: number): Promise<BenchRunner> {
  const runtime = await Runtime.create({ device: 'cpu', cpuThreads: threads, memoryBudgetMB: 4096 })
  const registry = new ModelRegistry(modelRoots())
  const work = mkdtempSync(join(tmpdir(), 'bench-'))
  const inputs = join(work, 'inputs')
  const out = join(work, 'out')
  for (const dir of [inputs, out]) mkdirSync(dir, { recursive: true })
  let jobs = 0
  return {
    registry,
    addInput(bytes) {
      const ref = createHash('sha256').update(bytes).digest('hex')
      writeFileSync(join(inputs, ref), bytes)
      return ref
    },
    async has(id) {
      return (await registry.list()).some((m) => m.manifest.id === id && m.status === 'ready')
    },
    async run(spec) {
      const updates: EngineJobUpdate[] = []
      const stamps: number[] = []
      const { spec: valid } = validateJob(JobSpecSchema.parse(spec), await registry.list())
      const started = performance.now()
      await runPipeline(
        valid,
        createPipelineContext({
          runtime,
          registry,
          settings: SettingsSchema.parse({ previewEvery: 0, cpuThreads: threads }),
          outputDir: out,
          fileStem: `job-${jobs++}`,
          format: formatFor(valid.task, valid.format).ext,
          inputsDir: inputs,
          emit: (u) => {
            updates.push(u)
            if (u.type === 'step') stamps.push(performance.now())
          }
        })
      )
      const seconds = (performance.now() - started) / 1000
      const files = updates.flatMap((u) => {
        if (u.type !== 'artifact') return []
        const bytes = readFileSync(u.artifact.path)
        rmSync(u.artifact.path, { force: true })
        return [{ artifact: u.artifact, bytes }]
      })
      const metrics = Object.assign(
        {},
        ...updates.flatMap((u) => (u.type === 'metrics' ? [u.metrics] : []))
      ) as JobMetrics
      const stages = new Set(
        updates.flatMap((u) => (u.type === 'step' && u.stage ? [u.stage] : []))
      )
      return {
        updates,
        files,
        metrics,
        seconds,
        stepMs: stamps.slice(1).map((t, k) => t - stamps[k]),
        stages: Math.max(1, stages.size)
      }
    },
    async release() {
      await runtime.release()
      rmSync(work, { recursive: true, force: true })
    }
  }
}

/** The median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** A number for a table: fixed digits, ∞ and — for non-finite values. */
export const fmt = (v: number, digits = 2): string =>
  v === Infinity ? '∞' : Number.isFinite(v) ? v.toFixed(digits) : '—'
