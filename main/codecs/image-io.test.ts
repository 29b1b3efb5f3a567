import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeMask, decodeRgba, encodeWebp, normaliseImage, probeImage } from './image-io'
import { decodePng, encodePng, pngChunks } from './png'

/** A 6×4 image, left half red, right half blue. */
const raw = (() => {
  const data = Buffer.alloc(6 * 4 * 3)
  for (let p = 0; p < 24; p++) data.set(p % 6 < 3 ? [255, 0, 0] : [0, 0, 255], p * 3)
  return data
})()
const base = () => sharp(raw, { raw: { width: 6, height: 4, channels: 3 } })

describe('image input', () => {
  it.each([
    ['png', () => base().png().toBuffer(), 'image/png'],
    ['jpeg', () => base().jpeg({ quality: 100 }).toBuffer(), 'image/jpeg'],
    ['webp', () => base().webp({ lossless: true }).toBuffer(), 'image/webp'],
    ['avif', () => base().avif({ lossless: true }).toBuffer(), 'image/avif'],
    ['tiff', () => base().tiff().toBuffer(), 'image/tiff']
  ])('reads %s', async (_name, make, mime) => {
    const bytes = await make()
    const probe = await probeImage(bytes)
    expect(probe).toMatchObject({ mime, width: 6, height: 4 })
    const rgba = await decodeRgba(bytes)
    expect([rgba.width, rgba.height, rgba.data.length]).toEqual([6, 4, 96])
    expect(rgba.data[0]).toBeGreaterThan(200) // red on the left
    expect(rgba.data[5 * 4 + 2]).toBeGreaterThan(200) // blue on the right
  })

  it('applies the EXIF orientation (6: rotate 90° clockwise) and says so', async () => {
    const bytes = await base().jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer()
    const probe = await probeImage(bytes)
    expect([probe.width, probe.height]).toEqual([4, 6])
    expect(probe.notes.join(' ')).toMatch(/EXIF orientation/)
    const rgba = await decodeRgba(bytes)
    expect([rgba.width, rgba.height]).toEqual([4, 6])
    // After a clockwise turn the red (left) half is at the top.
    expect(rgba.data[0]).toBeGreaterThan(200)
    expect(rgba.data[(5 * 4 + 0) * 4 + 2]).toBeGreaterThan(200)
  })

  it('converts CMYK, 16-bit and grayscale to 8-bit sRGB, keeping alpha', async () => {
    const cmyk = await base().toColourspace('cmyk').jpeg().toBuffer()
    expect((await probeImage(cmyk)).notes.join(' ')).toMatch(/CMYK/)
    expect((await decodeRgba(cmyk)).data[0]).toBeGreaterThan(200)

    const deep = await base().toColourspace('rgb16').png().toBuffer()
    expect((await probeImage(deep)).notes.join(' ')).toMatch(/16-bit/)
    expect((await decodeRgba(deep)).data.length).toBe(96)

    const gray = await base().toColourspace('b-w').png().toBuffer()
    expect((await probeImage(gray)).notes.join(' ')).toMatch(/grayscale/)
    const g = await decodeRgba(gray)
    expect(g.data[0]).toBe(g.data[1])

    const alpha = await sharp({
      create: { width: 2, height: 2, channels: 4, background: { r: 0, g: 255, b: 0, alpha: 0.5 } }
    })
      .png()
      .toBuffer()
    expect((await probeImage(alpha)).notes.join(' ')).toMatch(/transparency/)
    expect((await decodeRgba(alpha)).data[3]).toBe(128)
  })

  it('refuses corrupt, truncated, unsupported and oversized files with bad-input', async () => {
    const png = await base().png().toBuffer()
    const fail = (bytes: Uint8Array, max?: number) =>
      probeImage(bytes, max).then(
        () => 'accepted',
        (e: { code: string; message: string }) => `${e.code}: ${e.message}`
      )
    expect(await fail(Buffer.from('not an image at all'))).toMatch(/^bad-input: /)
    expect(await fail(png.subarray(0, png.length - 20))).toMatch(/^bad-input: /)
    expect(await fail(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatch(
      /^bad-input: /
    )
    expect(await fail(png, 10)).toMatch(/larger than 10 pixels/)
    // A header claiming 30000×30000: refused from the header.
    const huge = encodePng({ width: 1, height: 1, data: new Uint8Array([1, 2, 3, 255]) })
    huge.writeUInt32BE(30000, 16)
    huge.writeUInt32BE(30000, 20)
    expect(await fail(huge)).toMatch(/bad-input/)
  })

  it('reads recipes from PNG text chunks', async () => {
    const png = encodePng(
      { width: 1, height: 1, data: new Uint8Array([1, 2, 3, 255]) },
      {
        parameters: 'a cat\nSteps: 20'
      }
    )
    expect((await probeImage(png)).text.parameters).toBe('a cat\nSteps: 20')
  })

  it('decodes masks: white = change, transparent = keep, resized to the image', async () => {
    // Left half transparent white (keep), right half opaque white (change).
    const pixels = Buffer.alloc(4 * 4 * 4, 255)
    for (let p = 0; p < 16; p++) if (p % 4 < 2) pixels[p * 4 + 3] = 0
    const mask = await sharp(pixels, { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toBuffer()
    const m = await decodeMask(mask)
    expect(Array.from(m.data.subarray(0, 4))).toEqual([0, 0, 255, 255])
    const big = await decodeMask(mask, { width: 8, height: 8 })
    expect(big.data.length).toBe(64)
  })

  it('writes lossless WebP that decodes to the same pixels', async () => {
    const image = {
      width: 3,
      height: 2,
      data: new Uint8Array(24).map((_, i) => ((i * 37) % 256) | (i % 4 === 3 ? 255 : 0))
    }
    const webp = await encodeWebp(image, 'recipe & <tags>')
    const back = await decodeRgba(webp)
    expect(Array.from(back.data)).toEqual(Array.from(image.data))
    expect((await sharp(webp).metadata()).xmp?.toString()).toContain('recipe &amp; &lt;tags&gt;')
  })
})

describe('normaliseImage: one decode for the engine and the window', () => {
  // 30,200,40 is the green of the bug report; the rest spans the gamut and greys.
  const colours = Buffer.from([
    30, 200, 40, 0, 255, 0, 255, 0, 0, 128, 128, 128, 250, 240, 10, 5, 5, 90
  ])
  const image = () => sharp(colours, { raw: { width: 3, height: 2, channels: 3 } })
  const rgbaWithAlpha = Buffer.from([
    30, 200, 40, 255, 250, 0, 250, 0, 10, 20, 30, 128, 200, 100, 50, 255, 0, 0, 0, 0, 9, 9, 9, 1
  ])
  const cases: [string, () => Promise<Buffer>, RegExp][] = [
    [
      'a CMYK JPEG without a profile',
      () => image().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(),
      /CMYK colours were converted to sRGB through a press profile/
    ],
    [
      'a Display P3 PNG',
      () => image().withIccProfile('p3').png().toBuffer(),
      /Colours were converted to sRGB from the file's profile \(sP3C\)/
    ],
    [
      'a 16-bit PNG',
      () => image().toColourspace('rgb16').png().toBuffer(),
      /16-bit samples were reduced to 8 bits/
    ],
    [
      'a 16-bit grey PNG with alpha',
      () =>
        sharp(rgbaWithAlpha, { raw: { width: 3, height: 2, channels: 4 } })
          .toColourspace('grey16')
          .png()
          .toBuffer(),
      /16-bit/
    ],
    [
      'a JPEG turned by EXIF orientation 6',
      () => image().jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer(),
      /EXIF orientation was applied/
    ],
    [
      'a plain sRGB JPEG',
      () => image().jpeg({ quality: 90 }).toBuffer(),
      /from JPEG to an 8-bit sRGB PNG/
    ],
    [
      'a lossy WebP with alpha',
      () =>
        sharp(rgbaWithAlpha, { raw: { width: 3, height: 2, channels: 4 } })
          .webp({ quality: 80 })
          .toBuffer(),
      /from WEBP/
    ]
  ]

  it.each(cases)(
    '%s is stored as the PNG of the pixels the engine decodes, and says so',
    async (_name, make, note) => {
      const bytes = await make()
      const probe = await probeImage(bytes)
      const normal = await normaliseImage(bytes, probe)
      expect(normal).toBeDefined()
      expect([...probe.notes, normal!.note].join(' ')).toMatch(note)
      // The stored file needs no colour management: 8-bit, no profile, gamma, EXIF or animation.
      const chunks = pngChunks(normal!.bytes)!
      expect(chunks.bitDepth).toBe(8)
      for (const type of ['iCCP', 'gAMA', 'cHRM', 'eXIf', 'acTL'])
        expect(chunks.types.has(type)).toBe(false)
      // A plain PNG decoder (what a browser does with such a file) gives exactly the engine's pixels…
      const engine = await decodeRgba(bytes)
      const plain = decodePng(normal!.bytes)
      expect([plain.width, plain.height]).toEqual([engine.width, engine.height])
      expect(Buffer.from(plain.data).equals(Buffer.from(engine.data))).toBe(true)
      // …and the engine, reading the stored file, decodes the same pixels as from the original.
      expect(
        Buffer.from((await decodeRgba(normal!.bytes)).data).equals(Buffer.from(engine.data))
      ).toBe(true)
      // Grey stays grey (so grayscale inputs still give grayscale outputs).
      expect((await probeImage(normal!.bytes)).grey).toBe(probe.grey)
    }
  )

  it('keeps plain 8-bit PNGs (RGB, RGBA, grey + alpha, palette) byte for byte', async () => {
    const pngs = [
      await image().png().toBuffer(),
      await sharp(rgbaWithAlpha, { raw: { width: 3, height: 2, channels: 4 } })
        .png()
        .toBuffer(),
      await sharp(rgbaWithAlpha, { raw: { width: 3, height: 2, channels: 4 } })
        .toColourspace('b-w')
        .png()
        .toBuffer(),
      await image().png({ palette: true, colours: 8 }).toBuffer(),
      encodePng({ width: 1, height: 1, data: Uint8Array.of(1, 2, 3, 4) }, { parameters: 'a cat' })
    ]
    for (const bytes of pngs)
      expect(await normaliseImage(bytes, await probeImage(bytes))).toBeUndefined()
  })
})
