// vitest's global setup: the CLI bundle (out/cli) is built once before the tests that run
// main/cli/bin.mjs in child processes, rather than by the first of them (in parallel, under a lock).
import { buildCli } from '../bundle.mjs'

export default async function setup() {
  await buildCli()
}
