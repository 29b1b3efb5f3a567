import type { Page } from '@playwright/test'
import { errorTitles, type SamplerDescriptor } from '../../main/contract'
import { formatDuration } from '../../renderer/src/lib/format'
import {
  expect,
  installModelWithoutFiles,
  invoke,
  jobWait,
  newestJob,
  openStudio,
  repoRoot,
  screenshot,
  seen,
  test,
  type WebHost
} from '../fixtures/web-host'

/**
 * UI behaviour against the real web host and engine (the starter emoji-32 model): layout, the seed and
 * recipe workflow, the queue, sampler parameters, error toasts and settings. Expected values come from
 * the host's own API, so these tests follow the engine rather than a copy of its answers.
 */

/** The history's job ids, newest first (as the list shows them). */
const jobIds = (page: Page) =>
  page
    .getByTestId('history-item')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-job-id') ?? ''))

/** The first file a job produced, base64, as the host serves it by URL (with the page's cookie). */
const artifactOf = async (page: Page, host: WebHost, jobId: string) =>
  (await (await page.request.get(`${host.origin}/artifacts/${jobId}/0`)).body()).toString('base64')

const jobsById = async (page: Page, host: WebHost) =>
  new Map((await invoke(page.request, host, 'listJobs')).map((job) => [job.id, job]))

test.describe('studio UI (real web host)', () => {
  test.describe('with a model whose files are missing', () => {
    const broken = { id: 'emoji-32-broken', name: 'Emoji 32 (weights missing)' }
    test.use({ hostOptions: { prepare: (dataDir) => installModelWithoutFiles(dataDir, broken) } })

    test('layout: workspaces from the modality modules, model problems shown, engine in the status bar', async ({
      page,
      host
    }) => {
      await page.setViewportSize({ width: 1400, height: 900 })
      await openStudio(page, host.url)
      await expect(page.getByTestId('tab-image')).toHaveAttribute('aria-selected', 'true')
      for (const id of ['point-cloud', 'molecule', 'audio', 'video']) {
        const tab = page.getByTestId(`tab-${id}`)
        await expect(tab).toHaveAttribute('aria-disabled', 'false')
        await expect(tab).not.toContainText('soon')
      }
      // At 1400 px the last workspace is whole and clear of the Models button.
      const video = (await page.getByTestId('tab-video').boundingBox())!
      const modelsButton = (await page.getByTestId('open-models').boundingBox())!
      expect(video.x + video.width).toBeLessThanOrEqual(modelsButton.x)
      await expect(page.getByTestId('tab-video')).toBeInViewport({ ratio: 1 })
      // The image workspace offers its tasks.
      await expect(page.getByTestId('task-image.generate')).toHaveAttribute('aria-selected', 'true')
      await expect(page.getByTestId('task-image.img2img')).toBeVisible()

      // The registry lists the broken model with its problem; the form says so and will not pick it.
      const models = await invoke(page.request, host, 'listModels')
      const listed = models.find((m) => m.manifest.id === broken.id)
      expect(listed?.status, 'status of the model without weights').toBe('missing-files')
      expect(listed?.problem).toBeTruthy()
      const problem = page.getByTestId('model-problem').filter({ hasText: broken.name })
      await expect(problem).toContainText(listed!.problem!)
      await expect(
        page.getByTestId('model-select').locator(`option[value="${broken.id}"]`)
      ).toBeDisabled()

      // The first ready model that generates images is selected, with its first class.
      const first = models.find(
        (m) => m.status === 'ready' && m.manifest.tasks.includes('image.generate')
      )
      expect(first, 'a ready model (the starter)').toBeDefined()
      await expect(page.getByTestId('model-select')).toHaveValue(first!.manifest.id)
      const conditioning = first!.manifest.conditioning
      expect(conditioning.type).toBe('class')
      if (conditioning.type === 'class') {
        await expect(page.getByTestId('class-select')).toHaveValue(conditioning.classes[0]!)
      }

      // The status bar shows the provider the engine chose, its device, and why it fell back.
      const info = await invoke(page.request, host, 'info')
      await expect(page.getByTestId('engine-provider')).toHaveText(
        new RegExp(`^${info.chosen}$`, 'i')
      )
      await expect(page.getByTestId('engine-device')).toHaveText(info.deviceName)
      if (info.fallbackReason) {
        await expect(page.getByTestId('engine-fallback')).toContainText(info.fallbackReason)
      } else {
        await expect(page.getByTestId('engine-fallback')).toHaveCount(0)
      }
      await expect(page.getByTestId('connection-state')).toHaveText(/Connected/)
      await expect(page.getByTestId('stage-empty')).toBeVisible()
      await screenshot(page, 'ui-empty')
    })
  })

  test('Ctrl+Enter generates; seeds roll unless locked; reuse recipe reproduces a run', async ({
    page,
    host
  }) => {
    await openStudio(page, host.url)
    const model = (await invoke(page.request, host, 'listModels')).find(
      (m) => m.status === 'ready' && m.manifest.tasks.includes('image.generate')
    )
    const classes =
      model?.manifest.conditioning.type === 'class' ? model.manifest.conditioning.classes : []
    expect(classes.length, 'classes of the starter model').toBeGreaterThan(1)
    const label = classes.at(-1)!
    await page.getByTestId('steps-input').fill('6')
    await page.getByTestId('class-select').selectOption(label)

    await page.keyboard.press('Control+Enter')
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    await expect(page.getByTestId('recipe')).toContainText(label)
    const firstSeed = await page.getByTestId('recipe-seed').innerText()

    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('history-item')).toHaveCount(2)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
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
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    await expect(page.getByTestId('recipe-seed')).toHaveText(firstSeed)

    // The engine made the same picture again for the reused recipe, and another one for the other seed.
    const [reused, second, first] = await jobIds(page)
    const original = await artifactOf(page, host, first!)
    expect(await artifactOf(page, host, reused!), 'reused recipe reproduces the image').toBe(
      original
    )
    expect(await artifactOf(page, host, second!), 'another seed, another image').not.toBe(original)

    // The dice rolls a new seed; with the lock on it stays for the next run.
    await page.getByTestId('seed-dice').click()
    const rolled = await page.getByTestId('seed-input').inputValue()
    expect(rolled).not.toBe(firstSeed)
    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('history-item')).toHaveCount(4)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    await expect(page.getByTestId('recipe-seed')).toHaveText(rolled)
  })

  test('queue: several runs wait their turn; a queued one can be cancelled', async ({
    page,
    host
  }) => {
    await openStudio(page, host.url)
    // One run that would take minutes on any machine (64 × 1000 steps), so the two short ones behind
    // it are still queued while the test looks; it is cancelled once they have been seen waiting.
    await page.getByTestId('steps-input').fill('1000')
    await page.getByTestId('count-input').fill('64')
    await page.getByTestId('generate-button').click()
    await page.getByTestId('steps-input').fill('8')
    await page.getByTestId('count-input').fill('1')
    for (let i = 0; i < 2; i++) await page.getByTestId('generate-button').click()
    const items = page.getByTestId('history-item')
    await expect(items).toHaveCount(3)
    await expect(items.nth(2)).toHaveAttribute('data-status', 'running', jobWait)
    await expect(page.locator('[data-testid=history-item][data-status=queued]')).toHaveCount(2)
    await expect(page.getByTestId('queue-summary')).toContainText('1 running · 2 queued')
    await screenshot(page, 'ui-queue')

    // The newest (queued) one is cancelled; then the long one; the one between them runs to the end.
    await items.first().getByTestId('cancel-job').click()
    await expect(items.first()).toHaveAttribute('data-status', 'cancelled', jobWait)
    await expect(page.getByTestId('queue-summary')).toContainText('1 running · 1 queued')
    await items.nth(2).getByTestId('cancel-job').click()
    await expect(items.nth(2)).toHaveAttribute('data-status', 'cancelled', jobWait)
    await expect(items.nth(1)).toHaveAttribute('data-status', 'done', jobWait)
    await expect(page.getByTestId('queue-summary')).toContainText('Idle')

    // The host ran them one at a time, in order; the cancelled queued one never started.
    const [third, second, first] = await jobIds(page)
    const jobs = await jobsById(page, host)
    expect(jobs.get(first!)?.status).toBe('cancelled')
    expect(jobs.get(first!)?.startedAt).toBeDefined()
    expect(jobs.get(first!)?.finishedAt).toBeDefined()
    expect(jobs.get(second!)?.status).toBe('done')
    expect(jobs.get(second!)?.startedAt).toBeGreaterThanOrEqual(jobs.get(first!)!.finishedAt!)
    expect(jobs.get(third!)?.status).toBe('cancelled')
    expect(jobs.get(third!)?.startedAt).toBeUndefined()
    const what = await seen(page)
    expect(what.violations).toEqual([])
  })

  test('sampler parameters come from the descriptor, reach the engine and land in the recipe', async ({
    page,
    host
  }) => {
    await openStudio(page, host.url)
    const samplers = await invoke(page.request, host, 'listSamplers')
    const named = (name: string): SamplerDescriptor => {
      const sampler = samplers.find((s) => s.name === name)
      expect(sampler, `listSamplers has ${name}`).toBeDefined()
      return sampler!
    }
    const params = page.getByTestId('sampler-params')
    const expectDefaults = async (sampler: SamplerDescriptor) => {
      for (const p of sampler.params) {
        const control = params.getByLabel(p.name, { exact: true })
        if (p.default === true) await expect(control).toBeChecked()
        else if (p.default === false) await expect(control).not.toBeChecked()
        else await expect(control).toHaveValue(String(p.default))
      }
    }

    // Switches are checkboxes (UniPC has several).
    const unipc = named('unipc-bh1')
    expect(unipc.params.some((p) => typeof p.default === 'boolean')).toBe(true)
    await page.getByTestId('sampler-select').selectOption(unipc.name)
    await expectDefaults(unipc)

    // Numbers and choices (DPM++ 2M SDE: eta, s_noise, solver_type).
    const sde = named('dpmpp-2m-sde')
    const eta = sde.params.find((p) => p.name === 'eta')
    const solver = sde.params.find((p) => p.name === 'solver_type')
    expect(typeof eta?.default).toBe('number')
    const otherChoice = solver?.choices?.find((c) => c !== solver.default)
    expect(otherChoice, 'solver_type has another choice').toBeDefined()
    await page.getByTestId('sampler-select').selectOption(sde.name)
    await expectDefaults(sde)
    await expect(page.getByTestId('sampler-about')).toContainText(sde.description)
    await expect(page.getByTestId('sampler-about')).toContainText(sde.reference)

    // Same seed twice: once with the defaults, once with other parameters.
    await page.getByTestId('seed-lock').click()
    await expect(page.getByTestId('seed-lock')).toHaveAttribute('aria-pressed', 'true')
    await page.getByTestId('steps-input').fill('5')
    await page.getByTestId('generate-button').click()
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    const newEta = eta!.default === 0.3 ? 0.6 : 0.3
    await params.getByLabel('eta', { exact: true }).fill(String(newEta))
    await params.getByLabel('solver_type', { exact: true }).selectOption(otherChoice!)
    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('history-item')).toHaveCount(2)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    await expect(page.getByTestId('recipe-sampler')).toHaveText(sde.label)
    await expect(page.getByTestId('recipe')).toContainText(String(newEta))
    await expect(page.getByTestId('recipe')).toContainText(otherChoice!)

    // The host got exactly those parameters, and the engine used them: same seed, another image.
    const [changed, defaults] = await jobIds(page)
    const jobs = await jobsById(page, host)
    const defaultExtra = Object.fromEntries(sde.params.map((p) => [p.name, p.default]))
    expect(jobs.get(defaults!)?.spec.samplerExtra).toEqual(defaultExtra)
    expect(jobs.get(changed!)?.spec.samplerExtra).toEqual({
      ...defaultExtra,
      eta: newEta,
      solver_type: otherChoice
    })
    expect(jobs.get(changed!)?.spec.seed).toBe(jobs.get(defaults!)?.spec.seed)
    expect(await artifactOf(page, host, changed!)).not.toBe(await artifactOf(page, host, defaults!))
  })

  test('form errors sit beside their field in plain words; refusals beside Run; settings save', async ({
    page,
    host
  }) => {
    await openStudio(page, host.url)
    await page.getByTestId('count-input').fill('')
    await page.getByTestId('generate-button').click()
    await expect(page.getByTestId('count-error')).toHaveText(
      'Count is a whole number from 1 to 64.'
    )
    await expect(page.getByTestId('count-input')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByTestId('error-toast')).toHaveCount(0)
    await expect(page.getByTestId('history-item')).toHaveCount(0)
    // Fixing the field clears it.
    await page.getByTestId('count-input').fill('1')
    await expect(page.getByTestId('count-error')).toHaveCount(0)

    // A refusal from the studio shows beside Run, not as a toast: here the chosen model was removed
    // (from the command line, say) after the form picked it.
    const starter = `${repoRoot}/native-models/starter/emoji-32`
    await invoke(page.request, host, 'importModel', { path: starter, id: 'emoji-copy' })
    await page.reload()
    await page.getByTestId('model-select').selectOption('emoji-copy')
    await invoke(page.request, host, 'removeModel', { id: 'emoji-copy' })
    await page.getByTestId('generate-button').click()
    const refusal = page.getByTestId('form-error')
    await expect(refusal).toContainText(errorTitles['unknown-model'])
    await expect(refusal).toContainText('emoji-copy')
    await expect(page.getByTestId('error-toast')).toHaveCount(0)
    await page.reload()

    await page.getByTestId('open-settings').click()
    const dialog = page.getByTestId('settings-dialog')
    const info = await invoke(page.request, host, 'info')
    // One row per provider the engine probed: whether it is used, and its device or why not.
    await expect(dialog.getByRole('row')).toHaveCount(info.providers.length)
    for (const p of info.providers) {
      const row = dialog
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: p.name, exact: true }) })
      const state = p.name === info.chosen ? 'in use' : p.available ? 'available' : 'unavailable'
      await expect(row.getByRole('cell').nth(1)).toHaveText(state)
      const detail = [p.deviceName, p.reason].filter(Boolean).join(' — ')
      if (detail) await expect(row).toContainText(detail)
    }

    const before = await invoke(page.request, host, 'getSettings')
    const previewEvery = before.previewEvery === 2 ? 3 : 2
    await dialog.getByLabel('Live preview every N steps').fill(String(previewEvery))
    await dialog.getByRole('button', { name: 'Save' }).click()
    await expect(dialog).toHaveCount(0)
    await expect(page.getByTestId('info-toast')).toContainText('Settings saved')
    // The host stored the change, and only that.
    expect(await invoke(page.request, host, 'getSettings')).toEqual({ ...before, previewEvery })
  })
})

test.describe('studio UI rough edges', () => {
  test('three quick Ctrl+Enter presses queue three runs; elapsed follows the clock; downloads are named from the recipe', async ({
    page,
    host
  }) => {
    await openStudio(page, host.url)
    // Three long runs back to back (16 × 1000 steps each: minutes on any machine these tests run on).
    await page.getByTestId('steps-input').fill('1000')
    await page.getByTestId('count-input').fill('16')
    await page.locator('body').click()
    for (let i = 0; i < 3; i++) await page.keyboard.press('Control+Enter')
    await expect(page.getByTestId('history-item')).toHaveCount(3)
    const running = page.locator('[data-testid="history-item"][data-status="running"]')
    await expect(running).toHaveCount(1, jobWait)
    const id = (await running.getAttribute('data-job-id'))!
    await running.getByRole('button', { name: /^Open job/ }).click()
    // Elapsed is the clock now minus the start the studio recorded: with the page's clock set to known
    // instants after that start, the text says exactly that (nothing here waits on real time).
    const startedAt = (await jobsById(page, host)).get(id)?.startedAt
    expect(startedAt, 'the running job has a start time').toBeDefined()
    const timing = page.getByTestId('progress-timing')
    for (const [after, text] of [
      [65_000, '1m 05s elapsed'],
      [119_600, '2m 00s elapsed'],
      [9_400, '9.4 s elapsed']
    ] as const) {
      await page.clock.setFixedTime(startedAt! + after)
      await expect(timing).toContainText(text)
    }
    for (const job of await jobIds(page))
      await invoke(page.request, host, 'cancelJob', { jobId: job })
    for (const item of await page.getByTestId('history-item').all()) {
      await expect(item).toHaveAttribute('data-status', 'cancelled', jobWait)
    }
    // A cancelled job's elapsed is its recorded run, start to finish, whatever the clock says now.
    const stopped = (await jobsById(page, host)).get(id)!
    await page.clock.setFixedTime(startedAt! + 3_600_000)
    const ran = stopped.finishedAt! - stopped.startedAt!
    expect(ran).toBeGreaterThan(0)
    await expect(timing).toContainText(`${formatDuration(ran)} elapsed`)

    // A short run: its download is named from the recipe.
    await page.getByTestId('steps-input').fill('4')
    await page.getByTestId('count-input').fill('1')
    await page.keyboard.press('Control+Enter')
    await expect(page.getByTestId('history-item')).toHaveCount(4)
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    const download = page.getByTestId('download-result').first()
    const name = await download.getAttribute('download')
    expect(name).toMatch(/^\d{8}-\d{6}-[a-z0-9-]+-s\d+-[0-9a-f]{6}\.png$/)
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
    expect(file.suggestedFilename()).toBe(name)
  })

  test("a warning is the same beside Steps and on the job's stage", async ({ page, host }) => {
    await openStudio(page, host.url)
    await expect(page.getByTestId('steps-warning')).toHaveCount(0)
    await page.getByTestId('sampler-select').selectOption('heun')
    await page.getByTestId('steps-input').fill('5')
    const warning = 'Heun usually needs 20+ steps for clean results; 5 may leave noise.'
    await expect(page.getByTestId('steps-warning')).toHaveText(warning)
    await page.getByTestId('generate-button').click()
    await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
    // The studio's own check said the same (one rule), and the job keeps it as a note on its stage.
    const [job] = await invoke(page.request, host, 'listJobs')
    expect(job.warnings).toContain(warning)
    await expect(page.getByTestId('job-warnings')).toContainText(warning)
  })

  test('after a reload a cancelled job says where it stopped; Failed does not count it', async ({
    page,
    host
  }) => {
    await openStudio(page, host.url)
    await page.getByTestId('steps-input').fill('1000')
    await page.getByTestId('count-input').fill('16')
    await page.getByTestId('generate-button').click()
    const bar = page.getByTestId('progress-bar')
    await expect
      .poll(async () => Number(await bar.getAttribute('data-step')), jobWait)
      .toBeGreaterThan(3)
    await page.getByTestId('cancel-current').click()
    await expect(newestJob(page)).toHaveAttribute('data-status', 'cancelled', jobWait)
    const stopped = await page.getByTestId('job-cancelled').innerText()
    expect(stopped).toMatch(/Cancelled at step \d+ \/ 1000/)
    await page.reload()
    await expect(newestJob(page)).toHaveAttribute('data-status', 'cancelled', jobWait)
    await expect(page.getByTestId('job-cancelled')).toHaveText(stopped)
    await expect(page.getByTestId('history-filter-failed')).toContainText('0')
    await expect(page.getByTestId('history-filter-cancelled')).toContainText('1')
  })
})
