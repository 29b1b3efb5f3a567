import type { Page } from '@playwright/test'
import { expect, newestJob, openStudio, screenshot, test } from '../fixtures/web-host'

const stepOf = async (page: Page) =>
  Number(await page.getByTestId('progress-bar').getAttribute('data-step'))

test('cancel: a long run stops midway, shows cancelled, and the next run succeeds', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)

  // As many steps as the contract allows, eight images at once, so the run is still going when Cancel
  // lands on a fast machine too.
  await page.getByTestId('steps-input').fill('1000')
  await page.getByTestId('count-input').fill('8')
  await page.getByTestId('generate-button').click()
  const job = newestJob(page)
  await expect(job).toHaveAttribute('data-status', 'running', { timeout: 60_000 })
  await expect.poll(() => stepOf(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3)

  await job.getByTestId('cancel-job').click()
  await expect(job).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 })
  await expect(page.getByTestId('job-cancelled')).toBeVisible()
  const stoppedAt = await stepOf(page)
  expect(stoppedAt).toBeLessThan(1000)
  await expect(job.getByTestId('cancel-job')).toHaveCount(0)
  await expect(page.getByTestId('error-toast')).toHaveCount(0)
  await screenshot(page, 'cancelled')

  // The engine is free again: a short run goes through.
  await page.getByTestId('steps-input').fill('12')
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('history-item')).toHaveCount(2)
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', { timeout: 120_000 })
  await expect(page.getByTestId('result-image').first()).toBeVisible()
  await expect(page.getByTestId('history-item').nth(1)).toHaveAttribute('data-status', 'cancelled')
  await screenshot(page, 'after-cancel')
})
