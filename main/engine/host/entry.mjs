// Starts the engine host from TypeScript sources, through tsx: the CLI and web host run from sources
// (STUDIO_FROM_SOURCE=1, the tests under vitest) use it. The built CLI forks out/cli/engine-host.mjs and
// Electron its own bundle (out/main/engine-host.js) instead.
import { register } from 'tsx/esm/api'

register()
await import('./host.ts')
