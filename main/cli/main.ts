// The `diffusion-studio` command line: one commander program; every command lists its options with
// types and defaults (--help), unknown commands and options get a "did you mean", and every failure is
// a typed error with the README's exit code (2 usage, 3 bad input, 4 model problem, 5 runtime, 130).
import { CommanderError, type Command } from 'commander'
import { StudioError, errorTitles, exitCodeFor } from '../contract'
import { registerBenchCommand } from './commands/bench'
import { registerDistCommand } from './commands/dist'
import { registerInfoCommand } from './commands/info'
import { registerModelsCommand } from './commands/models'
import { registerSamplersCommand } from './commands/samplers'
import { registerServeCommand } from './commands/serve'
import { registerStartCommand } from './commands/start'
import { registerTaskCommands } from './commands/tasks'
import { rootProgram } from './program'
import type { CommandTable } from './quick'

/** The program, with `exit` receiving each action's exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = rootProgram()
  program.hook('preAction', (thisCommand) => {
    if (thisCommand.opts().verbose) process.env.STUDIO_VERBOSE = '1'
  })
  registerTaskCommands(program, exit)
  registerInfoCommand(program, exit)
  registerSamplersCommand(program, exit)
  registerModelsCommand(program, exit)
  registerServeCommand(program, exit)
  registerStartCommand(program, exit)
  registerBenchCommand(program, exit)
  registerDistCommand(program, exit)
  for (const command of program.commands) command.exitOverride().showSuggestionAfterError(true)
  return program
}

export async function main(argv: string[]): Promise<number> {
  let code = 0
  const program = buildProgram((c) => (code = c))
  try {
    if (argv.length === 0) {
      program.outputHelp()
      return 2
    }
    await program.parseAsync(argv, { from: 'user' })
    return code
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and end normally; every other parse error is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0
      if (error.code === 'commander.help') return 0
      return 2
    }
    const typed = StudioError.from(error)
    // The message names the thing and the fix; internal errors (bugs) also get their title and stack.
    const title = typed.code === 'internal' ? `${errorTitles.internal}: ` : ''
    process.stderr.write(`error: ${title}${typed.message}\n`)
    if (typed.code === 'internal' && error instanceof Error && error.stack) {
      process.stderr.write(error.stack + '\n')
    }
    return exitCodeFor(typed.code)
  }
}

/**
 * What the root help shows of each command (name, usage term, description), recorded at build time
 * (main/cli/bundle.mjs) so `--help` can print without loading the commands (quick.ts).
 */
export function commandTable(): CommandTable {
  const program = buildProgram(() => undefined)
  const help = program.createHelp()
  return program.commands.map((command) => ({
    name: command.name(),
    term: help.subcommandTerm(command),
    description: help.subcommandDescription(command)
  }))
}
