import { errorTitles } from '../../main/contract'
import {
  callVerb,
  expect,
  jobWait,
  newestJob,
  openStudio,
  screenshot,
  test
} from '../fixtures/web-host'

test('engine crash: the running job fails as engine-crashed and the next run succeeds', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('steps-input').fill('1000')
  await page.getByTestId('count-input').fill('16')
  await page.getByTestId('generate-button').click()
  const job = newestJob(page)
  await expect(job).toHaveAttribute('data-status', 'running', jobWait)
  await expect
    .poll(
      async () => Number(await page.getByTestId('progress-bar').getAttribute('data-step')),
      jobWait
    )
    .toBeGreaterThanOrEqual(2)

  const info = await callVerb(page.request, host, 'info')
  const pid = Number((info.body.result as { versions: Record<string, string> }).versions.enginePid)
  expect(pid, 'info().versions.enginePid').toBeGreaterThan(0)
  expect(pid).not.toBe(host.process.pid)
  process.kill(pid, 'SIGKILL')

  const title = errorTitles['engine-crashed']
  await expect(job).toHaveAttribute('data-status', 'failed', jobWait)
  await expect(job.getByTestId('history-error')).toHaveText(title)
  await expect(page.getByTestId('job-error-title')).toHaveText(title)
  // A note says the job failed; the error itself stays on the job.
  await expect(page.getByTestId('info-toast').filter({ hasText: title })).toBeVisible()
  await screenshot(page, 'engine-crash')

  // A fresh engine host takes the next job.
  await page.getByTestId('steps-input').fill('12')
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('history-item')).toHaveCount(2)
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  await expect(page.getByTestId('result-image').first()).toBeVisible()
  const after = await callVerb(page.request, host, 'info')
  expect(
    Number((after.body.result as { versions: Record<string, string> }).versions.enginePid)
  ).not.toBe(pid)
})
