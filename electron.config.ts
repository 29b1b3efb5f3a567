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
      // zod is bundled (tree-shaken) rather than shipped whole (5 MB in node_modules).
      externalizeDeps: { exclude: ['zod'] },
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

/** Native code, by file name: addons and the shared libraries they load. The dynamic loader cannot open a
 * file inside app.asar, and an addon finds its libraries beside it ($ORIGIN rpaths: sharp's libvips,
 * onnxruntime's libonnxruntime), so every one of them is unpacked, whatever package it is in. */
export const nativeFiles = ['**/*.node', '**/*.so', '**/*.so.*', '**/*.dylib', '**/*.dll']

/**
 * electron-builder's configuration, used only by `npm run dist` (main/cli/commands/dist.ts), which
 * packages a staging folder (out/ and the runtime packages for one platform and arch, native modules
 * rebuilt for Electron there) rather than the checkout, and fills in its paths and Electron's version.
 */
export const builder: Configuration = {
  appId: 'dev.diffusion-studio.app',
  productName: 'Diffusion Studio',
  copyright: 'Copyright © Diffusion Studio maintainers',
  directories: { output: 'dist', buildResources: 'assets' },
  files: [
    'out/**',
    'package.json',
    '!**/*.map',
    // What a native module's build leaves beside the addon: sources, objects, static libraries.
    '!**/node_modules/better-sqlite3/{deps,src}/**',
    '!**/node_modules/better-sqlite3/binding.gyp',
    '!**/node_modules/*/build/Release/{obj,obj.target,.deps}/**',
    '!**/node_modules/*/build/Release/*.{a,lib,exp,pdb,iobj,ipdb}',
    '!**/node_modules/*/build/Release/test_extension.node',
    '!**/node_modules/*/build/{deps,node_gyp_bins}/**',
    '!**/node_modules/*/build/{Makefile,config.gypi,binding.Makefile,*.mk}',
    '!**/node_modules/**/*.{md,markdown,d.ts,d.mts,d.cts}',
    // onnxruntime-node ships its macOS library twice (byte-identical); the binding loads
    // @rpath/libonnxruntime.1.dylib (its load command), so the fully versioned copy (45 MB) stays out.
    '!**/node_modules/onnxruntime-node/bin/napi-v6/darwin/*/libonnxruntime.*.*.*.dylib'
  ],
  asar: true,
  asarUnpack: nativeFiles,
  extraResources: [
    { from: 'native-models/starter', to: 'starter', filter: ['**/*.onnx', '**/*.json'] }
  ],
  icon: 'assets/icon.png',
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Graphics',
    icon: 'assets/icons',
    executableName: 'diffusion-studio',
    synopsis: 'Diffusion models on your own machine: images, point clouds, molecules',
    desktop: {
      entry: { StartupWMClass: 'Diffusion Studio', Keywords: 'diffusion;image;generate;onnx;' }
    }
  },
  deb: { packageCategory: 'graphics', priority: 'optional' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, allowToChangeInstallationDirectory: true, perMachine: false },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.graphics-design',
    // Signing and notarisation run when the certificates are in the environment (README, "Installers").
    hardenedRuntime: true
  },
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
