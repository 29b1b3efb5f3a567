// `npm run bench:startup`: how long a command takes before and while it works, whole process, side by
// side in one run. "Sources" is the command as it ran before the built bundle (bin.mjs through tsx,
// STUDIO_FROM_SOURCE=1, the TypeScript transpiled at start); "built" is out/cli (main/cli/bundle.mjs).
// Every case runs `rounds` times after one warm-up, interleaved, so a busy machine slows all alike; the
// tables give medians of wall time and of CPU time (user + system, from bash's `times`). Not a test.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { JobSpecSchema, SettingsSchema, type Settings } from '../../contract'
import { EngineClient } from '../../jobs/engine-client'
import { nodeEngineSpawner, type SpawnEngine } from '../../jobs/engine-process'
import { projectRoot } from '../../platform/paths'

export interface StartupBenchOptions {
  /** Timed runs of every case (after one warm-up). */
  readonly rounds: number
}

interface Sample {
  readonly wallMs: number
  /** undefined where bash's `times` is not available. */
  readonly cpuMs: number | undefined
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** `times` prints the shell's and then its children's user and system time: "0m0.071s 0m0.014s". */
function childCpuMs(timesOutput: string): number | undefined {
  const line = timesOutput.trim().split('\n').at(-1) ?? ''
  const parts = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]))
  return parts.length === 2 ? (parts[0]! + parts[1]!) * 1000 : undefined
}

/**
 * One whole process: `argv` run by bash (stdout discarded), wall time around it, CPU time of the child.
 * @throws Error with the command's stderr when it exits non-zero.
 */
function runOnce(argv: readonly string[], env: NodeJS.ProcessEnv): Sample {
  const script = '"$@" >/dev/null; code=$?; times; exit $code'
  const start = performance.now()
  const run = spawnSync('bash', ['-c', script, 'bash', ...argv], { env, encoding: 'utf8' })
  const wallMs = performance.now() - start
  if (run.error) throw run.error
  if (run.status !== 0) {
    throw new Error(`${argv.join(' ')} exited ${run.status}: ${run.stderr.trim().slice(-800)}`)
  }
  return { wallMs, cpuMs: childCpuMs(run.stdout) }
}

interface Case {
  readonly label: string
  readonly argv: readonly string[]
  readonly env?: Record<string, string>
}

/** Runs every case once to warm up, then `rounds` times interleaved; medians per case. */
function measureCases(cases: readonly Case[], rounds: number, env: NodeJS.ProcessEnv) {
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.label, []]))
  for (let round = 0; round <= rounds; round++) {
    for (const c of cases) {
      const sample = runOnce(c.argv, { ...env, ...c.env })
      if (round > 0) samples.get(c.label)!.push(sample)
    }
  }
  const result = new Map<string, { wallMs: number; cpuMs: number | undefined }>()
  for (const [label, list] of samples) {
    const cpu = list.map((s) => s.cpuMs).filter((v): v is number => v !== undefined)
    result.set(label, {
      wallMs: median(list.map((s) => s.wallMs)),
      cpuMs: cpu.length === list.length ? median(cpu) : undefined
    })
  }
  return result
}

/** The bare model work of one emoji: session creation + 40 `session.run` calls, in a plain script. */
function bareModelScript(dir: string, threads: number): string {
  const file = join(dir, 'bare-model.mjs')
  const ortUrl = pathToFileURL(
    join(projectRoot, 'node_modules', 'onnxruntime-node', 'dist', 'index.js')
  ).href
  const model = join(projectRoot, 'native-models', 'starter', 'emoji-32', 'unet.onnx')
  writeFileSync(
    file,
    [
      `import ort from ${JSON.stringify(ortUrl)}`,
      `const session = await ort.InferenceSession.create(${JSON.stringify(model)}, { intraOpNumThreads: ${threads}, interOpNumThreads: 1 })`,
      // CFG runs the conditional and unconditional halves as one batch of 2 (the engine's shape).
      `const feeds = { sample: new ort.Tensor('float32', new Float32Array(2 * 3 * 32 * 32).fill(0.1), [2, 3, 32, 32]), timestep: new ort.Tensor('float32', new Float32Array(2).fill(500), [2]), class_labels: new ort.Tensor('int64', new BigInt64Array(2), [2]) }`,
      `for (let i = 0; i < 40; i++) await session.run(feeds)`
    ].join('\n') + '\n'
  )
  return file
}

const ms = (v: number) => `${v.toFixed(0)} ms`
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`
/** Wall and CPU ratios of two medians ("2.10× · 1.40×"; CPU — where `times` was missing). */
const ratios = (
  a: { wallMs: number; cpuMs: number | undefined },
  b: { wallMs: number; cpuMs: number | undefined }
) =>
  `${ratio(a.wallMs, b.wallMs)} · ${a.cpuMs !== undefined && b.cpuMs !== undefined ? ratio(a.cpuMs, b.cpuMs) : '—'}`
const cpuText = (v: number | undefined) => (v === undefined ? '—' : ms(v))

/** CPU time a live process has used so far (Linux: /proc/<pid>/stat, 10 ms ticks); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of stat(5); here counted from field 3 (the state).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

const medianOrNone = (values: readonly (number | undefined)[]) =>
  values.every((v) => v !== undefined) ? median(values as number[]) : undefined

/** Engine host timings: fork → 'ready', fork → first info answered, and a crash → next job's first step. */
async function engineTimes(spawn: SpawnEngine, settings: Settings, rounds: number, out: string) {
  const spec = JobSpecSchema.parse({
    task: 'image.generate',
    model: 'emoji-32',
    steps: 2,
    sampler: 'euler',
    seed: 1
  })
  const ready: number[] = []
  const info: number[] = []
  const restart: number[] = []
  const infoCpu: (number | undefined)[] = []
  const restartCpu: (number | undefined)[] = []
  for (let round = 0; round <= rounds; round++) {
    // Start: fork → the host's 'ready' message, and → its first answer (onnxruntime loaded, providers chosen).
    let readyAt = 0
    const started = performance.now()
    const engine = new EngineClient(() => {
      const child = spawn()
      child.onMessage((raw) => {
        if ((raw as { type?: string }).type === 'ready' && !readyAt) readyAt = performance.now()
      })
      return child
    })
    await engine.info(settings)
    const infoAt = performance.now()
    const infoCpuMs = processCpuMs(engine.pid)
    // A warm client (the web host's, the window's): the host dies; time to the next job's first step.
    engine.warm(settings)
    await engine.info(settings)
    const first = engine.pid
    const killedAt = performance.now()
    process.kill(first ?? 0, 'SIGKILL')
    while (engine.pid === undefined || engine.pid === first) {
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    let stepAt = 0
    let stepCpuMs: number | undefined
    const final = await engine.run(
      { jobId: `bench-${round}`, spec, settings, outputDir: out },
      (u) => {
        if (u.type !== 'step' || stepAt) return
        stepAt = performance.now()
        stepCpuMs = processCpuMs(engine.pid)
      }
    )
    engine.dispose()
    if (final.type !== 'done') throw new Error(`the bench job ended ${JSON.stringify(final)}`)
    if (round === 0) continue
    ready.push(readyAt - started)
    info.push(infoAt - started)
    restart.push(stepAt - killedAt)
    infoCpu.push(infoCpuMs)
    restartCpu.push(stepCpuMs)
  }
  return {
    readyMs: median(ready),
    infoMs: median(info),
    restartMs: median(restart),
    infoCpuMs: medianOrNone(infoCpu),
    restartCpuMs: medianOrNone(restartCpu)
  }
}

/**
 * Measures the command line's start and the engine host's, sources against built, and returns the
 * markdown section (tables and the machine).
 */
export async function runStartupBench(options: StartupBenchOptions): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'bench-startup-'))
  try {
    const dataDir = join(work, 'data')
    mkdirSync(dataDir)
    const env: NodeJS.ProcessEnv = { ...process.env, STUDIO_DATA_DIR: dataDir }
    delete env.STUDIO_FROM_SOURCE
    const bin = join(projectRoot, 'main', 'cli', 'bin.mjs')
    const node = process.execPath
    const threads = Math.min(2, cpus().length)
    const generate = [
      'generate',
      '--model',
      'emoji-32',
      '--steps',
      '20',
      '--seed',
      '1',
      '--threads',
      String(threads),
      '--overwrite',
      '--out',
      join(work, 'emoji.png')
    ]
    const commands: { name: string; args: string[]; target?: string }[] = [
      { name: '--version', args: ['--version'], target: '≤ 1.5× node -e 0' },
      { name: '--help', args: ['--help'], target: '≤ 1.5× node -e 0' },
      { name: 'samplers', args: ['samplers'] },
      { name: 'models list', args: ['models', 'list'] },
      { name: 'generate (emoji, 20 steps)', args: generate, target: '≤ 1.0 s; ≤ 3× bare model' }
    ]
    const cases: Case[] = [
      { label: 'node', argv: [node, '-e', '0'] },
      { label: 'bare', argv: [node, bareModelScript(work, threads)] }
    ]
    for (const c of commands) {
      cases.push({
        label: `src ${c.name}`,
        argv: [node, bin, ...c.args],
        env: { STUDIO_FROM_SOURCE: '1' }
      })
      cases.push({ label: `built ${c.name}`, argv: [node, bin, ...c.args] })
    }
    const load = loadavg()[0]!
    const m = measureCases(cases, options.rounds, env)
    const nodeRun = m.get('node')!
    const bare = m.get('bare')!
    const rows = commands.map((c) => {
      const src = m.get(`src ${c.name}`)!
      const built = m.get(`built ${c.name}`)!
      return `| \`${c.name}\` | ${ms(src.wallMs)} / ${cpuText(src.cpuMs)} | ${ms(built.wallMs)} / ${cpuText(built.cpuMs)} | ${ratios(src, built)} | ${ratios(built, nodeRun)} | ${c.name.startsWith('generate') ? ratios(built, bare) : '—'} | ${c.target ?? '—'} |`
    })

    // The engine host, from its TypeScript entry (tsx) and from the bundle.
    const settings = SettingsSchema.parse({ device: 'auto', cpuThreads: threads, previewEvery: 0 })
    process.env.STUDIO_DATA_DIR = dataDir
    const source = await engineTimes(
      nodeEngineSpawner(join(projectRoot, 'main', 'engine', 'host', 'entry.mjs')),
      settings,
      options.rounds,
      work
    )
    const built = await engineTimes(
      nodeEngineSpawner(join(projectRoot, 'out', 'cli', 'engine-host.mjs')),
      settings,
      options.rounds,
      work
    )
    type Timed = 'readyMs' | 'infoMs' | 'restartMs'
    const cpuOf = { readyMs: undefined, infoMs: 'infoCpuMs', restartMs: 'restartCpuMs' } as const
    const engineRow = (label: string, key: Timed, target: string) => {
      const cpu = cpuOf[key]
      const at = (r: typeof source) => ({ wallMs: r[key], cpuMs: cpu ? r[cpu] : undefined })
      return `| ${label} | ${ms(source[key])} / ${cpuText(at(source).cpuMs)} | ${ms(built[key])} / ${cpuText(at(built).cpuMs)} | ${ratios(at(source), at(built))} | ${target} |`
    }

    const met = (value: number | undefined, limit: number) =>
      value === undefined ? 'not measured' : value <= limit ? 'met' : 'missed'
    const quick = ['--version', '--help'].map((name) => {
      const run = m.get(`built ${name}`)!
      const wall = run.wallMs / nodeRun.wallMs
      const cpu = run.cpuMs !== undefined && nodeRun.cpuMs ? run.cpuMs / nodeRun.cpuMs : undefined
      return `\`${name}\` ${wall.toFixed(2)}× wall (${met(wall, 1.5)}), ${cpu?.toFixed(2) ?? '—'}× CPU (${met(cpu, 1.5)})`
    })
    const gen = m.get('built generate (emoji, 20 steps)')!
    const busy = load > cpus().length
    const verdict = [
      `**Targets.** ≤ 1.5× \`node -e 0\`: ${quick.join('; ')}. Generate ≤ 1.0 s wall: ${ms(gen.wallMs)} (${met(gen.wallMs, 1000)}); ≤ 3× the bare model work: ${ratio(gen.wallMs, bare.wallMs)} wall (${met(gen.wallMs / bare.wallMs, 3)}). Engine host first answer ≤ 300 ms: ${ms(built.infoMs)} (${met(built.infoMs, 300)}); crash → next job's first step ≤ 500 ms: ${ms(built.restartMs)} (${met(built.restartMs, 500)}).`,
      ...(busy
        ? [
            '',
            `The machine was busy (load average ${load.toFixed(1)} on ${cpus().length} cores): every process waited for a core, so wall times are inflated several fold and the wall targets (written for an idle machine) cannot be judged from this run; the CPU columns and the ratios within a round can.`
          ]
        : [])
    ]
    return [
      `Machine: ${cpus()[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus().length} cores, load average ${load.toFixed(1)} at the start; Node ${process.versions.node}; ${threads} threads for onnxruntime.`,
      `Medians of ${options.rounds} runs after one warm-up, every case interleaved with the others in each round. Times are wall / CPU (user + system of the whole process, its children included); ratios are wall · CPU. On a loaded machine the CPU figures are the steadier ones.`,
      '',
      `**Whole process.** \`node -e 0\`: ${ms(nodeRun.wallMs)} / ${cpuText(nodeRun.cpuMs)}. Bare model work (a plain script: onnxruntime-node, session creation and 40 \`session.run\` calls at batch 2 on emoji-32): ${ms(bare.wallMs)} / ${cpuText(bare.cpuMs)}.`,
      '',
      '| command | sources through tsx (before) | built bundle (after) | before / after | after / `node -e 0` | after / bare model | target |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      "**Engine host** (forked by main, probe cache in place; wall / CPU of the host process, from /proc at that moment, 10 ms ticks; the restart's CPU is the new host's).",
      '',
      '| from fork to … | sources through tsx | built bundle | before / after | target |',
      '|---|---|---|---|---|',
      engineRow("its 'ready' message", 'readyMs', '—'),
      engineRow('its first answer (onnxruntime loaded, providers chosen)', 'infoMs', '≤ 300 ms'),
      engineRow(
        "a warm host's crash (SIGKILL) → the next job's first step",
        'restartMs',
        '≤ 500 ms'
      ),
      '',
      ...verdict,
      ''
    ].join('\n')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
