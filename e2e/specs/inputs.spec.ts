import sharp from 'sharp'
import { expect, openStudio, test } from '../fixtures/web-host'

/**
 * The pixels the engine uses are the pixels the window shows: an image that needs a colour decision
 * (a CMYK JPEG without a profile, an EXIF-rotated photo) is converted once by main when it is added,
 * and the window draws main's conversion, not its own decode of the original.
 */

// 30,200,40 is the green of the bug report (a press profile and a plain conversion disagree on it).
const colours = Buffer.from([
  30, 200, 40, 0, 255, 0, 255, 0, 0, 128, 128, 128, 250, 240, 10, 5, 5, 90
])
const cases = [
  {
    name: 'press.jpg',
    note: /CMYK colours were converted to sRGB through a press profile/,
    make: () =>
      sharp(colours, { raw: { width: 3, height: 2, channels: 3 } })
        .toColourspace('cmyk')
        .jpeg({ quality: 95 })
        .toBuffer()
  },
  {
    name: 'turned.jpg',
    note: /EXIF orientation was applied/,
    make: () =>
      sharp(colours, { raw: { width: 3, height: 2, channels: 3 } })
        .jpeg({ quality: 95 })
        .withMetadata({ orientation: 6 })
        .toBuffer()
  }
]

test('a CMYK JPEG and an EXIF-rotated one look in the window exactly as the engine decodes them', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.upscale').click()
  for (const { name, note, make } of cases) {
    const original = await make()
    // What the engine decodes (sharp: upright, sRGB, 8-bit), as RGBA.
    const engine = await sharp(original)
      .rotate()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({
        resolveWithObject: true
      })
    await page.getByTestId('upscale-input-file').setInputFiles({
      name,
      mimeType: 'image/jpeg',
      buffer: original
    })
    const thumb = page.getByTestId('upscale-input-thumb')
    await expect(page.getByTestId('upscale-input')).toContainText(name)
    await expect(page.getByTestId('upscale-input')).toContainText(note)
    await expect(page.getByTestId('upscale-input')).toContainText(/Decoded once, when it was added/)
    await expect
      .poll(() =>
        thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
      )
      .toBe(engine.info.width)
    // The page's own pixels of the picture it shows (canvas, sRGB).
    const shown = await page.evaluate(`(() => {
      const img = document.querySelector('[data-testid=upscale-input-thumb]')
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const g = canvas.getContext('2d')
      g.drawImage(img, 0, 0)
      return Array.from(g.getImageData(0, 0, canvas.width, canvas.height).data)
    })()`)
    expect(shown).toEqual(Array.from(engine.data))
  }
})

test('what the studio did to an input is a note of the job, shown beside its recipe', async ({
  page,
  host
}) => {
  await openStudio(page, host.url)
  await page.getByTestId('task-image.img2img').click()
  await page.getByTestId('img2img-input-file').setInputFiles({
    name: 'press.jpg',
    mimeType: 'image/jpeg',
    buffer: await cases[0].make()
  })
  await expect(page.getByTestId('img2img-input')).toContainText('press.jpg')
  await page.getByTestId('steps-input').fill('2')
  await page.getByTestId('generate-button').click()
  await expect(page.getByTestId('job-input-notes')).toContainText(
    'image (press.jpg): CMYK colours were converted to sRGB through a press profile'
  )
  await expect(page.getByTestId('job-input-notes')).toContainText('Decoded once, when it was added')
})
