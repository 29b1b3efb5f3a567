// GPU benchmark for a lent GPU machine (not part of the tests): WebGPU against the CPU provider on the
// starter model, in one run, plus the engine overhead of a 50-step run on each. PyTorch CUDA on the same
// card is timed by native-models/train/bench_torch.py in the same device call. Prints a markdown table.
// Bundled with esbuild into .gpu/bench.mjs (see docs/benchmarks.md for the exact command).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JobSpecSchema, SettingsSchema, type Device } from '../../contract'
import { modelRoots } from '../../platform/paths'
import { ModelRegistry } from '../../models/registry'
import { Runtime } from '../runtime'
import { createPipelineContext } from '../pipelines/context'
import { generateImage } from '../pipelines/image/generate'
import { medianMsPerCall, starterFeeds } from './starter-calls'

const batches = [1, 2, 8, 32]

async function msPerCall(
  runtime: Runtime,
  registry: ModelRegistry,
  batch: number
): Promise<number> {
  const model = await registry.resolve('emoji-32')
  const session = await runtime.component(model, 'denoiser', { batch })
  return medianMsPerCall(session.run, starterFeeds(batch), 50, 10)
}

async function overhead(runtime: Runtime, registry: ModelRegistry) {
  const model = await registry.resolve('emoji-32')
  const session = await runtime.component(model, 'denoiser', { batch: 2 })
  const spec = JobSpecSchema.parse({
    task: 'image.generate',
    model: 'emoji-32',
    label: 'Flags',
    steps: 50,
    sampler: 'euler',
    guidance: 2
  })
  if (spec.task !== 'image.generate') throw new Error('unreachable')
  const context = createPipelineContext({
    runtime,
    registry,
    settings: SettingsSchema.parse({ previewEvery: 1 }),
    outputDir: mkdtempSync(join(tmpdir(), 'gpu-bench-')),
    fileStem: 'x'
  })
  await generateImage({ ...spec, steps: 3 }, context)
  let best = { wall: Infinity, run: 0 }
  for (let r = 0; r < 3; r++) {
    const before = session.stats.totalMs
    const t = performance.now()
    await generateImage(spec, context)
    const wall = performance.now() - t
    const run = session.stats.totalMs - before
    if (wall - run < best.wall - best.run) best = { wall, run }
  }
  return best
}

const registry = new ModelRegistry(modelRoots())
const rows: string[] = []
for (const device of ['webgpu', 'cpu'] as Device[]) {
  const runtime = await Runtime.create({ device, cpuThreads: 0, memoryBudgetMB: 8192 })
  const times: string[] = []
  for (const batch of batches) times.push((await msPerCall(runtime, registry, batch)).toFixed(3))
  const o = await overhead(runtime, registry)
  console.log(JSON.stringify({ device, execution: runtime.execution, times, overhead: o }))
  rows.push(
    `| onnxruntime-node ${runtime.execution.provider} (${runtime.execution.deviceName}) | ${times.join(' | ')} | ` +
      `${o.wall.toFixed(1)} ms, ${((100 * (o.wall - o.run)) / o.wall).toFixed(2)} % |`
  )
  await runtime.release()
}
console.log(
  `| runtime | ${batches.map((b) => `batch ${b} ms/call`).join(' | ')} | 50-step run, overhead |`
)
console.log(`|---|${batches.map(() => '---').join('|')}|---|`)
for (const row of rows) console.log(row)
