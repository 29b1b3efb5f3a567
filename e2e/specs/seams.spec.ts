import sharp from 'sharp'
import {
  expect,
  invoke,
  jobWait,
  newestJob,
  openStudio,
  screenshot,
  test
} from '../fixtures/web-host'

/**
 * The task seam end to end: image to image through the UI (input by file picker, paste, reuse), results
 * served by URL with byte ranges, previews as binary WebSocket frames.
 */

async function photo(width = 48, height = 40): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3)
  for (let p = 0; p < width * height; p++) {
    raw.set([(p % width) * 5, Math.floor(p / width) * 6, 128], p * 3)
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer()
}

test('image to image: pick an input, rework it, results by URL, reuse restores the input', async ({
  page,
  host
}) => {
  // Count the WebSocket frames: step events carry previews and must arrive as binary frames.
  const frames = { binary: 0, text: 0 }
  page.on('websocket', (ws) =>
    ws.on('framereceived', (frame) => {
      if (typeof frame.payload === 'string') frames.text++
      else frames.binary++
    })
  )
  await openStudio(page, host.url)
  await page.getByTestId('task-image.img2img').click()
  await expect(page.getByTestId('img2img-input')).toBeVisible()

  // No input yet: Run names what is missing beside the picker.
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('img2img-input-error')).toContainText('Choose an input image')

  await page.getByTestId('img2img-input-file').setInputFiles({
    name: 'gradient.png',
    mimeType: 'image/png',
    buffer: await photo()
  })
  await expect(page.getByTestId('img2img-input-thumb')).toBeVisible()
  const ref = await page.getByTestId('img2img-input').getAttribute('data-ref')
  expect(ref).toMatch(/^[0-9a-f]{64}$/)
  await expect(page.getByTestId('img2img-input')).toContainText('48 × 40')

  await page.getByTestId('strength-input').fill('0.5')
  await page.getByTestId('steps-input').fill('20')
  await expect(page.getByTestId('strength-steps')).toHaveText('10 of 20 steps run')
  await page.getByTestId('generate-button').click()
  await expect(newestJob(page)).toHaveAttribute('data-status', 'done', jobWait)
  await screenshot(page, 'img2img')

  // The result is loaded by URL (not a data: string), and the recipe holds the input's hash.
  const image = page.getByTestId('result-image').first()
  const src = (await image.getAttribute('src'))!
  expect(src).toMatch(/^\/artifacts\/[\w-]+\/0$/)
  await expect
    .poll(() => image.evaluate((img) => (img as { naturalWidth: number }).naturalWidth))
    .toBe(32)
  const [job] = await invoke(page.request, host, 'listJobs')
  expect(job.spec).toMatchObject({ task: 'image.img2img', image: ref, strength: 0.5 })
  await expect(page.getByTestId('recipe-task')).toHaveText('Image to image')
  await expect(page.getByTestId('recipe-strength')).toHaveText('0.5')

  // A Range request answers 206 with exactly those bytes.
  const whole = await (await page.request.get(`${host.origin}${src}`)).body()
  const part = await page.request.get(`${host.origin}${src}`, { headers: { range: 'bytes=8-23' } })
  expect(part.status()).toBe(206)
  expect(part.headers()['content-range']).toBe(`bytes 8-23/${whole.length}`)
  expect((await part.body()).equals(whole.subarray(8, 24))).toBe(true)

  // Previews crossed as binary frames.
  expect(frames.binary, 'binary frames (previews)').toBeGreaterThan(0)

  // Reuse recipe from the generate workspace brings back the task, the input and the strength.
  await page.getByTestId('task-image.generate').click()
  await page.getByTestId('img2img-input').waitFor({ state: 'detached' })
  await page.getByTestId('reuse-recipe').click()
  await expect(page.getByTestId('task-image.img2img')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('img2img-input')).toHaveAttribute('data-ref', ref!)
  await expect(page.getByTestId('strength-input')).toHaveValue('0.5')
})

test('image to image takes a pasted image and refuses a file that is not one', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.img2img').click()
  await page.getByTestId('img2img-input-file').setInputFiles({
    name: 'notes.png',
    mimeType: 'image/png',
    buffer: Buffer.from('this is not an image')
  })
  await expect(page.getByTestId('img2img-input-error')).toContainText('could not be read')

  const png = (await photo(20, 20)).toString('base64')
  // Runs in the page (DOM types are not in this project's Node tsconfig, hence the string).
  await page.evaluate(`(() => {
    const bytes = Uint8Array.from(atob('${png}'), (c) => c.charCodeAt(0))
    const data = new DataTransfer()
    data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }))
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }))
  })()`)
  await expect(page.getByTestId('img2img-input-thumb')).toBeVisible()
  await expect(page.getByTestId('img2img-input')).toContainText('pasted.png')
})
