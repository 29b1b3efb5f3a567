// The root of the command line: name, version, global options and closing help text. Commander only,
// so the quick path (quick.ts: --version, --help) builds it without loading a command module.
import { Command, Option } from 'commander'
import { studioVersion } from '../platform/version'

/** The program without its commands. */
export function rootProgram(): Command {
  return new Command()
    .name('diffusion-studio')
    .description(
      'Runs diffusion models in-process through onnxruntime-node: images, and more to come.'
    )
    .version(studioVersion, '-V, --version', 'print the version')
    .addOption(new Option('--verbose', 'show the engine’s own log and native libraries’ traces'))
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for the options)')
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 2 usage, 3 bad input, 4 model problem, 5 runtime failure, 130 cancelled.\n' +
        'Every command takes --help.'
    )
}
