import type { Page } from '@playwright/test'
import wavefile from 'wavefile'
import {
  consoleErrors,
  expect,
  jobWait,
  newestJob,
  openStudio,
  screenshot,
  seen,
  test
} from '../fixtures/web-host'
import { canvasPicture, hasStarter } from '../fixtures/viewer3d'

/**
 * Audio and video through the UI on the starter models: a generated clip plays in its waveform with no
 * CSP violation (wavesurfer's shadow-root style under the page's nonce, its media from blob:/self); a
 * region selected on the waveform is regenerated with every sample outside it kept; a generated video
 * is scrubbed frame by frame.
 */

test.skip(
  !hasStarter('digits-mel') || !hasStarter('sprites-16'),
  'the AV starters are not installed'
)

/** The samples of a WAV served at `url`, as int16 (PCM16). */
async function samplesOf(page: Page, url: string): Promise<Int16Array> {
  const body = await (await page.request.get(url)).body()
  const wav = new wavefile.WaveFile(new Uint8Array(body))
  return Int16Array.from(wav.getSamples(false, Float64Array) as unknown as Float64Array)
}

async function generateClip(page: Page): Promise<void> {
  await page.getByTestId('tab-audio').click()
  await page.getByTestId('task-audio.generate').click()
  await page.getByTestId('class-select').selectOption('seven')
  await page.getByTestId('steps-input').fill('8')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
}

test('a generated clip plays in its waveform with no CSP violation', async ({ page, host }) => {
  await openStudio(page, host.url)
  await generateClip(page)
  const wave = page.getByTestId('result-waveform-0')
  await expect(wave.locator('div[role=img]')).toBeVisible()
  const play = page.getByTestId('result-waveform-0-play')
  await expect(play).toBeEnabled(jobWait)
  await expect(page.getByTestId('result-waveform-0-time')).toHaveText(/\/ 1\.02 s$/)
  await play.click()
  // The media element really plays: its time moves on (the label turns to Pause on 'play').
  await expect(play).toHaveAccessibleName(/Pause|Play/)
  await expect
    .poll(async () => page.getByTestId('result-waveform-0-time').textContent(), jobWait)
    .not.toMatch(/^0\.00 s/)
  await screenshot(page, 'audio-result')
  expect((await seen(page)).violations).toEqual([])
  expect(consoleErrors(page)).toEqual([])
})

test('a region selected on the waveform is regenerated; samples outside it are kept', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await generateClip(page)
  await expect(page.getByTestId('result-waveform-0-play')).toBeEnabled(jobWait)
  const firstUrl = await page.getByTestId('download-result').first().getAttribute('href')
  // Drag across the middle of the waveform: a region.
  const box = (await page.getByTestId('result-waveform-0').locator('div[role=img]').boundingBox())!
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 })
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 8 })
  await page.mouse.up()
  await expect(page.getByTestId('result-waveform-0-region')).toHaveText(
    /Region 0\.\d\d s–0\.\d\d s/
  )
  await page.getByTestId('regenerate-region').click()
  await expect(page.getByTestId('task-audio.inpaint')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('history-item')).toHaveCount(2, jobWait)
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  const secondUrl = await page.getByTestId('download-result').first().getAttribute('href')
  expect(secondUrl).not.toBe(firstUrl)
  const before = await samplesOf(page, new URL(firstUrl!, host.url).href)
  const after = await samplesOf(page, new URL(secondUrl!, host.url).href)
  expect(after.length).toBe(before.length)
  const [start, end] = [
    Math.round(0.3 * before.length) - 400,
    Math.round(0.6 * before.length) + 400
  ]
  let changed = 0
  for (let i = 0; i < before.length; i++) {
    if (i < start || i >= end) expect(after[i], `sample ${i}`).toBe(before[i])
    else if (after[i] !== before[i]) changed++
  }
  expect(changed).toBeGreaterThan(500)
  expect((await seen(page)).violations).toEqual([])
})

test('a generated video is scrubbed frame by frame and plays', async ({ page, host }) => {
  await openStudio(page, host.url)
  await page.getByTestId('tab-video').click()
  await page.getByTestId('class-select').selectOption('star rotate')
  await page.getByTestId('steps-input').fill('6')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  const canvas = page.getByTestId('player-0-canvas')
  await expect(page.getByTestId('player-0-count')).toHaveText('1 / 16', jobWait)
  await expect(canvas).toHaveAttribute('data-frame', '0')
  await page.getByTestId('player-0-forward').click()
  await expect(canvas).toHaveAttribute('data-frame', '1')
  await page.getByTestId('player-0-scrub').fill('10')
  await expect(page.getByTestId('player-0-count')).toHaveText('11 / 16')
  await page.getByTestId('player-0-back').click()
  await expect(canvas).toHaveAttribute('data-frame', '9')
  await page.getByTestId('player-0-play').click()
  await expect(canvas).not.toHaveAttribute('data-frame', '9', jobWait)
  // The frames are drawn: the canvas shows a shape on its background.
  const { lit } = await canvasPicture(canvas)
  expect(lit).toBeGreaterThan(100)
  await screenshot(page, 'video-result')
  expect((await seen(page)).violations).toEqual([])
  expect(consoleErrors(page)).toEqual([])
})
