import { errorTitles } from '../../main/contract'
import {
  callVerb,
  expect,
  openStudio,
  screenshot,
  test,
  type StudioHook
} from '../fixtures/web-host'

test('requests without the token are refused', async ({ page, host }) => {
  const none = await callVerb(page.request, host, 'info', {}, null)
  expect(none.status).toBe(403)
  expect(none.body.error?.code).toBe('unauthorized')
  const wrong = await callVerb(page.request, host, 'listJobs', {}, 'not-the-token')
  expect(wrong.status).toBe(403)
  const pageWithoutToken = await page.request.get(`${host.origin}/`)
  expect(pageWithoutToken.status()).toBe(403)
  // With the token the same verb answers.
  const ok = await callVerb(page.request, host, 'info')
  expect(ok.status).toBe(200)
  expect(ok.body.result).toHaveProperty('chosen')
})

test('invalid specs: plain words beside the field in the form; error toasts for raw requests', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  const toasts = page.getByTestId('error-toast')

  // 1. A value out of range in the form is caught before it is sent, and said beside the field.
  await page.getByTestId('steps-input').fill('5000')
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('steps-error')).toHaveText(
    'Steps is a whole number from 1 to 1000.'
  )
  await expect(page.getByTestId('steps-input')).toHaveAttribute('aria-invalid', 'true')
  await expect(toasts).toHaveCount(0)
  await expect(page.getByTestId('history-item')).toHaveCount(0)

  // 2. An unknown sampler, sent through the real client (skipping the form), is refused by the host.
  const submit = (spec: unknown) =>
    page.evaluate((s) => (globalThis as unknown as StudioHook).__studio.submit(s), spec)
  await submit({ task: 'image.generate', sampler: 'no-such-sampler', seed: 1, steps: 4 })
  const unknown = toasts.filter({ hasText: errorTitles['unknown-sampler'] })
  await expect(unknown).toHaveCount(1)
  await expect(unknown.getByTestId('toast-message')).toContainText('no-such-sampler')
  await expect(unknown).toHaveAttribute('data-code', 'unknown-sampler')

  // 3. A spec the contract rejects (steps 0) is refused by the host's own validation.
  await submit({ task: 'image.generate', seed: 1, steps: 0 })
  const invalid = toasts.filter({ hasText: errorTitles['invalid-request'] })
  await expect(invalid).toHaveCount(1)
  await expect(invalid.getByTestId('toast-message')).toContainText('steps')
  await screenshot(page, 'bad-input')
})
