import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { runnableTaskIds, modalityOf, type RunnableTaskId } from '../../main/contract'
import { expectAccessible } from '../fixtures/a11y'
import { testPicture } from '../fixtures/images'
import {
  consoleErrors,
  expect,
  openStudio,
  repoRoot,
  screenshot,
  seen,
  test
} from '../fixtures/web-host'

/**
 * What every page load and every workspace must be, whatever the task: one Content-Security-Policy
 * (the response header) that nothing trips, no console error, and no axe-core violation — every
 * control named, every landmark distinct, each drop zone one button.
 */

/** Opens a task and gives it what it needs to show all its fields (an input, a SMILES). */
async function openTask(page: Page, task: RunnableTaskId): Promise<void> {
  await page.getByTestId(`tab-${modalityOf(task)}`).click()
  const tab = page.getByTestId(`task-${task}`)
  if (await tab.count()) await tab.click()
  await expect(page.getByRole('form', { name: /./ })).toBeVisible()
  const picker = {
    'image.img2img': 'img2img-input',
    'image.inpaint': 'inpaint-input',
    'image.upscale': 'upscale-input',
    'point-cloud.complete': 'partial-input'
  }[task as string]
  if (picker && !(await page.getByTestId(picker).getAttribute('data-ref'))) {
    const partial = task === 'point-cloud.complete'
    await page.getByTestId(`${picker}-file`).setInputFiles(
      partial
        ? {
            name: 'half-chair.ply',
            mimeType: 'application/octet-stream',
            buffer: readFileSync(join(repoRoot, 'assets', 'samples', 'half-chair.ply'))
          }
        : { name: 'photo.png', mimeType: 'image/png', buffer: await testPicture(48, 40) }
    )
    await expect(page.getByTestId(`${picker}-thumb`)).toBeVisible()
  }
  if (task === 'image.inpaint') await expect(page.getByTestId('mask-status')).toContainText('×')
  if (task === 'molecule.conformer') await page.getByTestId('smiles-input').fill('CCO')
}

/**
 * Choices of the form's selects that do not fit their closed box (the browser clips them silently):
 * each is measured by the browser itself, as the only option of a copy of the select beside it laid
 * out at its natural width (its text, padding and arrow).
 */
const clippedScript = `(() => {
  const out = []
  for (const el of document.querySelectorAll('form select')) {
    if (el.offsetParent === null) continue
    const actual = el.getBoundingClientRect().width
    for (const option of el.options) {
      const probe = document.createElement('select')
      probe.className = el.className
      for (const a of el.attributes) if (a.name.startsWith('data-svelte') || a.name.startsWith('class')) probe.setAttribute(a.name, a.value)
      probe.style.cssText = 'position:absolute;visibility:hidden;width:max-content;min-width:0;max-width:none'
      probe.append(new Option(option.text))
      el.after(probe)
      const natural = probe.getBoundingClientRect().width
      probe.remove()
      if (natural > actual + 0.5) {
        out.push((el.id || el.dataset.testid) + ': "' + option.text + '" needs ' + Math.ceil(natural) + ' px, has ' + Math.floor(actual))
      }
    }
  }
  return out
})()`

const clippedSelects = (page: Page): Promise<string[]> => page.evaluate(clippedScript)

test('a page load: the CSP is one response header, nothing trips it, nothing logs an error', async ({
  page,
  host
}) => {
  const response = await page.request.get(host.url)
  const policy = response.headers()['content-security-policy'] ?? ''
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'"
  ]) {
    expect(policy, 'the page’s Content-Security-Policy header').toContain(directive)
  }
  await openStudio(page, host.url)
  await expect(page.getByTestId('connection-state')).toHaveText(/Connected/)
  await expect(page.locator('meta[http-equiv]')).toHaveCount(0)
  for (const modality of ['point-cloud', 'molecule', 'audio', 'video', 'image']) {
    await page.getByTestId(`tab-${modality}`).click()
    await expect(page.getByRole('form', { name: /./ })).toBeVisible()
  }
  await page.reload()
  await expect(page.getByTestId('connection-state')).toHaveText(/Connected/)
  expect((await seen(page)).violations).toEqual([])
  expect(consoleErrors(page)).toEqual([])
})

test('axe-core finds nothing in any workspace, task, screen or dialog; no select is clipped', async ({
  page,
  host
}) => {
  test.setTimeout(400_000)
  await openStudio(page, host.url)
  for (const task of runnableTaskIds) {
    await openTask(page, task)
    // No model's defaults trip the window's own warning (Heun at 13 steps did, on 3D and conformers).
    await expect(page.getByTestId('steps-warning')).toHaveCount(0)
    await expectAccessible(page, task)
    // Every drop zone is one button (the file input behind it is not a second one).
    for (const zone of await page.locator('form [role=group][data-ref]').all()) {
      const buttons = await zone.getByRole('button').count()
      expect(buttons, `buttons in ${await zone.getAttribute('aria-label')}`).toBe(
        (await zone.getAttribute('data-ref')) ? 2 : 1
      )
    }
    // The seed, steps, sampler and the rest are named by their visible labels.
    for (const name of ['Seed', 'Sampler', 'Steps', 'Model']) {
      await expect(page.getByRole('form').getByLabel(name, { exact: true }).first()).toBeVisible()
    }
  }
  await screenshot(page, 'a11y-conformer')

  // The panel is narrowest at 1280 px: every choice of every select is readable there and at 1440.
  for (const width of [1280, 1366, 1440]) {
    await page.setViewportSize({ width, height: 860 })
    for (const task of runnableTaskIds) {
      await openTask(page, task)
      expect(await clippedSelects(page), `clipped at ${width} px, ${task}`).toEqual([])
    }
  }

  await page.getByTestId('open-models').click()
  await expect(page.getByTestId('models-view')).toBeVisible()
  await expect(page.getByTestId('installed-model').first()).toBeVisible()
  await expectAccessible(page, 'the Models screen')
  await page.getByTestId('open-models').click()

  await page.getByTestId('open-settings').click()
  await expect(page.getByTestId('settings-dialog')).toBeVisible()
  await expectAccessible(page, 'the settings dialog')
  expect(consoleErrors(page)).toEqual([])
})

test('model chips say what they measure, as the Models screen does; limits show beside the model', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.inpaint').click()
  await expect(page.getByTestId('model-select')).toHaveValue('photo-inpaint')
  const chips = await page.getByTestId('model-card').getByTestId('model-size').allInnerTexts()
  expect(chips).toHaveLength(2)
  expect(chips[0]).toMatch(/^[\d.]+ MB on disk$/)
  expect(chips[1]).toMatch(/^~\d+ MB to run$/)
  await expect(page.getByTestId('model-limits')).toContainText(
    'slightly worse than a plain blur fill'
  )
  await page.getByTestId('open-models').click()
  const row = page.locator('[data-testid=installed-model][data-model-id="photo-inpaint"]')
  await expect(row.getByTestId('model-size')).toHaveText(chips)
})
