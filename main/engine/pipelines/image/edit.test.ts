// Inpainting and upscaling on pixel models through the real runtime: the starter emoji model (RePaint,
// mask blending, DDRM) and tiny models with the dedicated contracts (mask channels, a low-res input).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelRegistry } from '../../../models/registry'
import { writeTinyChainModel, writeTinyEditModel } from '../../../onnx/testing/tiny-models'
import { modelRoots } from '../../../platform/paths'
import { InputStore } from '../../../storage/inputs'
import { Runtime } from '../../runtime'
import { decodeRgba } from '../../../codecs/image-io'
import { inputValidators } from '../../../codecs/input-validators'
import { runImageJob } from '../testing/run-job'
import { areaConsistent } from './upscale'
import { bilinearResize, harmonicFill } from '../../../codecs/fill'
import { rgbaToTensor } from '../../../codecs/image'

const work = mkdtempSync(join(tmpdir(), 'edit-'))
const out = join(work, 'out')
const tinyRoot = join(work, 'tiny')
const inputs = new InputStore(join(work, 'inputs'), inputValidators)
mkdirSync(out, { recursive: true })
const registry = new ModelRegistry({ starter: modelRoots().starter, user: tinyRoot })
let runtime: Runtime
const refs: Record<string, string> = {}

async function png(
  width: number,
  height: number,
  pixel: (x: number, y: number) => number[],
  channels: 3 | 4 = 3
) {
  const raw = Buffer.alloc(width * height * channels)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), (y * width + x) * channels)
  return sharp(raw, { raw: { width, height, channels } }).png().toBuffer()
}

const inBox = (x: number, y: number) => x >= 10 && x < 22 && y >= 8 && y < 18

beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 512 })
  writeTinyEditModel(tinyRoot, 'tiny-inpaint', 'inpaint')
  writeTinyEditModel(tinyRoot, 'tiny-sr', 'sr')
  writeTinyChainModel(tinyRoot, 'tiny-chain-inpaint', 'inpaint')
  writeTinyChainModel(tinyRoot, 'tiny-chain-sr', 'sr')
  const add = async (key: string, kind: 'image' | 'mask', bytes: Buffer) =>
    (refs[key] = (await inputs.add(kind, bytes, `${key}.png`)).ref)
  await add('photo', 'image', await png(40, 28, (x, y) => [x * 6, y * 9, (x * y) % 256]))
  await add(
    'mask',
    'mask',
    await png(40, 28, (x, y) => (inBox(x, y) ? [255, 255, 255] : [0, 0, 0]))
  )
  await add('empty', 'mask', await png(40, 28, () => [0, 0, 0]))
  // 32×32: the tiny models' working size (4 × their native 16²), so the work box is not resized.
  await add('photo32', 'image', await png(32, 32, (x, y) => [x * 7, y * 8, (x * y) % 256]))
  await add(
    'mask32',
    'mask',
    await png(32, 32, (x, y) => (inBox(x, y) ? [255, 255, 255] : [0, 0, 0]))
  )
  await add(
    'smallMask',
    'mask',
    await png(20, 14, (x, y) => (inBox(2 * x, 2 * y) ? [255, 255, 255] : [0, 0, 0]))
  )
  await add(
    'soft',
    'image',
    await png(40, 28, (x, y) => [100 + x, 90 + 2 * y, 120 + ((x * y) % 40)])
  )
  await add(
    'grey',
    'image',
    await sharp(await png(12, 10, (x, y) => [x * 20, y * 20, 90]))
      .toColourspace('b-w')
      .png()
      .toBuffer()
  )
  await add(
    'deep',
    'image',
    await sharp(await png(12, 10, (x, y) => [x * 20, y * 20, 90]))
      .toColourspace('rgb16')
      .png()
      .toBuffer()
  )
  await add(
    'alpha',
    'image',
    await png(12, 10, (x, y) => [x * 20, y * 20, 50, x < 6 ? 255 : 100], 4)
  )
  // Two images that look the same: the right half fully transparent, over green in one and magenta
  // in the other (as editors leave colour under erased pixels); one translucent column.
  for (const [key, hidden] of [
    ['ghostGreen', [0, 255, 0]],
    ['ghostMagenta', [255, 0, 255]]
  ] as const) {
    await add(
      key,
      'image',
      await png(
        40,
        28,
        (x, y) =>
          x < 18 ? [200, 60 + y * 4, 40, 255] : x === 18 ? [90, 90, 200, 128] : [...hidden, 0],
        4
      )
    )
  }
}, 60_000)
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

const run = (spec: Record<string, unknown>, stem: string) =>
  runImageJob({ runtime, registry, outputDir: out, inputsDir: inputs.dir }, spec, stem)

async function input(key: string) {
  return decodeRgba(readFileSync(join(inputs.dir, refs[key])))
}

/** Pixels (x, y) outside the box grown by `band` whose 4 bytes differ from the input's. */
async function changedOutside(image: { width: number; data: Uint8Array }, band: number) {
  const source = await input('photo')
  let changed = 0
  let inside = 0
  for (let y = 0; y < 28; y++)
    for (let x = 0; x < 40; x++) {
      const p = (y * 40 + x) * 4
      const same = [0, 1, 2, 3].every((c) => image.data[p + c] === source.data[p + c])
      const near = x >= 10 - band && x < 22 + band && y >= 8 - band && y < 18 + band
      if (!near && !same) changed++
      if (inBox(x, y) && !same) inside++
    }
  return { changed, inside }
}

describe('inpainting on pixel models', () => {
  for (const [model, method] of [
    ['tiny-inpaint', 'auto'],
    ['emoji-32', 'repaint'],
    ['emoji-32', 'blend']
  ] as const) {
    it(`${model} (${method}): outside the mask and feather band every byte is the input's`, async () => {
      const { image, recipe } = await run(
        {
          task: 'image.inpaint',
          model,
          method,
          image: refs.photo,
          mask: refs.mask,
          feather: 2,
          seed: 4,
          steps: 4,
          ...(model === 'emoji-32' ? { label: 'Objects' } : {}),
          ...(method === 'repaint' ? { samplerExtra: { jump_length: 2, resample_count: 2 } } : {})
        },
        `${model}-${method}`
      )
      expect([image.width, image.height]).toEqual([40, 28])
      const { changed, inside } = await changedOutside(image, 2)
      expect(changed).toBe(0)
      expect(inside).toBeGreaterThan(60)
      expect(recipe.method).toBe(method === 'auto' ? 'dedicated' : method)
      expect((recipe.inpaint as { featherBandPixels: number }).featherBandPixels).toBeGreaterThan(0)
    }, 60_000)
  }

  it('an empty mask says there is nothing to do; a wrong-size mask is stretched with a warning', async () => {
    await expect(
      run(
        { task: 'image.inpaint', model: 'tiny-inpaint', image: refs.photo, mask: refs.empty },
        'empty'
      )
    ).rejects.toThrow(/mask is empty/)
    const { updates, image } = await run(
      {
        task: 'image.inpaint',
        model: 'tiny-inpaint',
        image: refs.photo,
        mask: refs.smallMask,
        feather: 0
      },
      'small'
    )
    expect(updates.some((u) => u.type === 'warning' && /stretched/.test(u.message))).toBe(true)
    expect((await changedOutside(image, 1)).changed).toBe(0)
  }, 60_000)

  it('outpainting extends the canvas and keeps the original pixels', async () => {
    const { image } = await run(
      {
        task: 'image.inpaint',
        model: 'tiny-inpaint',
        image: refs.photo,
        outpaint: { left: 8, top: 0, right: 0, bottom: 4 },
        feather: 0
      },
      'outpaint'
    )
    expect([image.width, image.height]).toEqual([48, 32])
    const source = await input('photo')
    let differing = 0
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 40; x++)
        for (let c = 0; c < 4; c++)
          if (image.data[(y * 48 + x + 8) * 4 + c] !== source.data[(y * 40 + x) * 4 + c])
            differing++
    expect(differing).toBe(0)
  }, 60_000)

  it('refuses a method the model cannot run, naming the one it can', async () => {
    await expect(
      run(
        {
          task: 'image.inpaint',
          model: 'tiny-inpaint',
          method: 'repaint',
          image: refs.photo,
          mask: refs.mask
        },
        'x'
      )
    ).rejects.toThrow(
      /takes the mask and the kept image as inputs of its own.*Leave the method on "auto"/
    )
  })
})

describe('truncated chains (the model’s D is x itself, so the result is the start + σ_start·n)', () => {
  /** Mean |a − b| (levels) over RGB of the pixels where `where`, and their count. */
  const meanDiff = (a: Uint8Array, b: ArrayLike<number>, where: (p: number) => boolean) => {
    let sum = 0
    let n = 0
    for (let p = 0; p < a.length / 4; p++) {
      if (!where(p)) continue
      for (let c = 0; c < 3; c++) sum += Math.abs(a[p * 4 + c] - b[p * 4 + c])
      n += 3
    }
    return sum / n
  }

  it('inpainting starts from the harmonic fill of the hole (noise σ_start = 0.02 ≈ 2.5 levels)', async () => {
    const { image, updates } = await run(
      {
        task: 'image.inpaint',
        model: 'tiny-chain-inpaint',
        image: refs.photo32,
        mask: refs.mask32,
        feather: 0,
        maskedOnly: false,
        seed: 3
      },
      'chain-inpaint'
    )
    const source = await input('photo32')
    const hole = Float32Array.from({ length: 32 * 32 }, (_, p) =>
      inBox(p % 32, Math.floor(p / 32)) ? 1 : 0
    )
    const fill = harmonicFill(rgbaToTensor(source, 3, [-1, 1]), hole, 3, 32, 32)
    const expected = new Uint8Array(32 * 32 * 4)
    for (let p = 0; p < 32 * 32; p++)
      for (let c = 0; c < 3; c++)
        expected[p * 4 + c] = Math.round((fill[c * 32 * 32 + p] + 1) * 127.5)
    const inHole = (p: number) => hole[p] > 0
    expect(meanDiff(image.data, expected, inHole)).toBeGreaterThan(0.5) // the chain's noise is there
    expect(meanDiff(image.data, expected, inHole)).toBeLessThan(3.5)
    // A zeroed masked image would have started from mid-grey: far from the fill.
    expect(meanDiff(image.data, new Uint8Array(32 * 32 * 4).fill(128), inHole)).toBeGreaterThan(15)
    expect(meanDiff(image.data, source.data, (p) => !inHole(p))).toBe(0)
    // 3 steps: σ_start, then the tail from σ_tail (0.01 → σ_min 0.002).
    expect(updates.filter((u) => u.type === 'step')).toHaveLength(3)
  }, 60_000)

  it('upscaling starts each tile from its bilinear ×4 upsample', async () => {
    const { image } = await run(
      { task: 'image.upscale', model: 'tiny-chain-sr', image: refs.soft, seed: 2, steps: 1 },
      'chain-sr'
    )
    const source = await input('soft')
    expect([image.width, image.height]).toEqual([160, 112])
    const up = bilinearResize(rgbaToTensor(source, 3, [-1, 1]), 3, 40, 28, 160, 112)
    const expected = new Uint8Array(160 * 112 * 4)
    for (let p = 0; p < 160 * 112; p++)
      for (let c = 0; c < 3; c++)
        expected[p * 4 + c] = Math.round((up[c * 160 * 112 + p] + 1) * 127.5)
    const all = () => true
    expect(meanDiff(image.data, expected, all)).toBeGreaterThan(0.5)
    expect(meanDiff(image.data, expected, all)).toBeLessThan(3.5)
  }, 60_000)
})

describe('upscaling on pixel models', () => {
  it('a model with a low-res input: ×4 in overlapping tiles, progress per tile', async () => {
    const { image, updates, recipe } = await run(
      {
        task: 'image.upscale',
        model: 'tiny-sr',
        image: refs.photo,
        tile: 64,
        tileOverlap: 16,
        seed: 1
      },
      'sr'
    )
    expect([image.width, image.height]).toEqual([160, 112])
    const stages = new Set(updates.flatMap((u) => (u.type === 'step' && u.stage ? [u.stage] : [])))
    const tiles = (recipe.tiles as { count: number }).count
    expect(tiles).toBeGreaterThan(1)
    expect(stages.size).toBe(tiles)
    const steps = updates.filter((u) => u.type === 'step')
    expect(steps.at(-1)).toMatchObject({ i: tiles * 3, n: tiles * 3 })
  }, 60_000)

  it('DDRM with the emoji model is consistent with the input: ×4 average pooling gives it back', async () => {
    const { image } = await run(
      {
        task: 'image.upscale',
        model: 'emoji-32',
        image: refs.soft,
        scale: 4,
        seed: 2,
        steps: 6,
        label: 'Objects'
      },
      'ddrm'
    )
    expect([image.width, image.height]).toEqual([160, 112])
    const source = await input('soft')
    let worst = 0
    let clipped = 0
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 40; x++)
        for (let c = 0; c < 3; c++) {
          let sum = 0
          let clips = false
          for (let dy = 0; dy < 4; dy++)
            for (let dx = 0; dx < 4; dx++) {
              const v = image.data[((4 * y + dy) * 160 + 4 * x + dx) * 4 + c]
              sum += v
              clips ||= v === 0 || v === 255
            }
          // A block with a pixel clipped to 0 or 255 lost part of its value in the 8-bit output.
          if (clips) clipped++
          else worst = Math.max(worst, Math.abs(sum / 16 - source.data[(y * 40 + x) * 4 + c]))
        }
    // Exact up to the 8-bit rounding of the output, across tiles and their blended overlaps.
    expect(worst).toBeLessThanOrEqual(0.5)
    expect(clipped).toBeLessThan(40 * 28 * 3 * 0.02)
  }, 120_000)

  it('a grayscale input gives a grayscale output; 16-bit input is noted as reduced to 8 bits', async () => {
    const grey = await run(
      { task: 'image.upscale', model: 'tiny-sr', image: refs.grey, seed: 1 },
      'grey'
    )
    for (let p = 0; p < grey.image.data.length; p += 4) {
      expect(grey.image.data[p]).toBe(grey.image.data[p + 1])
      expect(grey.image.data[p]).toBe(grey.image.data[p + 2])
    }
    expect(grey.updates.some((u) => u.type === 'warning' && /grayscale/.test(u.message))).toBe(true)
    const deep = await run(
      { task: 'image.upscale', model: 'tiny-sr', image: refs.deep, seed: 1 },
      'deep'
    )
    // Reduced once, when it was added: an input note of the job, not an engine warning.
    expect(inputs.get(refs.deep)!.notes.join(' ')).toMatch(/16-bit samples were reduced to 8 bits/)
    expect(deep.image.width).toBe(48)
  }, 60_000)

  it('keeps transparency, upscaled', async () => {
    const { image } = await run(
      { task: 'image.upscale', model: 'tiny-sr', image: refs.alpha, seed: 1 },
      'alpha'
    )
    expect([image.width, image.height]).toEqual([48, 40])
    expect(image.data[3]).toBe(255)
    expect(image.data[(20 * 48 + 47) * 4 + 3]).toBeLessThan(140)
  }, 60_000)

  it('colour hidden under transparent pixels never reaches the visible ones: equal-looking inputs give equal files, alpha upscaled', async () => {
    const runs = await Promise.all(
      ['ghostGreen', 'ghostMagenta'].map((key) =>
        run({ task: 'image.upscale', model: 'tiny-sr', image: refs[key], seed: 3 }, `up-${key}`)
      )
    )
    const [green, magenta] = runs.map((r) => r.image)
    expect(Buffer.from(green.data).equals(Buffer.from(magenta.data))).toBe(true)
    // The alpha is the input's, upscaled with the image (Lanczos), and invisible pixels are 0,0,0,0.
    const alpha = await sharp(Buffer.from((await input('ghostGreen')).data), {
      raw: { width: 40, height: 28, channels: 4 }
    })
      .resize(160, 112, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer()
    for (let p = 0; p < green.data.length; p += 4) {
      expect(green.data[p + 3]).toBe(alpha[p + 3])
      if (green.data[p + 3] === 0) expect([...green.data.subarray(p, p + 3)]).toEqual([0, 0, 0])
    }
  }, 60_000)

  it('inpainting across a transparent edge: equal-looking inputs look equal after, the blend does not tint', async () => {
    const runs = await Promise.all(
      ['ghostGreen', 'ghostMagenta'].map((key) =>
        run(
          {
            task: 'image.inpaint',
            model: 'tiny-inpaint',
            image: refs[key],
            mask: refs.mask,
            feather: 3,
            seed: 4,
            steps: 3
          },
          `in-${key}`
        )
      )
    )
    const [green, magenta] = runs.map((r) => r.image)
    let visible = 0
    for (let p = 0; p < green.data.length; p += 4) {
      expect(green.data[p + 3]).toBe(magenta.data[p + 3])
      if (green.data[p + 3] === 0) continue // untouched and invisible: the input's own bytes
      visible++
      expect([...green.data.subarray(p, p + 3)]).toEqual([...magenta.data.subarray(p, p + 3)])
    }
    expect(visible).toBeGreaterThan(18 * 28)
  }, 60_000)

  it("a smaller scale than the model's runs at its scale and resizes; a larger one is refused", async () => {
    const { image, recipe } = await run(
      { task: 'image.upscale', model: 'tiny-sr', image: refs.photo, scale: 2 },
      'x2'
    )
    expect([image.width, image.height]).toEqual([80, 56])
    expect(recipe.modelScale).toBe(4)
    await expect(
      run({ task: 'image.upscale', model: 'tiny-sr', image: refs.photo, scale: 8 }, 'x8')
    ).rejects.toThrow(/up to ×4/)
  })
})

describe('area consistency (back-projection)', () => {
  it('makes every s×s block mean equal its low-res pixel and changes nothing else', () => {
    const x = { shape: [1, 1, 4, 4], data: Float64Array.from({ length: 16 }, (_, k) => k % 5) }
    const low = Float32Array.from([1, 2, 3, 4])
    const out = areaConsistent(x, low, 2)
    for (let by = 0; by < 2; by++)
      for (let bx = 0; bx < 2; bx++) {
        let mean = 0
        for (let dy = 0; dy < 2; dy++)
          for (let dx = 0; dx < 2; dx++) mean += out.data[(by * 2 + dy) * 4 + bx * 2 + dx] / 4
        expect(mean).toBeCloseTo(low[by * 2 + bx], 12)
      }
    // Within a block the differences between pixels are kept (an orthogonal projection).
    expect(out.data[1] - out.data[0]).toBeCloseTo(x.data[1] - x.data[0], 12)
  })
})
