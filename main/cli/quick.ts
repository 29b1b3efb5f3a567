// The answers that need no command module: `--version`, and the root `--help` printed from the command
// table the build recorded (main.ts commandTable, written to out/cli/commands.json by bundle.mjs). Loading
// the commands means loading the contract's schemas and the task registry; these two answers need
// neither, so they start about as fast as Node itself. The help goes through commander's own formatter,
// so it is the full program's help to the byte (cli.test.ts compares them).
import { studioVersion } from '../platform/version'

/** One command as the root help shows it. */
export type CommandTable = readonly { name: string; term: string; description: string }[]

/**
 * Answers `argv` when it only asks for the version or the root help; undefined for anything else (the
 * full program runs then). Returns the exit code: 0, or 2 for no arguments at all (help, as a usage error).
 */
export async function quickMain(
  argv: readonly string[],
  table: CommandTable | undefined
): Promise<number | undefined> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(studioVersion + '\n')
    return 0
  }
  const asksHelp =
    argv.length === 0 || (argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0]!))
  if (!asksHelp || !table) return undefined
  const [{ Help }, { rootProgram }] = await Promise.all([import('commander'), import('./program')])
  const program = rootProgram()
  const terms = new Map(table.map((c) => [c.name, c.term]))
  const standard = new Help()
  for (const command of table) program.command(command.name).description(command.description)
  program.configureHelp({
    subcommandTerm: (command) => terms.get(command.name()) ?? standard.subcommandTerm(command)
  })
  program.outputHelp()
  return argv.length === 0 ? 2 : 0
}
