import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// This file's folder (renderer/), whatever the working directory; no node: import needed.
const root = import.meta.dirname

/**
 * The renderer bundle. It is loaded from studio://app/ by Electron and from http://127.0.0.1 by the web
 * host, so every URL is relative (`base: './'`) and the output obeys the CSP both send as a header
 * (main/platform/csp.ts): no inline scripts or styles, Svelte component styles emitted as CSS files.
 *
 * `STUDIO_API=http://127.0.0.1:PORT npx vite --config renderer/vite.config.ts` proxies /api (HTTP and
 * WebSocket) to a running `diffusion-studio serve`, for UI work with hot reload.
 */
const api = process.env.STUDIO_API

export default defineConfig({
  root,
  base: './',
  // Component CSS goes to a .css file (emitCss), never into injected <style> tags the CSP would block.
  plugins: [svelte({ emitCss: true, compilerOptions: { css: 'external' } })],
  build: {
    outDir: '../out/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // The polyfill is not needed by Chromium and would be one more thing to audit against the CSP.
    modulePreload: { polyfill: false },
    // Keep every asset a real file so nothing ends up as an inline data: stylesheet or script.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    // three.js (the 3D viewers) alone is about 600 kB; the app loads from disk or loopback.
    chunkSizeWarningLimit: 1500,
    sourcemap: true
  },
  server: api ? { proxy: { '/api': { target: api, ws: true, changeOrigin: false } } } : undefined
})
