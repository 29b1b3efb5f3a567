import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  areaDownsample,
  blurFill,
  cubicKernel,
  enlarge,
  lanczos3Kernel,
  meanAbsoluteError,
  psnr,
  ssim,
  type Rgba8
} from './image-metrics'

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
