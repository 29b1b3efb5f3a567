import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { basename, dirname, extname, resolve } from 'node:path'
import {
  JobSpecSchema,
  SettingsSchema,
  StudioError,
  describeIssues,
  type EngineJobUpdate,
  type Execution
} from '../../contract'
import { EngineClient } from '../../jobs/engine-client'
import { spawnNodeEngine } from '../../jobs/engine-process'
import { validateSpec } from '../../jobs/validate-spec'
import { ModelRegistry } from '../../models/registry'
import { modelRoots } from '../../app/paths'
import { parseFlags } from '../main'
import { createProgress } from '../progress'
import { deviceOption, intFlag, numberFlag, parseDevice } from './shared'

const imageFormats = ['.png']

/** `extra` flags: `--extra eta=0.5 --extra solver_type=heun` → { eta: 0.5, solver_type: 'heun' }. */
function parseExtra(items: string[]): Record<string, number | boolean | string> {
  const extra: Record<string, number | boolean | string> = {}
  for (const item of items) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new StudioError('invalid-request', `--extra takes key=value, got "${item}".`)
    const key = item.slice(0, eq)
    const raw = item.slice(eq + 1)
    extra[key] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : Number.isFinite(Number(raw)) && raw !== ''
            ? Number(raw)
            : raw
  }
  return extra
}

export async function generateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    model: { type: 'string' },
    modality: { type: 'string' },
    prompt: { type: 'string' },
    negative: { type: 'string' },
    label: { type: 'string' },
    seed: { type: 'string' },
    steps: { type: 'string' },
    sampler: { type: 'string' },
    schedule: { type: 'string' },
    extra: { type: 'string', multiple: true },
    guidance: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    count: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...deviceOption
  })
  if (positionals.length)
    throw new StudioError('invalid-request', `Unexpected argument "${positionals[0]}".`)
  if (values.modality && values.modality !== 'image') {
    throw new StudioError(
      'invalid-request',
      `--modality ${values.modality} is not available yet; use image.`
    )
  }
  if (!values.out)
    throw new StudioError('invalid-request', '--out FILE is required, e.g. --out image.png.')
  const out = resolve(values.out)
  const format = extname(out).toLowerCase()
  if (basename(out, extname(out)).length > 200) {
    throw new StudioError(
      'invalid-request',
      '--out names a file over 200 characters; use a shorter name.'
    )
  }
  if (!imageFormats.includes(format)) {
    throw new StudioError(
      'invalid-request',
      `--out must end in ${imageFormats.join(' or ')} for images.`
    )
  }
  const parsed = JobSpecSchema.safeParse({
    task: 'image.generate',
    model: values.model,
    prompt: values.prompt,
    negativePrompt: values.negative,
    label: values.label,
    seed: intFlag(values.seed, 'seed'),
    steps: intFlag(values.steps, 'steps'),
    sampler: values.sampler,
    schedule: values.schedule,
    samplerExtra: parseExtra(values.extra ?? []),
    guidance: numberFlag(values.guidance, 'guidance'),
    width: intFlag(values.width, 'width'),
    height: intFlag(values.height, 'height'),
    count: intFlag(values.count, 'count'),
    device: parseDevice(values.device)
  })
  if (!parsed.success) throw new StudioError('invalid-request', describeIssues(parsed.error))
  const registry = new ModelRegistry(modelRoots())
  const spec = validateSpec(parsed.data, await registry.list())
  const settings = SettingsSchema.parse({
    device: spec.device,
    cpuThreads: intFlag(values.threads, 'threads') ?? 0
  })
  mkdirSync(dirname(out), { recursive: true })

  const engine = new EngineClient(spawnNodeEngine)
  const progress = createProgress()
  const started = performance.now()
  const artifacts: string[] = []
  let execution: Execution | undefined
  let interrupts = 0
  const jobId = randomUUID()
  const onSigint = () => {
    interrupts++
    if (interrupts === 1) {
      process.stderr.write('\ncancelling… (Ctrl+C again to stop at once)\n')
      engine.cancel(jobId)
    } else engine.kill()
  }
  process.on('SIGINT', onSigint)
  let final: EngineJobUpdate
  try {
    final = await engine.run(
      { jobId, spec, settings, outputDir: dirname(out), fileStem: basename(out, extname(out)) },
      (update) => {
        if (update.type === 'step') progress.step(update.i, update.n)
        else if (update.type === 'artifact') artifacts.push(update.artifact.path)
        else if (update.type === 'started') execution = update.execution
        else if (update.type === 'warning') process.stderr.write(`warning: ${update.message}\n`)
      }
    )
  } finally {
    process.off('SIGINT', onSigint)
    progress.done()
    engine.dispose()
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
  if (final.type === 'failed') throw new StudioError(final.error.code, final.error.message)
  const seconds = (performance.now() - started) / 1000
  if (values.json) {
    process.stdout.write(JSON.stringify({ artifacts, execution, seconds, spec }, null, 2) + '\n')
  } else {
    for (const path of artifacts) process.stdout.write(path + '\n')
    process.stderr.write(
      `done in ${seconds.toFixed(2)} s on ${execution?.provider ?? '?'} (${execution?.deviceName ?? '?'})\n`
    )
  }
  return 0
}
