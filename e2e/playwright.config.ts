import { defineConfig } from '@playwright/test'
import { resolveChromium } from './fixtures/browser'

/**
 * End-to-end tests. The web-host specs start `diffusion-studio serve` (fixtures/web-host.ts) and drive
 * Chromium — Playwright's own, a system one, or the one inside the npm package @sparticuz/chromium
 * (fixtures/browser.ts) — with WebGL through SwiftShader (software). The Electron spec runs where the
 * Electron binary exists and skips elsewhere. Screenshots and traces go to test-results/.
 */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--no-zygote',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run'
]

const browser = await resolveChromium()
process.stderr.write(`e2e: Chromium from ${browser.source} (${browser.executablePath})\n`)

export default defineConfig({
  testDir: './specs',
  outputDir: '../test-results/e2e',
  globalSetup: './fixtures/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Generous: the engine's speed on a busy machine is not a test's to control (see fixtures' jobWait).
  timeout: 600_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: browser.executablePath,
      args: chromiumArgs,
      env: { ...process.env, ...browser.env } as Record<string, string>
    }
  }
})
