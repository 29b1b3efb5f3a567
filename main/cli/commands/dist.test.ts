// dist's parts on small fixtures: the failure sentence, what the bundle loads, the staging folder's
// per-platform filtering, and the package inspection (including the sharp-without-libvips fault).
import { createPackageWithOptions } from '@electron/asar'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { projectRoot } from '../../platform/paths'
import { failureSentence } from './dist'
import { addonAbi, binaryFormat, inspectPackage } from './dist-inspect'
import {
  isForeignBinaryPath,
  packageFits,
  packageOf,
  runtimePackages,
  stageApp,
  type DistTarget
} from './dist-stage'

const linuxX64: DistTarget = { platform: 'linux', arch: 'x64', libc: 'glibc' }
const dirs: string[] = []
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dist-test-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function write(path: string, content: string | Buffer = ''): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

describe('the failure sentence', () => {
  it('names the cause and the fix when a download failed, also when only the log says so', () => {
    // @electron/rebuild throws this line and prints node-gyp's explanation instead of throwing it.
    const reply = {
      message: "node-gyp failed to rebuild '/tmp/stage/node_modules/better-sqlite3'",
      output:
        'Error: This is most likely not a problem with node-gyp or the package itself and\nis related to network connectivity.'
    }
    expect(failureSentence(reply)).toBe(
      `electron-builder failed (node-gyp failed to rebuild '/tmp/stage/node_modules/better-sqlite3'): it downloads Electron, Electron's headers for the native-module rebuild and its packaging tools on first use, and this machine could not reach them, so build installers where there is network access (README, "Installers").`
    )
    expect(
      failureSentence({ message: 'connect ECONNREFUSED 127.0.0.1:9\n  at x', output: '' })
    ).toMatch(
      /^electron-builder failed \(connect ECONNREFUSED 127\.0\.0\.1:9\): it downloads Electron/
    )
  })

  it('is the first line of the error otherwise', () => {
    expect(
      failureSentence({ message: 'Please specify project homepage.\n\nmore', output: 'log' })
    ).toBe('electron-builder failed: Please specify project homepage.')
  })
})

describe('what the bundle loads at run time', () => {
  it('reads package names from imports, import() and require(), not built-ins, electron or paths', () => {
    const out = temp()
    write(
      join(out, 'main', 'index.js'),
      [
        'import { z } from "zod";',
        'import Database from "better-sqlite3";',
        'import { readFile } from "node:fs";',
        'import path from "path";',
        'import { app } from "electron";',
        'import { x } from "./chunks/a.js";',
        'const t = await import("@huggingface/tokenizers/dist/x.js");',
        "const s = require('sharp');"
      ].join('\n')
    )
    write(join(out, 'preload', 'index.cjs'), 'const { ipcRenderer } = require("electron")')
    write(join(out, 'renderer', 'assets', 'app.js'), 'import * as THREE from "three"')
    // The command line's own bundle is not the app's.
    write(join(out, 'cli', 'dist-worker.mjs'), 'import { build } from "electron-builder"')
    expect(runtimePackages(out)).toEqual([
      '@huggingface/tokenizers',
      'better-sqlite3',
      'sharp',
      'zod'
    ])
    expect(packageOf('@img/sharp-linux-x64/sharp.node')).toBe('@img/sharp-linux-x64')
    expect(packageOf('node:fs')).toBeNull()
  })
})

describe('per-platform filtering', () => {
  it('follows npm’s os, cpu and libc fields', () => {
    const sharpLinux = { os: ['linux'], cpu: ['x64'], libc: ['glibc'] }
    expect(packageFits(sharpLinux, linuxX64)).toBe(true)
    expect(packageFits(sharpLinux, { ...linuxX64, libc: 'musl' })).toBe(false)
    expect(packageFits(sharpLinux, { platform: 'darwin', arch: 'x64' })).toBe(false)
    expect(packageFits({ os: ['!win32'] }, linuxX64)).toBe(true)
    expect(packageFits({ os: ['!linux'] }, linuxX64)).toBe(false)
    expect(packageFits({}, { platform: 'win32', arch: 'arm64' })).toBe(true)
  })

  it('drops other platforms’ binary folders (onnxruntime-node’s bin/napi-v6/<platform>/<arch>)', () => {
    expect(isForeignBinaryPath('bin/napi-v6/linux/x64/libonnxruntime.so.1', linuxX64)).toBe(false)
    expect(isForeignBinaryPath('bin/napi-v6/linux/arm64/libonnxruntime.so.1', linuxX64)).toBe(true)
    expect(isForeignBinaryPath('bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib', linuxX64)).toBe(
      true
    )
    expect(isForeignBinaryPath('bin/napi-v6/win32/x64/onnxruntime.dll', linuxX64)).toBe(true)
    expect(
      isForeignBinaryPath('bin/napi-v6/win32/x64/onnxruntime.dll', {
        platform: 'win32',
        arch: 'x64'
      })
    ).toBe(false)
    expect(isForeignBinaryPath('lib/index.js', linuxX64)).toBe(false)
  })
})

/** A checkout with out/ and node_modules laid out like npm's: hoisted, one nested copy, platform packages. */
function fixtureRoot(): string {
  const root = temp()
  const pkg = (dir: string, json: object): void =>
    write(join(root, dir, 'package.json'), JSON.stringify(json))
  pkg('.', {
    name: 'app',
    version: '1.0.0',
    main: 'out/main/index.js',
    dependencies: { engine: '^1.0.0', images: '^1.0.0', cli: '^1.0.0' }
  })
  write(join(root, 'out', 'main', 'index.js'), 'import "engine"; import "images";')
  write(join(root, 'out', 'main', 'index.js.map'), '{}')
  write(join(root, 'out', 'cli', 'cli.mjs'), 'import "builder"')
  pkg('node_modules/engine', { name: 'engine', version: '1.0.0', dependencies: { common: '^2' } })
  for (const platform of ['linux/x64', 'darwin/arm64', 'win32/x64']) {
    write(join(root, 'node_modules/engine/bin/napi-v6', platform, 'binding.node'), 'x')
  }
  pkg('node_modules/common', { name: 'common', version: '1.0.0' })
  pkg('node_modules/engine/node_modules/common', { name: 'common', version: '2.0.0' })
  pkg('node_modules/images', {
    name: 'images',
    version: '1.0.0',
    optionalDependencies: { '@img/images-linux-x64': '1', '@img/images-darwin-arm64': '1' }
  })
  pkg('node_modules/@img/images-linux-x64', {
    name: '@img/images-linux-x64',
    version: '1.0.0',
    os: ['linux'],
    cpu: ['x64']
  })
  pkg('node_modules/cli', { name: 'cli', version: '1.0.0' })
  return root
}

describe('the staging folder', () => {
  it('holds out/ without maps and only the runtime packages for the target, as Node resolves them', () => {
    const root = fixtureRoot()
    const stage = join(temp(), 'stage')
    const result = stageApp(root, stage, linuxX64)
    expect(result.packages.map((p) => `${p.path}@${p.version}`)).toEqual([
      'node_modules/@img/images-linux-x64@1.0.0',
      'node_modules/engine@1.0.0',
      'node_modules/engine/node_modules/common@2.0.0',
      'node_modules/images@1.0.0'
    ])
    expect(existsSync(join(stage, 'out/main/index.js'))).toBe(true)
    expect(existsSync(join(stage, 'out/main/index.js.map'))).toBe(false)
    expect(existsSync(join(stage, 'out/cli'))).toBe(false)
    expect(existsSync(join(stage, 'node_modules/engine/bin/napi-v6/linux/x64/binding.node'))).toBe(
      true
    )
    const binaries = readdirSync(join(stage, 'node_modules/engine/bin'), { recursive: true })
    expect(binaries.filter((f) => String(f).endsWith('.node'))).toEqual([
      join('napi-v6', 'linux', 'x64', 'binding.node')
    ])
    expect(existsSync(join(stage, 'node_modules/cli'))).toBe(false)
    const staged = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
    }
    expect(staged.dependencies).toEqual({ engine: '^1.0.0', images: '^1.0.0' })
  })

  it('refuses a target whose platform packages are not installed, saying how to get them', () => {
    const root = fixtureRoot()
    expect(() =>
      stageApp(root, join(temp(), 'stage'), { platform: 'darwin', arch: 'arm64' })
    ).toThrow(
      '@img/images-darwin-arm64 is not installed, so a darwin-arm64 package cannot be built here: build it on that platform, or run `npm install --os=darwin --cpu=arm64` first.'
    )
  })

  it('refuses a bundle that loads a package package.json does not list in dependencies', () => {
    const root = fixtureRoot()
    write(join(root, 'out', 'main', 'extra.js'), 'import "common"')
    expect(() => stageApp(root, join(temp(), 'stage'), linuxX64)).toThrow(
      'The bundle in out/ loads common at run time, but package.json does not list it in dependencies.'
    )
  })
})

describe('binary formats and addon ABIs', () => {
  it('reads ELF, Mach-O and PE from the first bytes', () => {
    expect(binaryFormat(Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'a.so')).toBe('elf')
    expect(binaryFormat(Buffer.from([0xcf, 0xfa, 0xed, 0xfe]), 'a.dylib')).toBe('mach-o')
    expect(binaryFormat(Buffer.from([0xca, 0xfe, 0xba, 0xbe]), 'A.class')).toBeNull()
    expect(binaryFormat(Buffer.from('MZ\x90\x00', 'latin1'), 'onnxruntime.dll')).toBe('pe')
    expect(binaryFormat(Buffer.from('MZ is a text', 'latin1'), 'notes.txt')).toBeNull()
  })

  it('reads the ABI of the addons installed here', () => {
    const sqlite = join(
      projectRoot,
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
    )
    expect(addonAbi(readFileSync(sqlite))).toBe(Number(process.versions.modules))
    const ort = join(
      projectRoot,
      `node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`
    )
    if (existsSync(ort)) expect(addonAbi(readFileSync(ort))).toBe('napi')
  })
})

describe.runIf(process.platform === 'linux' && process.arch === 'x64')(
  'the package inspection',
  () => {
    const sharpAddon = join(projectRoot, 'node_modules/@img/sharp-linux-x64/lib')
    const libvips = join(projectRoot, 'node_modules/@img/sharp-libvips-linux-x64/lib')

    /** An app folder whose app.asar is made from `app/`, unpacking what `unpack` matches. */
    async function appFolder(fill: (app: string) => void, unpack: string): Promise<string> {
      const work = temp()
      const app = join(work, 'app')
      fill(app)
      const out = join(work, 'linux-unpacked')
      write(join(out, 'diffusion-studio'), '#!/bin/sh\n')
      await createPackageWithOptions(app, join(out, 'resources', 'app.asar'), { unpack })
      return out
    }
    const withSharp = (app: string): void => {
      write(join(app, 'package.json'), '{}')
      cpSync(sharpAddon, join(app, 'node_modules/@img/sharp-linux-x64/lib'), { recursive: true })
      cpSync(libvips, join(app, 'node_modules/@img/sharp-libvips-linux-x64/lib'), {
        recursive: true
      })
    }
    const options = { electronAbi: 150, rebuilt: true }

    it('reports sharp’s addon unpacked with libvips left inside app.asar (the fault the app had)', async () => {
      const out = await appFolder(withSharp, '*.node')
      const { problems } = inspectPackage(out, linuxX64, options)
      expect(problems).toEqual([
        'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7 is inside app.asar, where the dynamic loader cannot open it (asarUnpack).',
        'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node links libvips-cpp.so.8.18.7, which the dynamic loader cannot find.'
      ])
    })

    it('passes the same files with the shared library unpacked too, and resolves it there', async () => {
      const out = await appFolder(withSharp, '{*.node,*.so.*}')
      const inspection = inspectPackage(out, linuxX64, options)
      expect(inspection.problems).toEqual([])
      const addon = inspection.natives.find((n) => n.path.endsWith('.node'))!
      expect(addon.abi).toBe('napi')
      const vips = addon.links!.find((l) => l.name.startsWith('libvips-cpp'))!
      expect(vips.path).toBe(
        join(
          out,
          'resources/app.asar.unpacked/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7'
        )
      )
    })

    it('reports another OS’s binary and an addon at the wrong ABI', async () => {
      const out = await appFolder((app) => {
        write(join(app, 'package.json'), '{}')
        write(join(app, 'lib/libonnxruntime.1.dylib'), Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0, 0]))
        write(join(app, 'build/addon.node'), 'ELF? no: node_register_module_v115 in the bytes')
      }, '{*.node,*.dylib}')
      expect(inspectPackage(out, linuxX64, options).problems).toEqual([
        'resources/app.asar.unpacked/lib/libonnxruntime.1.dylib is a mach-o binary in a linux package.',
        "build/addon.node is built for Node ABI 115, not Electron's 150: the rebuild for Electron did not take."
      ])
      const unrebuilt = inspectPackage(out, linuxX64, { electronAbi: 150, rebuilt: false })
      expect(unrebuilt.warnings).toEqual([
        "build/addon.node is built for Node ABI 115, not Electron's 150 (--no-rebuild): Electron cannot load it, so this package is for checking the layout only."
      ])
    })
  }
)
