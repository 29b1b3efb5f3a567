// The built JavaScript the CLI, the web host and the engine host run (out/cli/): esbuild bundles the
// TypeScript sources once (at `npm install`/`npm ci` through `prepare`, or `npm run build:cli`), so no
// command transpiles at start. ESM with code splitting: a command loads only the chunks (and the
// packages: onnxruntime-node, sharp, …) its action imports. Source maps sit beside every file.
//
// out/cli/build.json records every source file that went into the bundle (size, mtime, sha1). Before
// each run main/cli/bin.mjs compares it with the checkout (`stat` only, unless a file's size or mtime
// moved: then its content decides), and rebuilds when a source changed, saying so on stderr: a stale
// bundle never runs silently. Builds take a lock, write every file atomically (temporary file, rename)
// and name chunks by content, so a process that started on an older build keeps finding its chunks.
//
// Plain JavaScript (it runs before anything is built); only `buildCli` loads esbuild.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync
} from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The checkout (this file is main/cli/bundle.mjs). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const outDir = join(root, 'out', 'cli')
const recordFile = join(outDir, 'build.json')
/** The root help's command table (main.ts commandTable), for quick.ts. */
export const commandsFile = join(outDir, 'commands.json')
/** Which sources each output file holds (tests check what a command loaded). */
export const outputsFile = join(outDir, 'outputs.json')
const lockFile = join(outDir, '.build.lock')

/** What gets bundled: name in out/cli/ → source. */
export const entries = {
  cli: 'main/cli/main.ts',
  quick: 'main/cli/quick.ts',
  'engine-host': 'main/engine/host/host.ts',
  'dist-worker': 'main/cli/commands/dist-worker.ts'
}
/** Sources that shape the bundle without being in it. */
const configFiles = ['main/cli/bundle.mjs', 'tsconfig.json', 'package.json']

// crypto and child_process load only when needed: every command start runs bundleState.
const sha1 = (bytes) =>
  process.getBuiltinModule('node:crypto').createHash('sha1').update(bytes).digest('hex')
const posix = (path) => path.split(sep).join('/')

function readRecord() {
  try {
    return JSON.parse(readFileSync(recordFile, 'utf8'))
  } catch {
    return undefined
  }
}

/** Writes `bytes` to `file` whole or not at all. */
function writeAtomic(file, bytes) {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, bytes)
  renameSync(temporary, file)
}

/**
 * Whether out/cli holds a bundle built from the sources as they are now.
 * @returns {{ fresh: true } | { fresh: false, why: string }}
 */
export function bundleState() {
  const record = readRecord()
  if (!record || typeof record.inputs !== 'object') return { fresh: false, why: 'it is not built' }
  for (const name of Object.keys(entries)) {
    if (!existsSync(join(outDir, `${name}.mjs`)))
      return { fresh: false, why: `${name}.mjs is missing` }
  }
  if (!existsSync(commandsFile)) return { fresh: false, why: 'commands.json is missing' }
  // An installation without sources (only out/) has nothing to compare against.
  if (!existsSync(join(root, entries.cli))) return { fresh: true }
  let touched = false
  for (const [path, [size, mtimeMs, hash]] of Object.entries(record.inputs)) {
    const stat = statSync(join(root, path), { throwIfNoEntry: false })
    if (!stat) return { fresh: false, why: `${path} is gone` }
    if (stat.size === size && stat.mtimeMs === mtimeMs) continue
    if (stat.size !== size || sha1(readFileSync(join(root, path))) !== hash) {
      return { fresh: false, why: `${path} changed` }
    }
    // Same bytes, new mtime (a checkout, a touch): remember it so the next run only stats again.
    record.inputs[path] = [size, stat.mtimeMs, hash]
    touched = true
  }
  if (touched) {
    try {
      writeAtomic(recordFile, JSON.stringify(record))
    } catch {
      // a read-only checkout: the content check runs again next time
    }
  }
  return { fresh: true }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

/** Runs `work` holding out/cli/.build.lock (another build waits; a dead builder's lock is taken over). */
function withLock(work) {
  mkdirSync(outDir, { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      const holder = Number(readFileSync(lockFile, { encoding: 'utf8', flag: 'a+' }))
      const age = Date.now() - (statSync(lockFile, { throwIfNoEntry: false })?.mtimeMs ?? 0)
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder) || age > 300_000) {
        rmSync(lockFile, { force: true })
      } else if (Date.now() - started > 300_000) {
        throw new Error(`${lockFile} is held by process ${holder}; remove it if no build runs`)
      } else sleep(100)
    }
  }
  return Promise.resolve()
    .then(work)
    .finally(() => rmSync(lockFile, { force: true }))
}

function sameBytes(file, bytes) {
  const stat = statSync(file, { throwIfNoEntry: false })
  return stat?.size === bytes.length && Buffer.compare(readFileSync(file), bytes) === 0
}

/** Files of earlier builds that are more than a day old and not part of this one. */
function removeOldFiles(keep) {
  const dayAgo = Date.now() - 86_400_000
  for (const name of readdirSync(outDir)) {
    if (keep.has(name) || name.endsWith('.json') || name.startsWith('.')) continue
    const file = join(outDir, name)
    const stat = statSync(file, { throwIfNoEntry: false })
    if (stat?.isFile() && stat.mtimeMs < dayAgo) rmSync(file, { force: true })
  }
}

/** An esbuild plugin: packages load from node_modules at run time, except `names` (bundled). */
function externalPackagesBut(names) {
  const bundled = new RegExp(`^(${names.join('|')})(/.*)?$`)
  return {
    name: 'external-packages-but',
    setup(build) {
      // zod's namespace object re-exports its 64 locales (600 kB to parse at every start); the studio's
      // messages are English, so `z.locales` keeps `en` only.
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]zod[\\/]/.test(args.importer)
          ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' }
          : undefined
      )
      build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
        contents: `export { default as en } from ${JSON.stringify(args.path)}`,
        resolveDir: dirname(args.path)
      }))
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        bundled.test(args.path) || /^[A-Za-z]:[\\/]/.test(args.path)
          ? undefined
          : { path: args.path, external: true }
      )
    }
  }
}

/**
 * Bundles the entries into out/cli/ with esbuild and records the sources in build.json. Chunks are
 * named by content; a file whose bytes changed is replaced atomically, the others are left alone.
 * @param {{ force?: boolean }} [options] force: build even when the bundle is fresh.
 * @returns {Promise<{ built: boolean, ms: number, files: number }>}
 * @throws Error when esbuild is not installed or the sources do not compile.
 */
export async function buildCli(options = {}) {
  const started = performance.now()
  let result = { built: false, files: 0 }
  await withLock(async () => {
    // Another process may have built while this one waited for the lock.
    if (!options.force && bundleState().fresh) return
    const esbuild = await import('esbuild')
    const built = await esbuild.build({
      absWorkingDir: root,
      entryPoints: entries,
      outdir: outDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Packages load from node_modules as installed (native addons, their own file lookups), except
      // the pure-JS ones every command needs: one file parses faster than their hundred modules.
      plugins: [externalPackagesBut(['zod', 'commander'])],
      // What a bundled CommonJS package requires (commander: node:events, …).
      banner: {
        js: "import { createRequire as __studioRequire } from 'node:module'; const require = __studioRequire(import.meta.url);"
      },
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunk-[hash]',
      sourcemap: 'linked',
      sourcesContent: false,
      minify: true,
      metafile: true,
      write: false,
      logLevel: 'silent'
    })
    mkdirSync(outDir, { recursive: true })
    const keep = new Set()
    for (const file of built.outputFiles) {
      keep.add(relative(outDir, file.path))
      // Unchanged files stay as they are (a running process may be reading them).
      if (sameBytes(file.path, file.contents)) continue
      writeAtomic(file.path, file.contents)
    }
    // The built CLI itself lists its commands (a child process: this one may hold an older build).
    const table = process
      .getBuiltinModule('node:child_process')
      .execFileSync(process.execPath, [
        '--input-type=module',
        '-e',
        `const { commandTable } = await import(${JSON.stringify(pathToFileURL(join(outDir, 'cli.mjs')).href)}); process.stdout.write(JSON.stringify(commandTable()))`
      ])
    writeAtomic(commandsFile, table)
    const sources = (output) =>
      Object.keys(output.inputs)
        .filter((path) => !path.includes('node_modules/'))
        .map(posix)
    writeAtomic(
      outputsFile,
      JSON.stringify(
        Object.fromEntries(
          Object.entries(built.metafile.outputs)
            .filter(([path]) => !path.endsWith('.map'))
            .map(([path, output]) => [relative(outDir, join(root, path)), sources(output)])
        )
      )
    )
    const inputs = {}
    const files = [...Object.keys(built.metafile.inputs), ...configFiles]
    for (const path of files) {
      if (path.includes('node_modules/')) continue
      const bytes = readFileSync(join(root, path))
      const stat = statSync(join(root, path))
      inputs[posix(path)] = [stat.size, stat.mtimeMs, sha1(bytes)]
    }
    writeAtomic(
      recordFile,
      JSON.stringify({ esbuild: esbuild.version, builtAt: new Date().toISOString(), inputs })
    )
    removeOldFiles(keep)
    result = { built: true, files: Object.keys(inputs).length }
  })
  return { ...result, ms: performance.now() - started }
}

// `node main/cli/bundle.mjs [--force]`: the `prepare` and `build:cli` scripts.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { built, ms, files } = await buildCli({ force: process.argv.includes('--force') })
    process.stderr.write(
      built
        ? `out/cli: bundled ${files} sources in ${(ms / 1000).toFixed(1)} s\n`
        : 'out/cli: up to date\n'
    )
  } catch (error) {
    process.stderr.write(`out/cli: the build failed: ${error.message}\n`)
    process.exitCode = 1
  }
}
