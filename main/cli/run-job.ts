// Runs one validated job on a fresh engine host, headless: progress on stderr, Ctrl+C cancels between
// denoiser calls (twice kills), warnings and device fallbacks said plainly, files or JSON on stdout.
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import {
  StudioError,
  metricsLine,
  type Artifact,
  type EngineJobUpdate,
  type Execution,
  type JobSpec,
  type Settings
} from '../contract'
import { EngineClient } from '../jobs/engine-client'
import { spawnNodeEngine, verboseEngine, type SpawnEngine } from '../jobs/engine-process'
import { createProgress } from './progress'
import { jobFiles, staleSideFiles, type OutputTarget } from './paths'

export interface JobRun {
  readonly spec: JobSpec
  readonly warnings: readonly string[]
  /** What the input store's validators said about the inputs (printed as `note:` lines). */
  readonly inputNotes?: readonly string[]
  readonly settings: Settings
  readonly out: OutputTarget
  readonly inputsDir?: string
  readonly json?: boolean
  /** The engine host (tests inject one). */
  readonly spawn?: SpawnEngine
  /** A client whose host is already starting (the task command starts it before validating). */
  readonly engine?: EngineClient
}

const say = (line: string) => void process.stderr.write(line + '\n')

export async function runJob(run: JobRun): Promise<number> {
  const inputNotes = run.inputNotes ?? []
  for (const note of inputNotes) say(`note: ${note}`)
  for (const warning of run.warnings) say(`warning: ${warning}`)
  for (const stale of staleSideFiles(run.out)) {
    say(`note: ${stale} is left from an earlier output of that name; this job replaces it.`)
  }
  const before = jobFiles(run.out)
  // The host's native lines stay out of the terminal unless --verbose (then they were shown as they came).
  const engine =
    run.engine ?? new EngineClient(run.spawn ?? spawnNodeEngine, { log: () => undefined })
  const progress = createProgress()
  const started = performance.now()
  const artifacts: Artifact[] = []
  const warnings = [...run.warnings]
  let metrics: Record<string, number> = {}
  let execution: Execution | undefined
  let interrupts = 0
  const jobId = randomUUID()
  const onSigint = () => {
    interrupts++
    if (interrupts === 1) {
      say('\ncancelling… (Ctrl+C again to stop at once)')
      engine.cancel(jobId)
    } else engine.kill()
  }
  process.on('SIGINT', onSigint)
  let final: EngineJobUpdate
  try {
    final = await engine.run(
      {
        jobId,
        spec: run.spec,
        settings: run.settings,
        outputDir: run.out.dir,
        fileStem: run.out.stem,
        inputsDir: run.inputsDir
      },
      (update) => {
        if (update.type === 'step') progress.step(update.i, update.n, update.stage)
        else if (update.type === 'artifact') artifacts.push(update.artifact)
        else if (update.type === 'started') {
          execution = update.execution
          const asked = run.spec.device
          if (asked !== 'auto' && asked !== execution.provider) {
            const message =
              `--device ${asked} is not available here; ran on ${execution.provider} instead` +
              (execution.fallbackReason ? ` (${execution.fallbackReason})` : '') +
              '.'
            warnings.push(message)
            progress.interrupt(() => say(`warning: ${message}`))
          }
        } else if (update.type === 'warning') {
          warnings.push(update.message)
          progress.interrupt(() => say(`warning: ${update.message}`))
        } else if (update.type === 'metrics') metrics = { ...metrics, ...update.metrics }
      }
    )
  } finally {
    process.off('SIGINT', onSigint)
    progress.done()
    engine.dispose()
  }
  if (final.type !== 'done') {
    // A job that did not finish leaves nothing behind: the files it reported, and any it wrote (or began
    // writing: a temporary file of an engine that died mid-write) without reporting.
    for (const a of artifacts) rmSync(a.path, { force: true })
    for (const [path, mtime] of jobFiles(run.out)) {
      if (before.get(path) !== mtime) rmSync(path, { force: true })
    }
  }
  if (final.type === 'cancelled') {
    throw new StudioError(
      'cancelled',
      'Cancelled between denoiser calls; no partial files were left.'
    )
  }
  if (interrupts > 0 && final.type === 'failed') {
    throw new StudioError('cancelled', 'Stopped at once: the engine was killed mid-step.')
  }
  if (final.type === 'failed') {
    const hint =
      final.error.code === 'engine-crashed' && !verboseEngine()
        ? ' Run with --verbose to see its own log.'
        : ''
    throw new StudioError(final.error.code, final.error.message + hint)
  }
  const seconds = (performance.now() - started) / 1000
  if (run.json) {
    process.stdout.write(
      JSON.stringify(
        { artifacts, execution, seconds, spec: run.spec, warnings, inputNotes, metrics },
        null,
        2
      ) + '\n'
    )
  } else {
    for (const a of artifacts) process.stdout.write(a.path + '\n')
    // The window's units: shares as percentages, counts whole (the JSON output keeps the numbers).
    if (Object.keys(metrics).length) say(metricsLine(metrics))
    say(
      `done in ${seconds.toFixed(2)} s on ${execution?.provider ?? '?'} (${execution?.deviceName ?? '?'})`
    )
  }
  return 0
}
