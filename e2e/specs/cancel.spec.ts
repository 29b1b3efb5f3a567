import type { Page } from '@playwright/test'
import { expect, jobWait, newestJob, openStudio, screenshot, test } from '../fixtures/web-host'

const stepOf = async (page: Page) =>
  Number(await page.getByTestId('progress-bar').getAttribute('data-step'))

test('cancel: a long run stops midway, shows cancelled, and the next run succeeds', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)

  // 16 images × 1000 steps: minutes of work, so the run is still going when Cancel lands, on a fast
  // machine too (the test waits for the engine, never races it).
  await page.getByTestId('steps-input').fill('1000')
  await page.getByTestId('count-input').fill('16')
  await page.getByTestId('generate-button').click()
  const job = newestJob(page)
  await expect(job).toHaveAttribute('data-status', 'running', jobWait)
  await expect.poll(() => stepOf(page), jobWait).toBeGreaterThanOrEqual(3)

  await job.getByTestId('cancel-job').click()
  await expect(job).toHaveAttribute('data-status', 'cancelled', jobWait)
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
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  await expect(page.getByTestId('result-image').first()).toBeVisible(jobWait)
  await expect(page.getByTestId('history-item').nth(1)).toHaveAttribute(
    'data-status',
    'cancelled',
    jobWait
  )
  await screenshot(page, 'after-cancel')
})
