import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../platform/paths'
import { writeFileAtomic } from '../../platform/atomic-file'
import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import type { ThreeDPart } from '../../engine/bench/three-d-bench'
import { wholeValue } from '../flags'

const threads = wholeValue('threads', 1, 256)

const benchFile = join(projectRoot, 'docs', 'benchmarks.md')
/** bench:3d's parts, in run order (the bench module itself loads onnxruntime, so only its type here). */
const threeDParts: readonly ThreeDPart[] = ['shapes', 'completion', 'molecules', 'conformers']

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in docs/benchmarks.md. */
export async function writeSection(
  name: string,
  title: string,
  command: string,
  body: string
): Promise<void> {
  const start = `<!-- bench:${name} -->`
  const end = `<!-- /bench:${name} -->`
  const section = [
    start,
    `## ${title}`,
    '',
    `Command: \`${command}\` — run ${new Date().toISOString().slice(0, 10)}.`,
    '',
    body,
    end
  ].join('\n')
  const current = existsSync(benchFile)
    ? readFileSync(benchFile, 'utf8')
    : '# Benchmarks\n\nEvery table here is written by the command above it; rerun it to refresh.\n'
  const from = current.indexOf(start)
  const to = current.indexOf(end)
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + section + current.slice(to + end.length)
      : `${current.trimEnd()}\n\n${section}\n`
  await writeFileAtomic(benchFile, next)
}

export function registerBenchCommand(program: Command, exit: (code: number) => void): void {
  const bench = program
    .command('bench')
    .description('benchmarks; tables go to docs/benchmarks.md')
    .action(() => {
      bench.outputHelp()
      exit(0)
    })
  bench
    .command('samplers')
    .description('sampler quality against NFE, and per-step overhead')
    .action(async () => {
      const { runSamplerBench } = await import('../../diffusion/bench/samplers-bench')
      const result = await runSamplerBench({})
      process.stdout.write(result.markdown + '\n')
      await writeSection(
        'samplers',
        'Samplers: quality against NFE, and overhead',
        'npm run bench:samplers',
        result.markdown
      )
      exit(0)
    })
  bench
    .command('steps')
    .description('how many steps each sampler needs for clean results on the starter model')
    .action(async () => {
      const { runStepsBench } = await import('../../engine/bench/sampler-steps')
      const result = await runStepsBench()
      process.stdout.write(result.markdown + '\n')
      await writeSection(
        'steps',
        'Steps per sampler: where results are clean',
        'npm run bench:steps',
        result.markdown
      )
      exit(0)
    })
  bench
    .command('images')
    .description(
      'super-resolution and inpainting on the held-out photos beside bicubic, Lanczos, blur fill and Telea; speed and peak memory'
    )
    .addOption(
      new Option(
        '--nfe <list>',
        'comma-separated step counts (Euler: NFE) for the super-resolution sweep'
      ).default('1,2,3,4,8,20,50,150')
    )
    .option('--png-dir <dir>', 'write every inpainting case side by side as a PNG there')
    .option(
      '--only <parts>',
      'comma-separated parts to run (sr, inpaint, speed); docs are not written'
    )
    .addOption(new Option('--threads <int>', 'CPU threads').argParser(threads).default(2))
    .option('--skip-large', 'skip the 1024² → 4096² run')
    .action(
      async (values: {
        nfe: string
        threads: number
        skipLarge?: boolean
        pngDir?: string
        only?: string
      }) => {
        const nfes = values.nfe.split(',').map((v) => Number(v.trim()))
        if (nfes.some((v) => !Number.isInteger(v) || v < 1 || v > 200)) {
          process.stderr.write('error: --nfe takes integers from 1 to 200, e.g. 1,2,4\n')
          exit(2)
          return
        }
        const parts = ['sr', 'inpaint', 'speed'] as const
        const only = values.only?.split(',').map((v) => v.trim()) as
          (typeof parts)[number][] | undefined
        if (only?.some((v) => !parts.includes(v))) {
          process.stderr.write(
            'error: --only takes sr, inpaint and speed, e.g. --only sr,inpaint\n'
          )
          exit(2)
          return
        }
        const { runImageBench } = await import('../../engine/bench/image-bench')
        const result = await runImageBench({
          nfes,
          threads: values.threads,
          skipLarge: Boolean(values.skipLarge),
          ...(values.pngDir ? { pngDir: values.pngDir } : {}),
          ...(only ? { only } : {}),
          log: (line) => process.stderr.write(line + '\n')
        })
        process.stdout.write(result.markdown + '\n')
        if (only) {
          exit(0)
          return
        }
        await writeSection(
          'images',
          'Images: super-resolution and inpainting quality, speed and memory',
          `npm run bench:images${values.skipLarge ? ' -- --skip-large' : ''}`,
          result.markdown
        )
        exit(0)
      }
    )
  bench
    .command('emoji')
    .description(
      'emoji-32: per class, how often a held-out classifier recognises generated samples (and real held-out images)'
    )
    .addOption(new Option('--threads <int>', 'CPU threads').argParser(threads).default(2))
    .addOption(
      new Option('--per-class <int>', 'samples generated per class')
        .argParser(wholeValue('per-class', 2, 1000))
        .default(32)
    )
    .addOption(
      new Option(
        '--guidance <list>',
        'comma-separated guidance scales (the default is added)'
      ).default('')
    )
    .action(async (values: { threads: number; perClass: number; guidance: string }) => {
      const guidance = values.guidance
        .split(',')
        .filter((v) => v.trim() !== '')
        .map((v) => Number(v.trim()))
      if (guidance.some((v) => !Number.isFinite(v) || v < 0 || v > 30)) {
        process.stderr.write('error: --guidance takes numbers from 0 to 30, e.g. 1,3,5\n')
        exit(2)
        return
      }
      if (values.perClass < 1 || values.perClass > 64) {
        process.stderr.write('error: --per-class takes 1 to 64\n')
        exit(2)
        return
      }
      const { runEmojiBench } = await import('../../engine/bench/emoji-bench')
      const result = await runEmojiBench({
        threads: values.threads,
        perClass: values.perClass,
        guidance,
        log: (line) => process.stderr.write(line + '\n')
      })
      process.stdout.write(result.markdown + '\n')
      const flags = [
        values.perClass !== 32 ? `--per-class ${values.perClass}` : '',
        guidance.length ? `--guidance ${guidance.join(',')}` : ''
      ].filter(Boolean)
      await writeSection(
        'emoji',
        'Emoji: classes a held-out classifier recognises in generated samples',
        `npm run bench:emoji${flags.length ? ` -- ${flags.join(' ')}` : ''}`,
        result.markdown
      )
      exit(0)
    })
  bench
    .command('3d')
    .description(
      'shapes (1-NNA/COV/MMD), completion (vs mirroring), molecules (validity, uniqueness, novelty, stability) and conformers (COV-R/MAT-R) on the starter models; speed'
    )
    .addOption(new Option('--threads <int>', 'CPU threads').argParser(threads).default(2))
    .addOption(
      new Option('--per-class <int>', 'shapes generated and compared per class')
        .argParser(wholeValue('per-class', 2, 1000))
        .default(16)
    )
    .addOption(
      new Option('--molecules <int>', 'molecules generated')
        .argParser(wholeValue('molecules', 1, 100_000))
        .default(1000)
    )
    .addOption(
      new Option('--conformer-molecules <int>', 'held-out molecules for conformer metrics')
        .argParser(wholeValue('conformer-molecules', 1, 10_000))
        .default(30)
    )
    .option('--emd', 'also EMD-based shape metrics (minutes per class)')
    .addOption(
      new Option(
        '--only <parts>',
        'comma-separated parts: shapes, completion, molecules, conformers'
      ).argParser((value: string) => {
        const parts = value.split(',').map((p) => p.trim())
        const unknown = parts.filter((p) => !(threeDParts as readonly string[]).includes(p))
        if (unknown.length || parts.length === 0) {
          throw new InvalidArgumentError(
            `unknown part ${unknown.join(', ')}; choose from ${threeDParts.join(', ')}`
          )
        }
        return parts as ThreeDPart[]
      })
    )
    .action(
      async (values: {
        threads: number
        perClass: number
        molecules: number
        conformerMolecules: number
        emd?: boolean
        only?: ThreeDPart[]
      }) => {
        const { runThreeDBench } = await import('../../engine/bench/three-d-bench')
        const result = await runThreeDBench({
          threads: values.threads,
          perClass: values.perClass,
          molecules: values.molecules,
          conformerMolecules: values.conformerMolecules,
          emd: Boolean(values.emd),
          ...(values.only ? { parts: values.only } : {}),
          log: (line) => process.stderr.write(line + '\n')
        })
        // Each part has its own section, so one part can be rerun alone.
        const titles: Record<ThreeDPart, string> = {
          shapes: '3D shapes: 1-NNA, coverage and MMD per class; speed',
          completion: 'Shape completion: the held-out half against mirroring it',
          molecules: 'Molecules: validity, uniqueness, novelty and stability beside EDM; speed',
          conformers: 'Conformers: COV-R and MAT-R against held-out RDKit conformers'
        }
        for (const { part, markdown } of result.sections) {
          process.stdout.write(markdown + '\n\n')
          const flags = [
            (part === 'shapes' || part === 'completion') && values.perClass !== 16
              ? `--per-class ${values.perClass}`
              : '',
            part === 'shapes' && values.emd ? '--emd' : '',
            part === 'molecules' && values.molecules !== 1000
              ? `--molecules ${values.molecules}`
              : '',
            part === 'conformers' && values.conformerMolecules !== 30
              ? `--conformer-molecules ${values.conformerMolecules}`
              : '',
            `--only ${part}`
          ].filter(Boolean)
          await writeSection(
            `3d-${part}`,
            titles[part],
            `npm run bench:3d -- ${flags.join(' ')}`,
            markdown
          )
        }
        exit(0)
      }
    )
  bench
    .command('startup')
    .description(
      'how fast a command and the engine host start: sources (tsx) against the built bundle'
    )
    .addOption(
      new Option('--rounds <int>', 'timed runs of every case, after one warm-up')
        .argParser(wholeValue('rounds', 1, 100))
        .default(3)
    )
    .action(async (values: { rounds: number }) => {
      const { runStartupBench } = await import('./startup-bench')
      const markdown = await runStartupBench(values)
      process.stdout.write(markdown + '\n')
      await writeSection(
        'startup',
        'Startup: a command and the engine host, before and after the built bundle',
        'npm run bench:startup',
        markdown
      )
      exit(0)
    })
  bench
    .command('runtime')
    .description('engine overhead, and ORT CPU against PyTorch CPU on the starter model')
    .addOption(
      new Option('--threads <int>', 'CPU threads for both runtimes').argParser(threads).default(2)
    )
    .addOption(
      new Option('--iters <int>', 'timed calls per batch size')
        .argParser(wholeValue('iters', 1, 100_000))
        .default(50)
    )
    .addOption(
      new Option('--steps <int>', 'steps of the end-to-end run')
        .argParser(wholeValue('steps', 1, 1000))
        .default(50)
    )
    .addOption(
      new Option('--rounds <int>', 'rounds; the ratios must repeat across them')
        .argParser(wholeValue('rounds', 1, 100))
        .default(3)
    )
    .action(async (values: { threads: number; iters: number; steps: number; rounds: number }) => {
      const { runRuntimeBench } = await import('../../engine/bench/runtime-bench')
      const markdown = await runRuntimeBench({
        ...values,
        python: process.env.STUDIO_BENCH_PYTHON ?? '/usr/bin/python3'
      })
      process.stdout.write(markdown + '\n')
      await writeSection(
        'runtime',
        'Runtime: engine overhead and ORT CPU against PyTorch CPU',
        'npm run bench:runtime',
        markdown
      )
      exit(0)
    })
}
