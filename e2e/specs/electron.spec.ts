import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { repoRoot, screenshot } from '../fixtures/web-host'

const skipReason = 'Electron binary not installed (cannot be downloaded on this machine)'

/**
 * The Electron binary's path, or null where it is not installed. Looks before it leaps: from 45.5 the
 * npm package downloads the binary the first time `require('electron')` runs, which must not happen in
 * a test run (and cannot, offline).
 */
function electronBinary(): string | null {
  const require = createRequire(import.meta.url)
  let packageDir: string
  try {
    packageDir = dirname(require.resolve('electron/package.json'))
  } catch {
    return null
  }
  const pathFile = join(packageDir, 'path.txt')
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (!existsSync(pathFile) && !override) return null
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron'
  const expected = override ? join(override, relative) : join(packageDir, 'dist', relative)
  if (!existsSync(expected)) return null
  const binary = require('electron') as unknown as string
  return typeof binary === 'string' && existsSync(binary) ? binary : null
}

test('electron: the generate flow in the desktop shell', async () => {
  const binary = electronBinary()
  if (!binary) console.log(`electron.spec: skipped: ${skipReason}`)
  test.skip(!binary, skipReason)

  const mainEntry = join(repoRoot, 'out', 'main', 'index.js')
  expect(existsSync(mainEntry), `${mainEntry} is missing: run \`npm run build\` first`).toBe(true)
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-electron-'))
  const app = await electron.launch({
    executablePath: binary ?? undefined,
    args: [repoRoot],
    cwd: repoRoot,
    env: { ...process.env, STUDIO_DATA_DIR: dataDir, STUDIO_E2E: '1' }
  })
  try {
    const page = await app.firstWindow()
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`))
    // In Electron the preload's window.studio is the transport, not the web client.
    await expect
      .poll(() => page.evaluate(() => typeof (globalThis as { studio?: unknown }).studio))
      .toBe('object')
    await expect(page.getByTestId('generate-button')).toBeEnabled({ timeout: 60_000 })
    await page.getByTestId('steps-input').fill('20')
    await page.getByTestId('generate-button').click()
    const job = page.getByTestId('history-item').first()
    await expect(page.getByTestId('result-image').first()).toBeVisible({ timeout: 120_000 })
    await expect(job).toHaveAttribute('data-status', 'done')
    await expect(page.getByTestId('connection-state')).toHaveCount(0)
    await screenshot(page, 'electron-generate')
  } finally {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
