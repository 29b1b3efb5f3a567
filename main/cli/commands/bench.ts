import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { StudioError } from '../../contract'
import { projectRoot } from '../../app/paths'
import { writeFileAtomic } from '../../storage/atomic-file'
import { parseFlags } from '../main'
import { intFlag } from './shared'

const benchFile = join(projectRoot, 'docs', 'benchmarks.md')

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in docs/benchmarks.md. */
async function writeSection(
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

export async function benchCommand(args: string[]): Promise<number> {
  const [which, ...rest] = args
  switch (which) {
    case 'samplers': {
      const { runSamplerBench } = await import('../../engine/diffusion/bench/samplers-bench')
      const result = await runSamplerBench({})
      process.stdout.write(result.markdown + '\n')
      await writeSection(
        'samplers',
        'Samplers: quality against NFE, and overhead',
        'npm run bench:samplers',
        result.markdown
      )
      return 0
    }
    case 'runtime': {
      const { values } = parseFlags(rest, {
        threads: { type: 'string' },
        iters: { type: 'string' },
        steps: { type: 'string' }
      })
      const { runRuntimeBench } = await import('../../engine/bench/runtime-bench')
      const markdown = await runRuntimeBench({
        threads: intFlag(values.threads, 'threads') ?? 2,
        iters: intFlag(values.iters, 'iters') ?? 50,
        steps: intFlag(values.steps, 'steps') ?? 50,
        python: process.env.STUDIO_BENCH_PYTHON ?? '/usr/bin/python3'
      })
      process.stdout.write(markdown + '\n')
      await writeSection(
        'runtime',
        'Runtime: engine overhead and ORT CPU against PyTorch CPU',
        'npm run bench:runtime',
        markdown
      )
      return 0
    }
    default:
      throw new StudioError(
        'invalid-request',
        `Unknown benchmark "${which ?? ''}". Use: samplers, runtime.`
      )
  }
}
