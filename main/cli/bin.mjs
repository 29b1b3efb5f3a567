#!/usr/bin/env node
// The `diffusion-studio` command. Runs the bundle in out/cli/ (main/cli/bundle.mjs: built by `npm install`
// and `npm ci`), rebuilding it first, and saying so, when a source changed since it was built.
// STUDIO_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (development; slower to start).
import { readFileSync } from 'node:fs'
import { buildCli, bundleState, commandsFile } from './bundle.mjs'

const argv = process.argv.slice(2)
if (/^(1|true|yes)$/i.test(process.env.STUDIO_FROM_SOURCE ?? '')) {
  const { register } = await import('tsx/esm/api')
  register()
  const { main } = await import('./main.ts')
  process.exitCode = await main(argv)
} else {
  const state = bundleState()
  if (!state.fresh) {
    process.stderr.write(`diffusion-studio: out/cli is out of date (${state.why}); rebuilding it… `)
    try {
      const { ms } = await buildCli()
      process.stderr.write(`done in ${(ms / 1000).toFixed(1)} s\n`)
    } catch (error) {
      process.stderr.write(
        `failed:\n${error.message}\nFix the build (npm run build:cli), or run the sources with STUDIO_FROM_SOURCE=1.\n`
      )
      process.exit(1)
    }
  }
  // --version and the root --help need no command module (main/cli/quick.ts).
  const { quickMain } = await import('../../out/cli/quick.mjs')
  const quick = await quickMain(argv, JSON.parse(readFileSync(commandsFile, 'utf8')))
  if (quick !== undefined) process.exitCode = quick
  else {
    // Stack traces name the TypeScript sources (the maps beside the bundle).
    process.setSourceMapsEnabled(true)
    const { main } = await import('../../out/cli/cli.mjs')
    process.exitCode = await main(argv)
  }
}
