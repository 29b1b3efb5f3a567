// `npm run bench:runtime`: engine overhead and ORT CPU against PyTorch CPU on the starter model,
// measured side by side in one run. Not a test: it prints and returns a markdown table.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { JobSpecSchema, SettingsSchema } from '../../contract'
import { modelRoots, projectRoot } from '../../app/paths'
import { ModelRegistry } from '../../models/registry'
import { Runtime } from '../runtime'
import { generateImage } from '../pipelines/image/generate'
import { medianMsPerCall, starterFeeds } from './starter-calls'

export interface RuntimeBenchOptions {
  readonly threads: number
  readonly steps: number
  readonly iters: number
  readonly python: string
}

async function engineOverhead(runtime: Runtime, registry: ModelRegistry, steps: number) {
  const out = mkdtempSync(join(tmpdir(), 'bench-'))
  const spec = JobSpecSchema.parse({
    task: 'image.generate',
    model: 'emoji-32',
    label: 'Smileys & Emotion',
    steps,
    sampler: 'euler',
    guidance: 2
  })
  if (spec.task !== 'image.generate') throw new Error('unreachable')
  const model = await registry.resolve('emoji-32')
  const session = await runtime.component(model, 'denoiser', { batch: 2 })
  const context = {
    runtime,
    registry,
    settings: SettingsSchema.parse({ device: 'cpu', previewEvery: 1 }),
    outputDir: out,
    fileStem: 'bench',
    signal: new AbortController().signal,
    emit: () => undefined
  }
  await generateImage({ ...spec, steps: 3 }, context) // warm-up: session creation, first-call costs
  const rows: { wall: number; run: number }[] = []
  for (let r = 0; r < 3; r++) {
    const before = session.stats.totalMs
    const start = performance.now()
    await generateImage(spec, context)
    rows.push({ wall: performance.now() - start, run: session.stats.totalMs - before })
  }
  rmSync(out, { recursive: true, force: true })
  const best = rows.reduce((a, b) => (a.wall - a.run <= b.wall - b.run ? a : b))
  return {
    wallMs: best.wall,
    runMs: best.run,
    overheadPct: (100 * (best.wall - best.run)) / best.wall
  }
}

async function ortMsPerCall(
  file: string,
  threads: number,
  batch: number,
  iters: number
): Promise<number> {
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all'
  })
  const ms = await medianMsPerCall((feeds) => session.run(feeds), starterFeeds(batch), iters)
  await session.release()
  return ms
}

function torchMsPerCall(python: string, threads: number, iters: number): Map<number, number> {
  const script = join(projectRoot, 'native-models', 'train', 'bench_torch.py')
  const text = execFileSync(
    python,
    [script, '--threads', String(threads), '--iters', String(iters)],
    {
      cwd: join(projectRoot, 'native-models', 'train'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  const result = new Map<number, number>()
  for (const line of text.split('\n').filter((l) => l.startsWith('{'))) {
    const row = JSON.parse(line) as { batch: number; ms_per_call_median: number }
    result.set(row.batch, row.ms_per_call_median)
  }
  return result
}

export async function runRuntimeBench(options: RuntimeBenchOptions): Promise<string> {
  const registry = new ModelRegistry(modelRoots())
  const runtime = await Runtime.create({
    device: 'cpu',
    cpuThreads: options.threads,
    memoryBudgetMB: 1024
  })
  const overhead = await engineOverhead(runtime, registry, options.steps)
  await runtime.release()
  const model = await registry.resolve('emoji-32')
  const file = join(model.dir, 'unet.onnx')
  const torch = torchMsPerCall(options.python, options.threads, options.iters)
  const lines = [
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${options.threads} threads for both runtimes; ` +
      `onnxruntime-node ${ort.env.versions.common}; model emoji-32 (starter UNet, 1.0 M parameters, [B, 3, 32, 32]).`,
    '',
    `**Engine overhead** (${options.steps}-step Euler run with CFG, batch 2 per call, best of 3): wall ` +
      `${overhead.wallMs.toFixed(1)} ms, \`session.run\` ${overhead.runMs.toFixed(1)} ms, ` +
      `overhead **${overhead.overheadPct.toFixed(2)} %** (target ≤ 2 %).`,
    '',
    '| batch | ORT CPU ms/call | PyTorch CPU ms/call | ORT / PyTorch (target ≤ 0.8) |',
    '|---|---|---|---|'
  ]
  for (const batch of [1, 2]) {
    const ortMs = await ortMsPerCall(file, options.threads, batch, options.iters)
    const torchMs = torch.get(batch)
    lines.push(
      `| ${batch} | ${ortMs.toFixed(2)} | ${torchMs?.toFixed(2) ?? 'n/a'} | ` +
        `${torchMs ? (ortMs / torchMs).toFixed(2) : 'n/a'} |`
    )
  }
  return lines.join('\n')
}
