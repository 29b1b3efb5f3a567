import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, invoke, openStudio, repoRoot, screenshot, test } from '../fixtures/web-host'

/**
 * The Models screen against the real web host: import a copy of the starter model by path, use it from
 * the Generate panel, remove it. Downloads cannot reach a hub here; the unit tests cover them with a fake
 * hub (main/models/downloads.test.ts).
 */
test.describe('Models screen (real web host)', () => {
  let source: string
  test.beforeEach(() => {
    source = join(mkdtempSync(join(tmpdir(), 'studio-import-')), 'emoji-copy')
    cpSync(join(repoRoot, 'native-models', 'starter', 'emoji-32'), source, { recursive: true })
  })
  test.afterEach(() => rmSync(join(source, '..'), { recursive: true, force: true }))

  test('import by path, pick it in Generate, remove it', async ({ page, host }) => {
    await openStudio(page, host.url)
    await page.getByTestId('open-models').click()
    await expect(page.getByTestId('models-view')).toBeVisible()
    await expect(page.getByTestId('catalogue-entry').first()).toBeVisible()
    await expect(page.getByTestId('unverified').first()).toContainText('not yet verified')

    // A relative path is refused with the contract's message, not imported.
    await page.getByTestId('import-path').fill('relative/emoji')
    await page.getByTestId('import-submit').click()
    await expect(page.getByTestId('import-error')).toContainText('absolute')

    await page.getByTestId('import-path').fill(source)
    await page.getByTestId('import-id').fill('my-emoji')
    await page.getByTestId('import-submit').click()
    const row = page.locator('[data-testid=installed-model][data-model-id=my-emoji]')
    await expect(row).toBeVisible()
    await expect(row.getByTestId('model-status')).toHaveText('Ready')
    await expect(page.getByTestId('import-path')).toHaveValue('')
    await screenshot(page, 'models-imported')
    // Starter models cannot be removed.
    await expect(
      page
        .locator('[data-testid=installed-model][data-model-id=emoji-32]')
        .getByTestId('remove-model')
    ).toHaveCount(0)

    // The Generate panel's picker sees it without a reload.
    await page.getByTestId('tab-image').click()
    const select = page.getByTestId('model-select')
    await expect(select.locator('option[value=my-emoji]')).toHaveCount(1)
    await select.selectOption('my-emoji')
    await expect(select).toHaveValue('my-emoji')

    await page.getByTestId('open-models').click()
    await row.getByTestId('remove-model').click()
    await row.getByTestId('confirm-remove').click()
    await expect(row).toHaveCount(0)
    const ids = (await invoke(page.request, host, 'listModels')).map((m) => m.manifest.id)
    expect(ids).not.toContain('my-emoji')

    await page.getByTestId('tab-image').click()
    await expect(page.getByTestId('model-select').locator('option[value=my-emoji]')).toHaveCount(0)
  })
})
