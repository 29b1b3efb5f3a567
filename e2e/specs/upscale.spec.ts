import { crc32 } from 'node:zlib'
import type { Locator, Page } from '@playwright/test'
import sharp from 'sharp'
import { expectAccessible } from '../fixtures/a11y'
import { testPicture } from '../fixtures/images'
import {
  expect,
  invoke,
  jobWait,
  newestJob,
  openStudio,
  screenshot,
  seen,
  test
} from '../fixtures/web-host'

/**
 * Upscaling through the UI on the starter model (DDRM, tile by tile): the output is ×scale on each
 * side, the tiles are counted while it runs, and the compare view's slider and side-by-side panes
 * (one zoom and pan for both) work with the mouse.
 */

/** A computed style property of an element (the page's `getComputedStyle`; no DOM types here). */
const styleOf = (locator: Locator, property: 'transform' | 'imageRendering') =>
  locator.evaluate(
    (el, name) =>
      (
        globalThis as unknown as {
          getComputedStyle(e: unknown): Record<'transform' | 'imageRendering', string>
        }
      ).getComputedStyle(el)[name],
    property
  )
const transformOf = (locator: Locator) => styleOf(locator, 'transform')

async function centre(locator: Locator) {
  const box = (await locator.boundingBox())!
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, box }
}

async function drag(page: Page, from: { x: number; y: number }, dx: number, dy: number) {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(from.x + dx, from.y + dy, { steps: 8 })
  await page.mouse.up()
}

/** Drops a file on the window (over the job stage, not an input box), as a file manager would. */
async function dropFile(page: Page, bytes: Buffer, name: string) {
  // Runs in the page (DOM types are not in this project's Node tsconfig, hence the string).
  await page.evaluate(`(() => {
    const bytes = Uint8Array.from(atob('${bytes.toString('base64')}'), (c) => c.charCodeAt(0))
    const data = new DataTransfer()
    data.items.add(new File([bytes], '${name}', { type: 'image/png' }))
    const target = document.querySelector('[data-testid=stage]')
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
    }
  })()`)
}

/** A PNG carrying A1111's `parameters` text (a tEXt chunk after the header), as A1111 writes it. */
async function a1111Png(parameters: string): Promise<Buffer> {
  const png = await testPicture(8, 8)
  const type = Buffer.from('tEXt', 'latin1')
  const data = Buffer.from(`parameters\0${parameters}`, 'latin1')
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])))
  const afterHeader = 8 + 25 // signature, then IHDR (length, type, 13 bytes, CRC)
  return Buffer.concat([
    png.subarray(0, afterHeader),
    length,
    type,
    data,
    crc,
    png.subarray(afterHeader)
  ])
}

test('upscale: ×4 output, tiles counted, compare slider and side by side in step', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.upscale').click()
  await page.getByTestId('upscale-input-file').setInputFiles({
    name: 'small.png',
    mimeType: 'image/png',
    buffer: await testPicture(16, 12)
  })
  // With a photo loaded the form starts on the model the CLI picks (the super-resolution starter), and
  // offers only the method it runs; DDRM is disabled with the reason the engine would give.
  const models = await invoke(page.request, host, 'listModels')
  const sr = models.find((m) => m.manifest.id === 'photo-sr4')!
  await expect(page.getByTestId('model-select')).toHaveValue('photo-sr4')
  const method = page.getByTestId('upscale-method')
  await expect(method).toContainText('Auto (Super-resolution model)')
  await expect(method.locator('option[value="ddrm"]')).toBeDisabled()
  await expect(method.locator('option[value="model"]')).toBeEnabled()
  await expect(page.getByTestId('upscale-method-unavailable')).toHaveText(
    `DDRM: ${sr.manifest.name} is a super-resolution model; DDRM needs an image generation model.`
  )
  // The starter emoji model upscales by DDRM (and cannot run as a super-resolution model).
  await page.getByTestId('model-select').selectOption('emoji-32')
  await expect(method).toContainText('Auto (DDRM)')
  await expect(method.locator('option[value="model"]')).toBeDisabled()
  await expect(method.locator('option[value="ddrm"]')).toBeEnabled()
  const sizes = page.getByTestId('upscale-size')
  await expect(sizes).toHaveText(/16 × 12\s*→\s*64 × 48/)
  const ref = (await page.getByTestId('upscale-input').getAttribute('data-ref'))!
  expect(ref).toMatch(/^[0-9a-f]{64}$/)
  await page.getByTestId('scale-select').selectOption('2')
  await expect(sizes).toHaveText(/→\s*32 × 24/)
  await page.getByTestId('scale-select').selectOption('4')
  await expect(sizes).toHaveText(/→\s*64 × 48/)

  await page.getByTestId('steps-input').fill('10')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)

  // ×4 on each side, in the record and in the file.
  const [job] = await invoke(page.request, host, 'listJobs')
  expect(job.spec).toMatchObject({ task: 'image.upscale', image: ref, scale: 4 })
  expect(job.artifacts[0]).toMatchObject({ kind: 'image', width: 64, height: 48 })
  const file = await page.request.get(`${host.origin}/artifacts/${job.id}/0`)
  const meta = await sharp(await file.body()).metadata()
  expect([meta.width, meta.height]).toEqual([64, 48])

  // The tiles were counted while it ran ("tile i of n").
  const stages = (await seen(page)).stages
  expect(stages.length, `stages seen: ${JSON.stringify(stages)}`).toBeGreaterThan(0)
  expect(stages[0]).toMatch(/^tile 1 of \d+$/)

  // Compare: the slider first, both pictures loaded (the input at its own size, drawn ×4).
  const compare = page.getByTestId('compare')
  await expect(compare).toHaveAttribute('data-mode', 'slider')
  const natural = (alt: string) =>
    page
      .getByAltText(alt)
      .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
  await expect.poll(() => natural('Input')).toBe(16)
  await expect.poll(() => natural('Upscaled ×4')).toBe(64)
  await expect(page.getByTestId('compare-sizes')).toHaveText(/16 × 12 → 64 ×\s*48/)

  const pane = page.getByTestId('compare-slider')
  const divider = page.getByTestId('compare-divider')
  const split = async () => Number(await pane.getAttribute('data-split'))
  expect(await split()).toBe(0.5)
  const { box } = await centre(pane)
  const start = await centre(divider)
  await drag(page, start, -box.width * 0.25, 0)
  await expect.poll(split).toBeCloseTo(0.25, 1)
  await divider.focus()
  const before = await split()
  await page.keyboard.press('ArrowRight')
  await expect.poll(split).toBeCloseTo(before + 0.02, 3)
  // A slider handle to grab, not a 2 px line: at least 24 px wide (WCAG 2.5.8), the pane's height;
  // keyboard operable end to end, its value said in words.
  const handle = (await divider.boundingBox())!
  expect(handle.width).toBeGreaterThanOrEqual(24)
  expect(handle.height).toBeGreaterThanOrEqual(box.height - 2)
  await page.keyboard.press('End')
  await expect.poll(split).toBe(1)
  await expect(divider).toHaveAttribute('aria-valuenow', '100')
  await page.keyboard.press('Home')
  await expect.poll(split).toBe(0)
  await page.keyboard.press('Shift+ArrowRight')
  await expect.poll(split).toBeCloseTo(0.1, 3)
  await expect(divider).toHaveAttribute('aria-valuetext', '10 % Input')
  await expectAccessible(page, 'the compare slider')
  await screenshot(page, 'upscale-compare-slider')

  // Nearest or smooth enlargement of the input.
  const rendering = () => styleOf(page.getByAltText('Input'), 'imageRendering')
  expect(await rendering()).toBe('pixelated')
  await page.getByTestId('compare-smooth').check()
  expect(await rendering()).toBe('auto')

  // Side by side: zoom (buttons and wheel) and pan move both panes the same way.
  await page.getByTestId('compare-mode-side').click()
  const left = page.getByTestId('compare-left-content')
  const right = page.getByTestId('compare-right-content')
  const fitted = await transformOf(left)
  await page.getByTestId('compare-zoom-in').click()
  await page.getByTestId('compare-zoom-in').click()
  const leftPane = await centre(page.getByTestId('compare-left'))
  await page.mouse.move(leftPane.x - 20, leftPane.y - 10)
  await page.mouse.wheel(0, -240)
  await expect.poll(() => transformOf(left)).not.toBe(fitted)
  const zoomed = await transformOf(left)
  expect(await transformOf(right)).toBe(zoomed)
  const scale = Number(await left.getAttribute('data-scale'))
  expect(scale).toBeGreaterThan(1.25 ** 2)
  expect(Number(await right.getAttribute('data-scale'))).toBe(scale)

  await drag(page, await centre(page.getByTestId('compare-right')), 40, 25)
  await expect.poll(() => transformOf(right)).not.toBe(zoomed)
  expect(await transformOf(left)).toBe(await transformOf(right))
  await screenshot(page, 'upscale-compare-side')

  await expect(page.getByTestId('recipe-scale')).toHaveText('×4')

  // Dropping the output on the window brings its recipe back into the Upscale form.
  await page.getByTestId('task-image.generate').click()
  await dropFile(page, await file.body(), 'upscaled.png')
  await expect(page.getByTestId('task-image.upscale')).toHaveAttribute('aria-selected', 'true')
  const toast = page.getByTestId('info-toast').filter({ hasText: 'Recipe restored' })
  await expect(toast.getByTestId('toast-title')).toHaveText('Recipe restored: Upscale')
  await expect(toast.getByTestId('toast-message')).toContainText(`seed ${job.spec.seed}`)
  await expect(page.getByTestId('seed-input')).toHaveValue(String(job.spec.seed))
  await expect(page.getByTestId('upscale-input')).toHaveAttribute('data-ref', ref)
  expect((await seen(page)).violations).toEqual([])
})

test('a super-resolution model starts at its own scale, offers smaller ones, and upscales', async ({
  page,
  host
}) => {
  const models = await invoke(page.request, host, 'listModels')
  const sr = models.find((m) => m.status === 'ready' && m.manifest.imageInputs.upscale)
  test.skip(!sr, 'no super-resolution model is installed and ready')
  const scale = sr!.manifest.imageInputs.upscale!.scale
  await openStudio(page, host.url)
  await page.getByTestId('task-image.upscale').click()
  await page.getByTestId('model-select').selectOption(sr!.manifest.id)
  await page.getByTestId('upscale-input-file').setInputFiles({
    name: 'small.png',
    mimeType: 'image/png',
    buffer: await testPicture(16, 12)
  })
  const select = page.getByTestId('scale-select')
  await expect(select).toHaveValue(String(scale))
  // Larger scales are not offered; smaller ones are (the model's result resized down).
  await expect(select.locator('option')).toHaveCount(scale - 1)
  await expect(page.getByTestId('upscale-method')).toContainText('Auto (Super-resolution model)')
  await expect(page.getByTestId('upscale-size')).toHaveText(
    new RegExp(`→\\s*${16 * scale} × ${12 * scale}`)
  )
  await page.getByTestId('steps-input').fill('4')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  const [job] = await invoke(page.request, host, 'listJobs')
  expect(job.artifacts[0]).toMatchObject({ width: 16 * scale, height: 12 * scale })
  await expect(page.getByTestId('compare')).toBeVisible()
  await screenshot(page, 'upscale-sr-model')
})

test('dropping an A1111 PNG restores what the studio can use and names the rest', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.img2img').click()
  await dropFile(
    page,
    await a1111Png(
      'Smileys & Emotion\nNegative prompt: blurry, lowres\n' +
        'Steps: 17, Sampler: DPM++ 2M Karras, CFG scale: 3.5, Seed: 1234, Size: 512x512, Model hash: abc123'
    ),
    'a1111.png'
  )
  await expect(page.getByTestId('task-image.generate')).toHaveAttribute('aria-selected', 'true')
  const toast = page.getByTestId('info-toast').filter({ hasText: 'Recipe restored' })
  await expect(toast.getByTestId('toast-title')).toHaveText('Recipe restored: Generate')
  const message = toast.getByTestId('toast-message')
  await expect(message).toContainText('Restored class "Smileys & Emotion", 17 steps')
  await expect(message).toContainText('seed 1234')
  await expect(message).toContainText('Ignored negative prompt, size 512x512')
  await expect(message).toContainText('Model hash')
  await expect(page.getByTestId('steps-input')).toHaveValue('17')
  await expect(page.getByTestId('seed-input')).toHaveValue('1234')
  await expect(page.getByTestId('guidance-input')).toHaveValue('3.5')
  await expect(page.getByTestId('sampler-select')).toHaveValue('dpmpp-2m')
  await expect(page.getByTestId('schedule-select')).toHaveValue('karras')
  await expect(page.getByTestId('class-select')).toHaveValue('Smileys & Emotion')

  // A picture with no recipe says so and changes nothing.
  await dropFile(page, await testPicture(8, 8), 'plain.png')
  await expect(
    page.getByTestId('toast-title').filter({ hasText: 'Nothing to restore' })
  ).toBeVisible()
  await expect(page.getByTestId('steps-input')).toHaveValue('17')
})
