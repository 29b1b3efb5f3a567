// Build configuration of the desktop app:
// - default export: electron-vite (bundles main, the engine host and the preload; the renderer is built
//   by renderer/vite.config.ts into out/renderer),
// - `builder`: electron-builder (installers), used by `npm run dist`.
import { defineConfig } from 'electron-vite'
import type { Configuration } from 'electron-builder'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: 'main/app/electron-main.ts',
          'engine-host': 'main/engine/host/host.ts'
        },
        external: ['onnxruntime-node', 'better-sqlite3', 'tsx', 'tsx/esm/api']
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only `electron`: bundle the contract's zod into it.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: { index: 'main/app/preload.ts' },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  }
})

export const builder: Configuration = {
  appId: 'dev.diffusion-studio.app',
  productName: 'Diffusion Studio',
  directories: { output: 'dist', buildResources: 'assets' },
  files: ['out/**', 'package.json', '!**/*.map'],
  // Native addons cannot load from inside the asar archive.
  asarUnpack: ['**/node_modules/onnxruntime-node/**', '**/node_modules/better-sqlite3/**'],
  extraResources: [
    { from: 'native-models/starter', to: 'starter', filter: ['**/*.onnx', '**/*.json'] }
  ],
  icon: 'assets/icon.png',
  linux: { target: ['AppImage', 'deb'], category: 'Graphics' },
  win: { target: ['nsis'] },
  mac: { target: ['dmg'], category: 'public.app-category.graphics-design' },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true },
  // Every fuse the app does not need is off (Electron's security checklist): no ELECTRON_RUN_AS_NODE,
  // NODE_OPTIONS or --inspect running code as the signed app, app.asar integrity-checked and the only
  // place code loads from, no extra privileges for file:// (the renderer is served from studio://).
  // The engine runs in a utility process, which needs none of runAsNode.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false
  }
}
