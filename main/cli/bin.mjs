#!/usr/bin/env node
// The `diffusion-studio` command. Runs the TypeScript sources through tsx, so a checkout needs no build.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./main.ts')
process.exitCode = await main(process.argv.slice(2))
