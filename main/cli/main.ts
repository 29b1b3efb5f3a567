import { parseArgs, type ParseArgsConfig } from 'node:util'
import { StudioError, errorTitles, exitCodeFor } from '../contract'
import { generateCommand } from './commands/generate'
import { infoCommand } from './commands/info'
import { samplersCommand } from './commands/samplers'
import { modelsCommand } from './commands/models'
import { serveCommand } from './commands/serve'
import { startCommand } from './commands/start'
import { benchCommand } from './commands/bench'

const usage = `diffusion-studio <command> [options]

  info [--json]                         execution providers found, the one chosen and why, versions
  samplers [--json]                     every sampler: name, order, model calls per step, description
  models list [--json]                  installed models and their status
  generate [options] --out FILE.png     generate images (see --help of generate)
  serve [--port N] [--data-dir DIR]     the web host on 127.0.0.1; prints the URL with its token
  start                                 the Electron app, or the web host where Electron is absent
  bench <samplers|runtime>              benchmarks; tables go to docs/benchmarks.md

Exit codes: 0 done, 2 usage, 3 bad input, 4 model problem, 5 runtime failure, 130 cancelled.`

/** Parses one command's flags; unknown flags are a usage error. */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true } as const)
  } catch (error) {
    throw new StudioError('invalid-request', (error as Error).message)
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'info':
        return await infoCommand(rest)
      case 'samplers':
        return await samplersCommand(rest)
      case 'models':
        return await modelsCommand(rest)
      case 'generate':
        return await generateCommand(rest)
      case 'serve':
        return await serveCommand(rest)
      case 'start':
        return await startCommand(rest)
      case 'bench':
        return await benchCommand(rest)
      case 'dist':
        return await (await import('./commands/dist')).distCommand()
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage + '\n')
        return command === undefined ? 2 : 0
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`)
        return 2
    }
  } catch (error) {
    const typed = StudioError.from(error)
    process.stderr.write(`error: ${errorTitles[typed.code]}: ${typed.message}\n`)
    if (typed.code === 'internal' && error instanceof Error && error.stack) {
      process.stderr.write(error.stack + '\n')
    }
    return exitCodeFor(typed.code)
  }
}
