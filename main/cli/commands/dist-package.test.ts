// The packaged desktop app, built here for real: `npm run dist -- --dir` against a stand-in Electron
// (this machine cannot download one), then the result read back with @electron/asar and loaded with
// Node. One build for the whole file (about a minute on a busy 2-core machine); the offline run after it.
import { extractFile } from '@electron/asar'
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builder } from '../../../electron.config'
import { projectRoot } from '../../platform/paths'
import { inspectPackage, type AsarFile, type Inspection } from './dist-inspect'
import { makeStandInElectron } from './dist-standin'

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const electronVersion = (
  JSON.parse(readFileSync(join(projectRoot, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string
  }
).version
const budgetBytes = 250e6
const sqliteAddon = join(
  projectRoot,
  'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
)
const sha256 = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex')

describe.runIf(process.platform === 'linux' && process.arch === 'x64')(
  'the packaged Linux app (npm run dist -- --dir, stand-in Electron)',
  () => {
    const work = mkdtempSync(join(tmpdir(), 'dist-package-'))
    const output = join(work, 'dist')
    const appOutDir = join(output, 'linux-unpacked')
    const resources = join(appOutDir, 'resources')
    const unpacked = join(resources, 'app.asar.unpacked')
    const sqliteBefore = sha256(sqliteAddon)
    let run: { status: number | null; stdout: string; stderr: string; seconds: number }
    let asar: readonly AsarFile[] = []
    /** dist's own checks; `electronAbi` 0 with --no-rebuild turns the ABI check into a warning. */
    const inspect = (electronAbi = 0): Inspection =>
      inspectPackage(
        appOutDir,
        { platform: 'linux', arch: 'x64', libc: 'glibc' },
        {
          electronAbi,
          rebuilt: electronAbi !== 0
        }
      )

    beforeAll(() => {
      const standIn = makeStandInElectron(join(work, 'electron'), electronVersion)
      const started = Date.now()
      const result = spawnSync(
        npm,
        [
          'run',
          '--silent',
          'dist',
          '--',
          '--dir',
          '--no-rebuild',
          '--electron-dist',
          standIn,
          '--output',
          output
        ],
        { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, CI: 'true' } }
      )
      run = {
        status: result.status,
        stdout: result.stdout,
        stderr: result.stderr,
        seconds: (Date.now() - started) / 1000
      }
      process.stdout.write(`npm run dist -- --dir took ${run.seconds.toFixed(1)} s\n`)
      if (run.status === 0) {
        asar = inspect().asar
      }
    }, 900_000)
    afterAll(() => rmSync(work, { recursive: true, force: true }))

    it('builds, prints the unpacked folder, and prints its size under the 250 MB budget', () => {
      expect(run.status, run.stderr.slice(-4000)).toBe(0)
      expect(run.stdout.trim().split('\n').pop()).toBe(appOutDir)
      const size = /linux-x64 package: ([\d.]+) MB unpacked/.exec(run.stderr)
      expect(size, run.stderr.slice(-2000)).not.toBeNull()
      process.stdout.write(size![0] + '\n')
      const measured = inspect().sizes.total
      expect(Number(size![1])).toBeCloseTo(measured / 1e6, 1)
      expect(measured).toBeLessThan(budgetBytes)
    })

    it('has the main, engine and preload entry points, the renderer and the starter models', () => {
      const paths = new Set(asar.map((f) => f.path))
      for (const entry of [
        'package.json',
        'out/main/index.js',
        'out/main/engine-host.js',
        'out/preload/index.cjs',
        'out/renderer/index.html'
      ]) {
        expect(paths.has(entry), entry).toBe(true)
      }
      const pkg = JSON.parse(
        extractFile(join(resources, 'app.asar'), 'package.json').toString()
      ) as {
        main: string
      }
      expect(paths.has(pkg.main)).toBe(true)
      const models = readdirSync(join(resources, 'starter'), { recursive: true }).map(String)
      expect(models.some((f) => f.endsWith('manifest.json'))).toBe(true)
      expect(models.some((f) => f.endsWith('.onnx'))).toBe(true)
    })

    it('keeps every native file outside app.asar and nothing for macOS or Windows', () => {
      const packed = asar.filter((f) => !f.unpacked).map((f) => f.path)
      expect(packed.filter((p) => /\.(node|so(\.\d+)*|dylib|dll|exe)$/.test(p))).toEqual([])
      const all = asar.map((f) => f.path)
      expect(
        all.filter((p) => /\/(darwin|win32)\//.test(p) || /\.(dylib|dll|exe)$/.test(p))
      ).toEqual([])
      expect(inspect(Number(process.versions.modules)).problems).toEqual([])
    })

    it('carries only what main loads at run time: no build tools, no renderer-only libraries', () => {
      const packages = new Set(
        asar.map((f) => /^node_modules\/((@[^/]+\/)?[^/]+)/.exec(f.path)?.[1]).filter(Boolean)
      )
      for (const absent of [
        'three',
        'wavesurfer.js',
        'esbuild',
        'tsx',
        'commander',
        'electron',
        'vite'
      ]) {
        expect(packages.has(absent), absent).toBe(false)
      }
      for (const present of [
        'sharp',
        'onnxruntime-node',
        'better-sqlite3',
        '@img/sharp-linux-x64'
      ]) {
        expect(packages.has(present), present).toBe(true)
      }
      // Build leftovers of better-sqlite3 (sources, objects, static library) stay out.
      expect(
        asar.filter((f) => /better-sqlite3\/(deps|src|build\/Release\/obj)/.test(f.path))
      ).toEqual([])
    })

    it('links each addon’s shared libraries from app.asar.unpacked (ldd)', () => {
      const natives = inspect().natives
      const linkOf = (addon: RegExp, library: string): string | null | undefined =>
        natives.find((n) => addon.test(n.path))?.links?.find((l) => l.name.startsWith(library))
          ?.path
      expect(linkOf(/sharp-linux-x64.*\.node$/, 'libvips-cpp.so')).toBe(
        join(unpacked, 'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7')
      )
      expect(linkOf(/onnxruntime_binding\.node$/, 'libonnxruntime.so')).toBe(
        join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')
      )
    })

    it('flips the fuses electron.config.ts sets', async () => {
      const wire = await getCurrentFuseWire(join(appOutDir, 'diffusion-studio'))
      const fuses = builder.electronFuses!
      const expected: Record<number, boolean> = {
        [FuseV1Options.RunAsNode]: fuses.runAsNode!,
        [FuseV1Options.EnableCookieEncryption]: fuses.enableCookieEncryption!,
        [FuseV1Options.EnableNodeOptionsEnvironmentVariable]:
          fuses.enableNodeOptionsEnvironmentVariable!,
        [FuseV1Options.EnableNodeCliInspectArguments]: fuses.enableNodeCliInspectArguments!,
        [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]:
          fuses.enableEmbeddedAsarIntegrityValidation!,
        [FuseV1Options.OnlyLoadAppFromAsar]: fuses.onlyLoadAppFromAsar!,
        [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]:
          fuses.loadBrowserProcessSpecificV8Snapshot!,
        [FuseV1Options.GrantFileProtocolExtraPrivileges]: fuses.grantFileProtocolExtraPrivileges!
      }
      for (const [index, on] of Object.entries(expected)) {
        expect(wire[Number(index) as FuseV1Options], FuseV1Options[Number(index)]).toBe(
          on ? 49 : 48
        )
      }
    })

    it('process.dlopen()s every unpacked addon with Node, its libraries mapped from app.asar.unpacked', () => {
      const addons = readdirSync(unpacked, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.node'))
        .map((f) => join(unpacked, f))
      expect(addons.length).toBe(3) // sharp, onnxruntime-node, better-sqlite3
      const script = `
        const fs = require('node:fs')
        const loaded = {}
        for (const addon of ${JSON.stringify(addons)}) {
          const module = { exports: {} }
          process.dlopen(module, addon)
          loaded[addon] = Object.keys(module.exports).length
        }
        const maps = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.split(/\\s+/)[5]).filter(Boolean)
        process.stdout.write(JSON.stringify({ loaded, maps: [...new Set(maps)] }))`
      // A fresh Node with no library path of its own: nothing already loaded can stand in.
      const env = { ...process.env }
      delete env.LD_LIBRARY_PATH
      const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env })
      expect(result.status, result.stderr).toBe(0)
      const { loaded, maps } = JSON.parse(result.stdout) as {
        loaded: Record<string, number>
        maps: string[]
      }
      for (const addon of addons) expect(loaded[addon], addon).toBeGreaterThan(0)
      const mapped = (name: string): string[] => maps.filter((m) => m.includes(name))
      expect(mapped('libvips-cpp.so')).toEqual([
        join(unpacked, 'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7')
      ])
      expect(mapped('libonnxruntime.so')).toEqual([
        join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')
      ])
    })

    it('runs sharp, onnxruntime-node and better-sqlite3 through their JavaScript as Electron lays them out', () => {
      // Electron shows app.asar as a folder (module paths stay inside it, unpacked files read from
      // app.asar.unpacked) and dlopen()s an unpacked addon at its real place. Node cannot read an
      // archive, so: a folder with every file's bytes, each native file a link to its real place in
      // app.asar.unpacked, where Node's realpath (and so dlopen and the loader's $ORIGIN) takes it.
      const view = join(work, 'view')
      for (const file of asar) {
        const target = join(view, file.path)
        mkdirSync(dirname(target), { recursive: true })
        if (file.unpacked && /\.(node|so(\.\d+)*)$/.test(file.path)) {
          symlinkSync(join(unpacked, file.path), target)
        } else if (file.unpacked) writeFileSync(target, readFileSync(join(unpacked, file.path)))
        else writeFileSync(target, extractFile(join(resources, 'app.asar'), file.path))
      }
      const model = readdirSync(join(resources, 'starter'), { recursive: true })
        .map(String)
        .find((f) => f.endsWith('.onnx'))!
      const script = `
        const { createRequire } = require('node:module')
        const fs = require('node:fs')
        const load = createRequire(${JSON.stringify(join(view, 'package.json'))})
        ;(async () => {
          const sharp = load('sharp')
          const png = await sharp({ create: { width: 5, height: 3, channels: 3, background: '#ff0000' } }).png().toBuffer()
          const { width, height, format } = await sharp(png).metadata()
          const ort = load('onnxruntime-node')
          const session = await ort.InferenceSession.create(${JSON.stringify(join(resources, 'starter', model))})
          const Database = load('better-sqlite3')
          const db = new Database(':memory:')
          const row = db.prepare('select sqlite_version() as v, 6 * 7 as answer').get()
          const maps = fs.readFileSync('/proc/self/maps', 'utf8')
          const from = (name) => [...new Set(maps.split('\\n').map((l) => l.split(/\\s+/)[5]).filter((p) => p && p.includes(name)))]
          process.stdout.write(JSON.stringify({
            image: [width, height, format], inputs: session.inputNames.length, answer: row.answer,
            vips: from('libvips-cpp'), ort: from('libonnxruntime.so'), sqlite: from('better_sqlite3.node')
          }))
        })().catch((e) => { console.error(e); process.exit(1) })`
      const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
      expect(result.status, result.stderr).toBe(0)
      const out = JSON.parse(result.stdout) as Record<string, unknown>
      expect(out.image).toEqual([5, 3, 'png'])
      expect(out.inputs).toBeGreaterThan(0)
      expect(out.answer).toBe(42)
      expect(out.vips).toEqual([
        join(unpacked, 'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7')
      ])
      expect(out.ort).toEqual([
        join(unpacked, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')
      ])
      expect(out.sqlite).toEqual([
        join(unpacked, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')
      ])
    })

    it('says better-sqlite3 is left at Node’s ABI (--no-rebuild), which is what let Node load it above', () => {
      expect(run.stderr).toContain(
        `node_modules/better-sqlite3/build/Release/better_sqlite3.node is built for Node ABI ${process.versions.modules}, not Electron's`
      )
    })

    it('leaves the checkout working: its better-sqlite3 untouched and the CLI running', () => {
      expect(sha256(sqliteAddon)).toBe(sqliteBefore)
      const sqlite = spawnSync(
        process.execPath,
        [
          '-e',
          "const D = require('better-sqlite3'); process.stdout.write(String(new D(':memory:').prepare('select 2 as x').get().x))"
        ],
        { cwd: projectRoot, encoding: 'utf8' }
      )
      expect(sqlite.stdout, sqlite.stderr).toBe('2')
      const samplers = spawnSync(process.execPath, ['main/cli/bin.mjs', 'samplers'], {
        cwd: projectRoot,
        encoding: 'utf8'
      })
      expect(samplers.status, samplers.stderr).toBe(0)
      expect(samplers.stdout).toMatch(/euler/i)
    })

    it('refuses another CPU whose sharp binaries are not installed, with the studio’s own sentence', () => {
      const result = spawnSync(
        process.execPath,
        ['main/cli/bin.mjs', 'dist', '--dir', '--arch', 'arm64', '--output', join(work, 'arm64')],
        { cwd: projectRoot, encoding: 'utf8' }
      )
      expect(result.status, result.stderr.slice(-3000)).toBe(5)
      expect(result.stderr.trim().split('\n').pop()).toBe(
        'error: @img/sharp-libvips-linux-arm64, @img/sharp-linux-arm64 are not installed, so a linux-arm64 package cannot be built here: build it on that platform, or run `npm install --os=linux --cpu=arm64` first.'
      )
    }, 600_000)

    it('exits non-zero with one sentence when electron-builder fails offline', () => {
      // Offline on any machine: Electron's mirror is a closed local port and the caches are empty.
      const empty = join(work, 'empty-cache')
      mkdirSync(empty, { recursive: true })
      const result = spawnSync(
        process.execPath,
        ['main/cli/bin.mjs', 'dist', '--dir', '--no-rebuild', '--output', join(work, 'offline')],
        {
          cwd: projectRoot,
          encoding: 'utf8',
          env: {
            ...process.env,
            ELECTRON_MIRROR: 'http://127.0.0.1:9/',
            electron_config_cache: empty,
            ELECTRON_BUILDER_CACHE: empty,
            XDG_CACHE_HOME: empty
          }
        }
      )
      expect(result.status, result.stderr.slice(-3000)).toBe(5)
      const last = result.stderr.trim().split('\n').pop()!
      expect(last).toMatch(
        /^error: electron-builder failed \(.*ECONNREFUSED.*\): it downloads Electron, Electron's headers for the native-module rebuild and its packaging tools on first use, and this machine could not reach them, so build installers where there is network access \(README, "Installers"\)\.$/
      )
      expect(existsSync(join(work, 'offline', 'linux-unpacked', 'resources', 'app.asar'))).toBe(
        false
      )
    }, 600_000)
  }
)
