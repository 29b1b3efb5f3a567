import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  areaDownsample,
  blurFill,
  brushMask,
  colourShift,
  cubicKernel,
  enlarge,
  lanczos3Kernel,
  meanAbsoluteError,
  psnr,
  seamEnergy,
  ssim,
  textureRatio,
  type Rgba8
} from './image-metrics'
import { benchMask } from './image-bench'

function rgba(rows: number[][][]): Rgba8 {
  const height = rows.length
  const width = rows[0].length
  const data = new Uint8Array(width * height * 4)
  rows.forEach((row, y) => row.forEach((px, x) => data.set([...px, 255], (y * width + x) * 4)))
  return { width, height, data }
}

describe('image measures', () => {
  it('PSNR and SSIM equal scikit-image on a random pair (fixtures/ssim.py)', () => {
    const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures/ssim.json'), 'utf8')) as {
      a: number[][][]
      b: number[][][]
      ssim: number
      psnr: number
    }
    const a = rgba(ref.a)
    const b = rgba(ref.b)
    expect(psnr(a, b)).toBeCloseTo(ref.psnr, 10)
    expect(ssim(a, b)).toBeCloseTo(ref.ssim, 10)
    expect(ssim(a, a)).toBeCloseTo(1, 12)
    expect(psnr(a, a)).toBe(Infinity)
  })

  it('area downsampling averages blocks; blur fill keeps known pixels and fills smoothly', () => {
    const image = rgba([
      [
        [0, 0, 0],
        [4, 4, 4],
        [10, 10, 10],
        [10, 10, 10]
      ],
      [
        [8, 8, 8],
        [4, 4, 4],
        [10, 10, 10],
        [10, 10, 10]
      ]
    ])
    expect(Array.from(areaDownsample(image, 2).data)).toEqual([4, 4, 4, 255, 10, 10, 10, 255])
    const line = rgba([
      [
        [0, 0, 0],
        [99, 99, 99],
        [99, 99, 99],
        [99, 99, 99],
        [40, 40, 40]
      ]
    ])
    const filled = blurFill(line, Uint8Array.from([0, 1, 1, 1, 0]), 2000)
    expect(Array.from(filled.data.filter((_, k) => k % 4 === 0))).toEqual([0, 10, 20, 30, 40])
    expect(meanAbsoluteError(filled, line, (p) => p === 0 || p === 4)).toBe(0)
  })
})

describe('classical enlargement', () => {
  it('matches PIL BICUBIC and LANCZOS ×4 within one level (fixtures/pil-resize.py)', () => {
    const ref = JSON.parse(
      readFileSync(join(__dirname, 'fixtures/pil-resize.json'), 'utf8')
    ) as Record<string, number[][][]>
    const a = rgba(ref.a)
    for (const [name, kernel, support] of [
      ['bicubic', cubicKernel, 2],
      ['lanczos', lanczos3Kernel, 3]
    ] as const) {
      const ours = enlarge(a, 4, kernel, support)
      const theirs = rgba(ref[name])
      let worst = 0
      for (let k = 0; k < ours.data.length; k++)
        worst = Math.max(worst, Math.abs(ours.data[k] - theirs.data[k]))
      expect(worst, name).toBeLessThanOrEqual(1)
    }
  })
})

describe('inpainting measures', () => {
  const grey = (w: number, h: number, v: (x: number, y: number) => number) =>
    rgba(
      Array.from({ length: h }, (_, y) =>
        Array.from({ length: w }, (_, x) => [v(x, y), v(x, y), v(x, y)])
      )
    )

  it('colour shift is the mean difference inside, per channel', () => {
    const a = rgba([
      [
        [10, 20, 30],
        [10, 20, 30]
      ]
    ])
    const b = rgba([
      [
        [13, 20, 24],
        [99, 99, 99]
      ]
    ])
    // Only pixel 0: |10−13| + |20−20| + |30−24| = 9 over 3 channels.
    expect(colourShift(a, b, (p) => p === 0)).toBe(3)
  })

  it('seam energy is the mean squared step across the region border', () => {
    // 4×1: region = pixels 1, 2; border pairs (0,1) and (2,3): steps 10 and 20 → (100 + 400)/2.
    const a = grey(4, 1, (x) => [0, 10, 10, 30][x])
    expect(seamEnergy(a, (p) => p === 1 || p === 2)).toBe(250)
  })

  it('texture ratio compares the Laplacian energy inside with the ring, 0 for a flat fill', () => {
    const checker = grey(12, 12, (x, y) => ((x + y) % 2 ? 200 : 50))
    const inside = (p: number) => {
      const x = p % 12
      const y = Math.floor(p / 12)
      return x >= 4 && x < 8 && y >= 4 && y < 8
    }
    const ring = (p: number) => !inside(p)
    expect(textureRatio(checker, inside, ring)).toBeCloseTo(1, 12)
    const flat = grey(12, 12, (x, y) => (inside(y * 12 + x) ? 125 : (x + y) % 2 ? 200 : 50))
    // The flat square's inner 2×2 has no Laplacian; its edge pixels see the checker.
    expect(textureRatio(flat, inside, ring)).toBeLessThan(0.5)
  })

  it('brush masks follow the editor: pixel centres within the radius of the stroke', () => {
    const m = brushMask(
      9,
      5,
      [
        { x: 1.5, y: 2.5 },
        { x: 7.5, y: 2.5 }
      ],
      3
    )
    const rows = Array.from({ length: 5 }, (_, y) =>
      Array.from(m.subarray(y * 9, y * 9 + 9), (v) => (v ? 1 : 0)).join('')
    )
    expect(rows).toEqual(['000000000', '111111111', '111111111', '111111111', '000000000'])
    const thin = benchMask('scratch', 256, 1000)
    const box = benchMask('box', 256, 1000)
    const count = (mask: Uint8Array) => mask.reduce((a, v) => a + (v ? 1 : 0), 0)
    expect(count(box) / 256 ** 2).toBeGreaterThan(0.18)
    expect(count(box) / 256 ** 2).toBeLessThan(0.22)
    // A scratch ~3 px wide across the image: about 3 × 256 pixels.
    expect(count(thin)).toBeGreaterThan(500)
    expect(count(thin)).toBeLessThan(1200)
  })
})
