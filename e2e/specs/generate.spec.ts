import { expectAccessible } from '../fixtures/a11y'
import {
  expect,
  jobWait,
  newestJob,
  openStudio,
  screenshot,
  seen,
  test
} from '../fixtures/web-host'

test('generate: progress advances, the preview updates, the result loads, history says done', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  // The token is kept in sessionStorage and no longer shown in the address bar.
  expect(page.url()).not.toContain('token=')
  await expect(page.getByTestId('engine-provider')).not.toBeEmpty()

  await page.getByTestId('steps-input').fill('40')
  await page.getByTestId('generate-button').click()

  const job = newestJob(page)
  await expect(job).toBeVisible()
  // Half way: a screenshot of the live preview (skipped if this machine is so fast the run is over).
  const bar = page.getByTestId('progress-bar')
  await expect
    .poll(
      async () =>
        Number(await bar.getAttribute('data-step')) >= 20 ||
        (await job.getAttribute('data-status')) === 'done',
      { intervals: [50], ...jobWait }
    )
    .toBe(true)
  if ((await job.getAttribute('data-status')) === 'running')
    await screenshot(page, 'generate-running')
  const result = page.getByTestId('result-image').first()
  await expect(result).toBeVisible(jobWait)
  await expect(job).toHaveAttribute('data-status', 'done', jobWait)
  await expect(page.getByTestId('job-status')).toHaveText(/done/i)
  await expect(page.getByTestId('progress-text')).toHaveText('step 40 / 40')
  await expect
    .poll(() => result.evaluate((img) => (img as { naturalWidth: number }).naturalWidth))
    .toBeGreaterThan(0)
  await expect(job.locator('img')).toBeVisible()
  await expect(page.getByTestId('error-toast')).toHaveCount(0)

  const what = await seen(page)
  // Several distinct steps were shown, in increasing order, ending at the last one.
  expect(what.steps.length, `steps seen: ${what.steps.join(',')}`).toBeGreaterThanOrEqual(3)
  expect(what.steps).toEqual([...what.steps].sort((a, b) => a - b))
  expect(what.steps.at(-1)).toBe(40)
  // The live preview canvas was painted, and changed between steps.
  expect(what.previews.length, 'distinct preview frames').toBeGreaterThanOrEqual(2)
  // The built renderer runs under its strict CSP without tripping it.
  expect(what.violations).toEqual([])

  // The history entry opens the job; its recipe has the seed and steps that ran.
  await job.getByRole('button', { name: /open job/i }).click()
  await expect(page.getByTestId('recipe-steps')).toHaveText('40')
  await screenshot(page, 'generate')
  await expectAccessible(page, 'a finished image job')

  // A reload keeps working without the token in the address (sessionStorage + the host's cookie) and
  // rebuilds the history from listJobs.
  await page.reload()
  await expect(page.getByTestId('connection-state')).toHaveText(/Connected/)
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  await expect(page.getByTestId('result-image').first()).toBeVisible()
})
