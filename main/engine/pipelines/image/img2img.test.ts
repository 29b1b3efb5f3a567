// Image to image on the starter model through the real runtime, and non-finite model outputs.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StudioError } from '../../../contract'
import { ModelRegistry } from '../../../models/registry'
import { writeTinyPixelModel } from '../../../onnx/testing/tiny-models'
import { modelRoots } from '../../../platform/paths'
import { InputStore } from '../../../storage/inputs'
import { Runtime } from '../../runtime'
import { decodeRgba } from '../../../codecs/image-io'
import { inputValidators } from '../../../codecs/input-validators'
import { decodePng } from '../../../codecs/png'
import { runJob } from '../testing/run-job'

const work = mkdtempSync(join(tmpdir(), 'img2img-'))
const out = join(work, 'out')
const tinyRoot = join(work, 'tiny')
const inputs = new InputStore(join(work, 'inputs'), inputValidators)
mkdirSync(out, { recursive: true })
const registry = new ModelRegistry({ starter: modelRoots().starter, user: tinyRoot })
let runtime: Runtime
let photo: string

beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 0, memoryBudgetMB: 512 })
  // A 48×40 gradient: resized (cover) to the model's 32×32.
  const raw = Buffer.alloc(48 * 40 * 3)
  for (let p = 0; p < 48 * 40; p++) raw.set([(p % 48) * 5, Math.floor(p / 48) * 6, 128], p * 3)
  const png = await sharp(raw, { raw: { width: 48, height: 40, channels: 3 } })
    .png()
    .toBuffer()
  photo = (await inputs.add('image', png, 'gradient.png')).ref
  writeTinyPixelModel(tinyRoot, 'tiny-nan', { behaviour: 'nan' })
  writeTinyPixelModel(tinyRoot, 'tiny-fp16', {
    behaviour: 'overflow',
    dtype: 'float16',
    gain: 1000
  })
})
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

async function run(spec: Record<string, unknown>, stem: string) {
  const { bytes, updates } = await runJob(
    { runtime, registry, outputDir: out, inputsDir: inputs.dir },
    spec,
    stem
  )
  return { png: decodePng(bytes), updates }
}

const common = { model: 'emoji-32', seed: 11, steps: 10, sampler: 'euler', label: 'Flags' }

describe('image to image with transparency', () => {
  it('equal-looking inputs give equal outputs (premultiplied colour in), with the input alpha kept', async () => {
    const outputs = []
    for (const hidden of [
      [0, 255, 0],
      [255, 0, 255]
    ]) {
      const raw = Buffer.alloc(32 * 32 * 4)
      for (let p = 0; p < 32 * 32; p++) {
        const x = p % 32
        raw.set(x < 16 ? [220, 40, 40, 255] : x === 16 ? [40, 40, 220, 100] : [...hidden, 0], p * 4)
      }
      const png = await sharp(raw, { raw: { width: 32, height: 32, channels: 4 } })
        .png()
        .toBuffer()
      const ref = (await inputs.add('image', png, 'ghost.png')).ref
      outputs.push(
        (
          await run(
            { ...common, task: 'image.img2img', image: ref, strength: 0.5, steps: 4 },
            `ghost-${hidden[0]}`
          )
        ).png
      )
    }
    expect(Buffer.from(outputs[0].data).equals(Buffer.from(outputs[1].data))).toBe(true)
    for (let p = 0; p < 32 * 32; p++) {
      const x = p % 32
      expect(outputs[0].data[p * 4 + 3]).toBe(x < 16 ? 255 : x === 16 ? 100 : 0)
    }
  }, 60_000)
})

describe('image to image (SDEdit)', () => {
  it('strength 1 gives exactly the image generation of the same seed', async () => {
    const generated = await run({ task: 'image.generate', ...common }, 'gen')
    const reworked = await run(
      { task: 'image.img2img', image: photo, strength: 1, ...common },
      'i2i-1'
    )
    expect(Buffer.from(reworked.png.data).equals(Buffer.from(generated.png.data))).toBe(true)
  })

  it('a strength that leaves no step returns the input, and says so', async () => {
    const { png, updates } = await run(
      { task: 'image.img2img', image: photo, strength: 0.05, ...common },
      'i2i-0'
    )
    const input = await decodeRgba(await inputs.read(photo), {
      width: 32,
      height: 32,
      fit: 'cover'
    })
    expect(Buffer.from(png.data).equals(Buffer.from(input.data))).toBe(true)
    expect(updates.some((u) => u.type === 'warning' && /returned unchanged/.test(u.message))).toBe(
      true
    )
  })

  it('runs int(steps × strength) steps from the noised input, and records the input hash', async () => {
    const { png, updates } = await run(
      { task: 'image.img2img', image: photo, strength: 0.5, ...common },
      'i2i-half'
    )
    const steps = updates.filter((u) => u.type === 'step')
    expect(steps.at(-1)).toMatchObject({ i: 5, n: 5 })
    const recipe = JSON.parse(png.text['diffusion-studio'])
    expect(recipe).toMatchObject({
      task: 'image.img2img',
      image: photo,
      strength: 0.5,
      stepsRun: 5
    })
    expect(png.text.parameters).toMatch(/Denoising strength: 0.5/)
    // Closer to the input than a fresh generation is.
    const input = await decodeRgba(await inputs.read(photo), {
      width: 32,
      height: 32,
      fit: 'cover'
    })
    const generated = await run({ task: 'image.generate', ...common }, 'gen2')
    const distance = (a: Uint8Array, b: Uint8Array) =>
      a.reduce((s, v, k) => s + Math.abs(v - b[k]), 0)
    expect(distance(png.data, input.data)).toBeLessThan(distance(generated.png.data, input.data))
  })
})

describe('non-finite outputs never become a finished job', () => {
  it.each([
    ['tiny-nan', /The denoiser produced NaN or infinite values at step 1 of 4/],
    ['tiny-fp16', /produced NaN or infinite values at step \d of 4/]
  ])(
    '%s fails with runtime-failure naming the step, and writes no file',
    async (model, message) => {
      const stem = `nan-${model}`
      const error = await run({ task: 'image.generate', model, seed: 1 }, stem).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).toBeInstanceOf(StudioError)
      expect((error as StudioError).code).toBe('runtime-failure')
      expect((error as StudioError).message).toMatch(message)
      expect((error as StudioError).message).toMatch(/fp32|another|CPU|damaged/)
      expect(readdirSync(out).filter((f) => f.startsWith(stem))).toEqual([])
    }
  )
})
