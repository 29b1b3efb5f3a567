// A stand-in for an unpacked Electron (electron-builder's `electronDist`), for packaging where Electron
// cannot be downloaded: the tests and `npm run bench:package`. Its `electron` is a shell script that
// says what it is and exits 1, carrying Electron's fuse wire (sentinel, version 1, eight fuses at
// Electron's defaults) so electron-builder can flip the fuses as it does in a real build.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @electron/fuses' sentinel, followed in the binary by the wire: version, length, one byte a fuse. */
export const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** Electron's own defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
 * ASAR integrity off, only-load-from-asar off, browser V8 snapshot off, file:// privileges on. */
const defaultFuses = '10110001'

/** Writes the stand-in into `dir` (Linux layout: `electron`, `resources/`, `locales/`, `LICENSE`). */
export function makeStandInElectron(dir: string, version: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  mkdirSync(join(dir, 'locales'), { recursive: true })
  const script = Buffer.concat([
    Buffer.from(
      `#!/bin/sh\necho "stand-in Electron ${version} for packaging checks: not a browser" >&2\nexit 1\n# `
    ),
    Buffer.from(fuseSentinel, 'latin1'),
    Buffer.from([1, defaultFuses.length]),
    Buffer.from(defaultFuses, 'latin1'),
    Buffer.from('\n')
  ])
  writeFileSync(join(dir, 'electron'), script)
  chmodSync(join(dir, 'electron'), 0o755)
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '')
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(dir, 'version'), version)
  return dir
}
