// The packaging config (electron.config.ts `builder`) keeps the hardening it promises.
import { describe, expect, it } from 'vitest'
import { builder } from '../../electron.config'

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

  it('ships app code only inside the asar (native addons unpacked) and the starter models', () => {
    expect(builder.asar).not.toBe(false)
    expect(builder.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/onnxruntime-node/**',
        '**/node_modules/better-sqlite3/**'
      ])
    )
    expect(JSON.stringify(builder.extraResources)).toContain('native-models/starter')
  })
})
