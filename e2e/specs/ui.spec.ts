import { test as base } from '@playwright/test'
import { errorTitles } from '../../main/contract'
import { startMockHost, type MockHost } from '../fixtures/mock-host'
import { expect, newestJob, openStudio, screenshot, seen } from '../fixtures/web-host'

/**
 * UI behaviour that does not depend on the real engine, against the protocol-level stand-in in
 * fixtures/mock-host.ts (deterministic timing, a text model with missing files, samplers with params).
 * The product flows against the real web host are in the other specs.
 */
const test = base.extend<{ mock: MockHost }>({
  // eslint-disable-next-line no-empty-pattern
  mock: async ({}, use) => {
    const host = await startMockHost({ stepMs: 40 })
    await use(host)
    await host.close()
  }
})

test.describe('studio UI (mock host)', () => {
  test('layout: modalities announced, model problems shown, engine in the status bar', async ({
    page,
    mock
  }) => {
    await openStudio(page, mock.url)
    await expect(page.getByTestId('tab-image')).toHaveAttribute('aria-selected', 'true')
    for (const id of ['inpaint', 'upscale', '3d', 'molecules', 'audio', 'video']) {
      const tab = page.getByTestId(`tab-${id}`)
      await expect(tab).toHaveAttribute('aria-disabled', 'true')
      await expect(tab).toContainText('coming next')
    }
    await expect(page.getByTestId('model-problem')).toContainText('unet/model.onnx is missing')
    await expect(
      page.getByTestId('model-select').locator('option[value="sd-turbo"]')
    ).toBeDisabled()
    await expect(page.getByTestId('engine-provider')).toHaveText('CPU')
    await expect(page.getByTestId('engine-fallback')).toContainText('no adapter found')
    await expect(page.getByTestId('connection-state')).toHaveText(/Connected/)
    await expect(page.getByTestId('stage-empty')).toBeVisible()
    await expect(page.getByTestId('class-select')).toHaveValue('smiling face')
    await screenshot(page, 'ui-empty')
  })

  test('Ctrl+Enter generates; seeds roll unless locked; reuse recipe reproduces a run', async ({
    page,
    mock
  }) => {
    await openStudio(page, mock.url)
    await page.getByTestId('steps-input').fill('6')
    await page.getByTestId('class-select').selectOption('rocket')

    await page.keyboard.press('Control+Enter')
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done')
    const firstSeed = await page.getByTestId('recipe-seed').innerText()

    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('history-item')).toHaveCount(2)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done')
    const secondSeed = await page.getByTestId('recipe-seed').innerText()
    expect(secondSeed).not.toBe(firstSeed)

    // Open the first job and reuse its recipe: the seed is filled in and locked.
    await page
      .getByTestId('history-item')
      .nth(1)
      .getByRole('button', { name: /open job/i })
      .click()
    await expect(page.getByTestId('recipe-seed')).toHaveText(firstSeed)
    await page.getByTestId('reuse-recipe').click()
    await expect(page.getByTestId('seed-input')).toHaveValue(firstSeed)
    await expect(page.getByTestId('seed-lock')).toHaveAttribute('aria-pressed', 'true')
    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('history-item')).toHaveCount(3)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done')
    await expect(page.getByTestId('recipe-seed')).toHaveText(firstSeed)

    // The dice rolls a new seed; with the lock on it stays for the next run.
    await page.getByTestId('seed-dice').click()
    const rolled = await page.getByTestId('seed-input').inputValue()
    expect(rolled).not.toBe(firstSeed)
    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('history-item')).toHaveCount(4)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done')
    await expect(page.getByTestId('recipe-seed')).toHaveText(rolled)
  })

  test('queue: several runs wait their turn; a queued one can be cancelled', async ({
    page,
    mock
  }) => {
    await openStudio(page, mock.url)
    // 100 steps × 40 ms: each run takes about 4 s, so the later ones are still queued below.
    await page.getByTestId('steps-input').fill('100')
    for (let i = 0; i < 3; i++) await page.getByTestId('generate-button').click()
    const items = page.getByTestId('history-item')
    await expect(items).toHaveCount(3)
    await expect(page.locator('[data-testid=history-item][data-status=queued]')).toHaveCount(2)
    await expect(page.getByTestId('queue-summary')).toContainText('1 running')
    await screenshot(page, 'ui-queue')
    await items.first().getByTestId('cancel-job').click()
    await expect(items.first()).toHaveAttribute('data-status', 'cancelled')
    await expect(items.nth(1)).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
    await expect(items.nth(2)).toHaveAttribute('data-status', 'done')
    const what = await seen(page)
    expect(what.violations).toEqual([])
  })

  test('sampler parameters come from the descriptor and land in the recipe', async ({
    page,
    mock
  }) => {
    await openStudio(page, mock.url)
    await page.getByTestId('sampler-select').selectOption('ddim')
    const params = page.getByTestId('sampler-params')
    await expect(params.getByLabel('eta')).toHaveValue('0')
    await expect(params.getByLabel('clip_x0')).toBeChecked()
    await expect(params.getByLabel('variance')).toHaveValue('small')
    await params.getByLabel('eta').fill('0.3')
    await params.getByLabel('variance').selectOption('large')
    await expect(page.getByTestId('sampler-about')).toContainText('Song et al. 2021')
    await page.getByTestId('steps-input').fill('5')
    await page.getByTestId('generate-button').click()
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done')
    await expect(page.getByTestId('recipe-sampler')).toHaveText('DDIM')
    await expect(page.getByTestId('recipe')).toContainText('0.3')
    await expect(page.getByTestId('recipe')).toContainText('large')
  })

  test('errors are toasts with the contract title; settings save', async ({ page, mock }) => {
    await openStudio(page, mock.url)
    await page.getByTestId('count-input').fill('')
    await page.getByTestId('generate-button').click()
    const toast = page.getByTestId('error-toast')
    await expect(toast.getByTestId('toast-title')).toHaveText(errorTitles['invalid-request'])
    await expect(page.getByTestId('count-input')).toHaveAttribute('aria-invalid', 'true')
    await toast.getByTestId('toast-dismiss').click()
    await expect(toast).toHaveCount(0)

    await page.getByTestId('open-settings').click()
    const dialog = page.getByTestId('settings-dialog')
    await expect(dialog).toContainText('libcudart.so.12 not found')
    await dialog.getByLabel('Live preview every N steps').fill('2')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(dialog).toHaveCount(0)
    await expect(page.getByTestId('info-toast')).toContainText('Settings saved')
  })
})
