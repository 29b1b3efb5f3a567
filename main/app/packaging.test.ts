// The packaging config (electron.config.ts `builder`) keeps the hardening and the metadata it promises.
// What electron-builder makes of it is checked by main/cli/commands/dist-package.test.ts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { builder, nativeFiles } from '../../electron.config'
import { projectRoot } from '../platform/paths'

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  description: string
  homepage: string
  author: { name: string; email: string }
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

describe('electron-builder configuration', () => {
  it('sets every fuse the app does not need', () => {
    expect(builder.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('ships app code inside the asar, every addon and shared library unpacked, and the starter models', () => {
    expect(builder.asar).toBe(true)
    expect(builder.asarUnpack).toEqual(nativeFiles)
    expect(nativeFiles).toEqual(['**/*.node', '**/*.so', '**/*.so.*', '**/*.dylib', '**/*.dll'])
    expect(JSON.stringify(builder.extraResources)).toContain('native-models/starter')
  })

  it('gives every target the metadata its installer needs', () => {
    // deb refuses to build without a homepage and the author's email (the maintainer).
    expect(pkg.homepage).toMatch(/^https:\/\//)
    expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+$/)
    expect(pkg.description.length).toBeGreaterThan(20)
    expect(builder.linux).toMatchObject({
      category: 'Graphics',
      executableName: 'diffusion-studio'
    })
    expect(builder.linux!.synopsis!.length).toBeGreaterThan(10)
    expect(builder.deb).toMatchObject({ packageCategory: 'graphics' })
    expect(builder.mac).toMatchObject({
      category: 'public.app-category.graphics-design',
      hardenedRuntime: true
    })
    expect(builder.nsis).toMatchObject({ oneClick: false })
  })

  it('has the icon sizes each target uses: a 1024² master and the Linux set', async () => {
    expect(await sharp(join(projectRoot, builder.icon as string)).metadata()).toMatchObject({
      width: 1024,
      height: 1024
    })
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      const file = join(projectRoot, builder.linux!.icon as string, `${size}x${size}.png`)
      expect(await sharp(file).metadata(), file).toMatchObject({ width: size, height: size })
    }
  })

  it('pins Electron to a patch release, and keeps renderer-only libraries out of the runtime dependencies', () => {
    expect(pkg.devDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/)
    const [major, minor] = pkg.devDependencies.electron!.split('.').map(Number)
    expect(major! > 45 || (major === 45 && minor! >= 6)).toBe(true)
    for (const name of ['three', 'wavesurfer.js']) expect(pkg.dependencies[name]).toBeUndefined()
  })
})
