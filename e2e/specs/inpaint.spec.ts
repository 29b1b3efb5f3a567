import type { Page } from '@playwright/test'
import sharp from 'sharp'
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
import { expectAccessible } from '../fixtures/a11y'
import { rgbPixels, testPicture } from '../fixtures/images'

/**
 * Inpainting through the UI: an image is picked, a mask is painted with real mouse strokes (brush size
 * by `[` and `]`, undo and redo by keys and buttons), the job runs on the starter model, and the result
 * keeps every pixel outside the painted area (grown by the feather) byte for byte.
 */

const W = 48
const H = 40

/** Screen position of image pixel (x, y) in the mask editor (its canvas says its zoom and offset). */
async function mapper(page: Page) {
  const canvas = page.getByTestId('mask-canvas')
  const box = (await canvas.boundingBox())!
  const scale = Number(await canvas.getAttribute('data-scale'))
  const ox = Number(await canvas.getAttribute('data-offset-x'))
  const oy = Number(await canvas.getAttribute('data-offset-y'))
  expect(scale).toBeGreaterThan(1)
  return (x: number, y: number) => ({ x: box.x + ox + x * scale, y: box.y + oy + y * scale })
}

async function stroke(page: Page, points: [number, number][]) {
  const at = await mapper(page)
  const [first, ...rest] = points
  await page.mouse.move(at(...first).x, at(...first).y)
  await page.mouse.down()
  for (const p of rest) await page.mouse.move(at(...p).x, at(...p).y, { steps: 6 })
  await page.mouse.up()
}

test('inpaint: a mask painted with the mouse; outside it every pixel is kept', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.inpaint').click()
  const editor = page.getByTestId('mask-editor')

  // No image yet: Run names what is missing.
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('inpaint-input-error')).toContainText('Choose an input image')

  await page.getByTestId('inpaint-input-file').setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: await testPicture(W, H)
  })
  await expect(editor).toHaveAttribute('data-version', '0')
  await expect(page.getByTestId('mask-status')).toContainText(`${W} × ${H} · no mask`)
  // With a photo loaded the form starts on the model the CLI picks (the inpainting starter) and offers
  // only the method it runs: RePaint and mask blending are disabled, with the engine's reason.
  const models = await invoke(page.request, host, 'listModels')
  const photo = models.find((m) => m.manifest.id === 'photo-inpaint')!
  await expect(page.getByTestId('model-select')).toHaveValue('photo-inpaint')
  const method = page.getByTestId('inpaint-method')
  await expect(method).toContainText('Auto (Inpainting model)')
  for (const value of ['repaint', 'blend']) {
    await expect(method.locator(`option[value="${value}"]`)).toBeDisabled()
  }
  await expect(page.getByTestId('inpaint-method-unavailable')).toHaveText(
    `RePaint and Mask blending: ${photo.manifest.name} takes the mask and the kept image as inputs ` +
      'of its own; RePaint and mask blending are for models not made for inpainting.'
  )
  await expectAccessible(page, 'Inpaint with a photo loaded')
  // The starter emoji model inpaints by RePaint or blending, not as an inpainting model.
  await page.getByTestId('model-select').selectOption('emoji-32')
  await expect(method).toContainText('Auto (RePaint)')
  await expect(method.locator('option[value="dedicated"]')).toBeDisabled()
  await expect(method.locator('option[value="repaint"]')).toBeEnabled()
  await expect(page.getByTestId('mask-hint')).toContainText('Paint the area to regenerate')
  const ref = (await page.getByTestId('inpaint-input').getAttribute('data-ref'))!

  // An empty mask: Run says what to do beside the editor, and nothing is queued.
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('mask-error')).toContainText('Paint the area to regenerate')
  expect(await invoke(page.request, host, 'listJobs')).toHaveLength(0)

  // Brush size: typed, then ] and [ with the canvas focused.
  await page.getByTestId('mask-size-input').fill('6')
  await page.getByRole('application').focus()
  await page.keyboard.press(']')
  await page.keyboard.press(']')
  await expect(editor).toHaveAttribute('data-brush-size', '8')
  await page.keyboard.press('[')
  await page.keyboard.press('[')
  await page.keyboard.press('[')
  await expect(editor).toHaveAttribute('data-brush-size', '5')
  await expect(page.getByTestId('mask-size-input')).toHaveValue('5')

  // Two strokes, one more that is undone, redone and undone again.
  await stroke(page, [
    [14, 22],
    [24, 22],
    [33, 23]
  ])
  await expect(editor).toHaveAttribute('data-version', '1')
  await expect(editor).toHaveAttribute('data-can-undo', 'true')
  await stroke(page, [
    [22, 9],
    [23, 16]
  ])
  await expect(editor).toHaveAttribute('data-version', '2')
  const twoStrokes = await page.getByTestId('mask-status').textContent()
  await stroke(page, [
    [4, 4],
    [8, 34]
  ])
  await expect(page.getByTestId('mask-status')).not.toHaveText(twoStrokes!)
  await page.keyboard.press('Control+z')
  await expect(page.getByTestId('mask-status')).toHaveText(twoStrokes!)
  await expect(editor).toHaveAttribute('data-can-redo', 'true')
  await page.keyboard.press('Control+Shift+z')
  await expect(page.getByTestId('mask-status')).not.toHaveText(twoStrokes!)
  await page.getByTestId('mask-undo').click()
  await expect(page.getByTestId('mask-status')).toHaveText(twoStrokes!)
  await page.keyboard.press('Control+y')
  await page.keyboard.press('Control+z')
  await expect(page.getByTestId('mask-status')).toHaveText(twoStrokes!)
  await expect(page.getByTestId('mask-hint')).toHaveCount(0)

  // The mask stays when another task is opened and this one comes back.
  await page.getByTestId('task-image.generate').click()
  await expect(editor).toHaveCount(0)
  await page.getByTestId('task-image.inpaint').click()
  await expect(page.getByTestId('mask-status')).toHaveText(twoStrokes!)
  await screenshot(page, 'inpaint-mask')

  await page.getByTestId('steps-input').fill('10')
  // RePaint's own model calls (10 levels, one jump of 5 resampled 4 times: 10 + 3 × 5 = 25), × 2 for
  // guidance: what the run will cost, counted as the engine counts it.
  await expect(page.getByTestId('nfe')).toHaveText('≈ 50 NFE')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  // The compare view shows the input and the result, both loaded.
  for (const picture of ['Input', 'Inpainted']) {
    await expect
      .poll(() =>
        page.getByAltText(picture).evaluate((img) => (img as { naturalWidth: number }).naturalWidth)
      )
      .toBe(W)
  }
  await screenshot(page, 'inpaint-result')

  const [job] = await invoke(page.request, host, 'listJobs')
  expect(job.spec).toMatchObject({ task: 'image.inpaint', image: ref, maskedOnly: true })
  if (job.spec.task !== 'image.inpaint') throw new Error(job.spec.task)
  const maskRef = job.spec.mask!
  expect(maskRef).toMatch(/^[0-9a-f]{64}$/)
  const feather = job.spec.feather

  const get = async (path: string) => {
    const response = await page.request.get(`${host.origin}${path}`)
    expect(response.status(), path).toBe(200)
    return response.body()
  }
  const input = await rgbPixels(await get(`/inputs/${ref}`))
  const output = await rgbPixels(await get(`/artifacts/${job.id}/0`))
  const maskImage = await sharp(await get(`/inputs/${maskRef}`))
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
  const mask = maskImage.data
  expect([maskImage.info.width, maskImage.info.height]).toEqual([W, H])
  expect([output.width, output.height]).toEqual([W, H])

  // The uploaded mask is the two strokes: white on them, black far from them.
  const m = (x: number, y: number) => mask[y * W + x]
  expect(m(24, 22)).toBe(255)
  expect(m(22, 12)).toBe(255)
  expect(m(2, 2)).toBe(0)
  expect(m(6, 20)).toBe(0)
  expect(m(45, 37)).toBe(0)

  // Grown by the feather (a square of side 2 × (feather + 1), which holds the round band).
  const reach = feather + 1
  const near = new Uint8Array(W * H)
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (m(x, y) === 0) continue
      for (let v = Math.max(0, y - reach); v <= Math.min(H - 1, y + reach); v++) {
        near.fill(1, v * W + Math.max(0, x - reach), v * W + Math.min(W - 1, x + reach) + 1)
      }
    }
  }
  let outside = 0
  let changedOutside = 0
  let changedInside = 0
  for (let p = 0; p < W * H; p++) {
    const same =
      input.data[p * 3] === output.data[p * 3] &&
      input.data[p * 3 + 1] === output.data[p * 3 + 1] &&
      input.data[p * 3 + 2] === output.data[p * 3 + 2]
    if (near[p]) {
      if (mask[p] > 0 && !same) changedInside++
    } else {
      outside++
      if (!same) changedOutside++
    }
  }
  expect(outside, 'pixels outside the mask and its feather').toBeGreaterThan(W * H * 0.4)
  expect(changedOutside, 'pixels changed outside the mask').toBe(0)
  expect(changedInside, 'pixels changed inside the mask').toBeGreaterThan(0)

  // Recipe rows, and nothing blocked by the page's security policy.
  await expect(page.getByTestId('recipe-task')).toHaveText('Inpaint')
  await expect(page.getByTestId('recipe-feather')).toHaveText(`${feather} px`)

  // Save the mask: a PNG of the image's size, white where painted.
  const [saved] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('mask-save').click()
  ])
  const savedPng = await sharp((await saved.path())!)
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
  expect([savedPng.info.width, savedPng.info.height]).toEqual([W, H])
  expect(savedPng.data.equals(mask)).toBe(true)

  // Load a mask of another size: resized to the image, and undoable.
  const block = Buffer.alloc(96 * 80, 0)
  for (let y = 0; y < 40; y++) block.fill(255, y * 96, y * 96 + 48)
  await page.getByTestId('mask-load-file').setInputFiles({
    name: 'big-mask.png',
    mimeType: 'image/png',
    buffer: await sharp(block, { raw: { width: 96, height: 80, channels: 1 } })
      .png()
      .toBuffer()
  })
  await expect(page.getByTestId('mask-note')).toHaveText(
    `Mask resized from 96 × 80 to ${W} × ${H}.`
  )
  await expect(page.getByTestId('mask-status')).toHaveText(`${W} × ${H} · 25% masked`)
  await page.getByRole('application').focus()
  await page.keyboard.press('Control+z')
  await expect(page.getByTestId('mask-status')).toHaveText(twoStrokes!)

  // The larger editor is a modal dialog: named, focus inside and kept there, a visible Close, Escape.
  const expand = page.getByTestId('mask-expand')
  await expand.click()
  const dialog = page.getByRole('dialog', { name: 'Mask editor' })
  await expect(dialog).toHaveAttribute('aria-modal', 'true')
  await expect(dialog).toHaveAttribute('data-testid', 'mask-editor')
  await expect(page.getByRole('application')).toBeFocused()
  const inDialog = () =>
    page.evaluate<boolean>(`!!document.activeElement?.closest('[role="dialog"]')`)
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab')
    expect(await inDialog(), `focus after ${i + 1} Tab presses`).toBe(true)
  }
  await expectAccessible(page, 'the large mask editor')
  await screenshot(page, 'inpaint-mask-large')
  await page.getByTestId('mask-close').click()
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(expand).toBeFocused()
  await expand.click()
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(editor).not.toHaveClass(/expanded/)
  await expect(expand).toBeFocused()
  expect((await seen(page)).violations).toEqual([])
})

test('outpaint: extending the canvas needs no mask and keeps the original pixels', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.inpaint').click()
  await page.getByTestId('inpaint-input-file').setInputFiles({
    name: 'photo.png',
    mimeType: 'image/png',
    buffer: await testPicture(W, H)
  })
  await expect(page.getByTestId('mask-hint')).toBeVisible()
  await page.getByTestId('model-select').selectOption('emoji-32')
  await page.getByTestId('outpaint-right').fill('16')
  await page.getByTestId('outpaint-bottom').fill('8')
  await expect(page.getByTestId('mask-hint')).toHaveCount(0)
  await expect(page.getByTestId('inpaint-size')).toContainText(`${W} × ${H} → 64 × 48`)
  await screenshot(page, 'outpaint-frame')

  await page.getByTestId('steps-input').fill('10')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  const [job] = await invoke(page.request, host, 'listJobs')
  if (job.spec.task !== 'image.inpaint') throw new Error(job.spec.task)
  expect(job.spec.mask).toBeUndefined()
  expect(job.spec.outpaint).toEqual({ left: 0, top: 0, right: 16, bottom: 8 })
  const get = async (path: string) => (await page.request.get(`${host.origin}${path}`)).body()
  const input = await rgbPixels(await get(`/inputs/${job.spec.image}`))
  const output = await rgbPixels(await get(`/artifacts/${job.id}/0`))
  expect([output.width, output.height]).toEqual([64, 48])

  // The new border is the mask: the original area, less the feather band next to it, is unchanged.
  const reach = job.spec.feather + 1
  let changed = 0
  for (let y = 0; y < H - reach; y++) {
    for (let x = 0; x < W - reach; x++) {
      for (let c = 0; c < 3; c++) {
        if (input.data[(y * W + x) * 3 + c] !== output.data[(y * 64 + x) * 3 + c]) changed++
      }
    }
  }
  expect(changed, 'original pixels changed by outpainting').toBe(0)
  await expect(page.getByTestId('recipe-outpaint')).toHaveText('←0 ↑0 →16 ↓8')
  await screenshot(page, 'outpaint-result')
})
