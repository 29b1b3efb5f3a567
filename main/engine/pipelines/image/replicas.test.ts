// Every image pipeline on tiny replicas of the public Stable Diffusion ONNX exports (native-models/
// replicas: the same file layout, graph names, dtypes and axes), imported as a user would import them.
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importModel } from '../../../models/import'
import { ModelRegistry } from '../../../models/registry'
import { InputStore } from '../../../storage/inputs'
import { Runtime } from '../../runtime'
import { decodeRgba } from '../../../codecs/image-io'
import { inputValidators } from '../../../codecs/input-validators'
import { runImageJob } from '../testing/run-job'

const replicas = join(__dirname, '../../../../native-models/replicas')
const work = mkdtempSync(join(tmpdir(), 'replicas-'))
const user = join(work, 'models')
const out = join(work, 'out')
const inputs = new InputStore(join(work, 'inputs'), inputValidators)
mkdirSync(out, { recursive: true })
const registry = new ModelRegistry({ starter: join(work, 'no-starters'), user })
let runtime: Runtime
let photo: string
let mask: string
const names = [
  'sd15-tiny',
  'sd15-inpaint-tiny',
  'sd15-inpaint-legacy-tiny',
  'sd-x4-upscaler-tiny',
  'lcm-tiny',
  'sd-turbo-tiny',
  'sd-turbo-tiny-fp16',
  'ddpm-tiny',
  'ddim-class-tiny',
  'score-sde-ve-tiny',
  'score-sde-vp-tiny'
]

/**
 * A Hugging Face cache of a replica: models--org--name/{blobs/<sha256>, refs/main, snapshots/<rev>/<path>
 * → ../../blobs/<sha256>}, as `huggingface_hub` writes it. Returns the repo folder and its snapshot.
 */
function hubCache(name: string): { repo: string; snapshot: string } {
  const repo = join(work, `models--test--${name}`)
  const revision = 'a'.repeat(40)
  const snapshot = join(repo, 'snapshots', revision)
  mkdirSync(join(repo, 'blobs'), { recursive: true })
  mkdirSync(join(repo, 'refs'), { recursive: true })
  writeFileSync(join(repo, 'refs', 'main'), revision)
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) =>
      statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [join(dir, e)]
    )
  for (const file of walk(join(replicas, name))) {
    const bytes = readFileSync(file)
    const blob = createHash('sha256').update(bytes).digest('hex')
    writeFileSync(join(repo, 'blobs', blob), bytes)
    const link = join(snapshot, relative(join(replicas, name), file))
    mkdirSync(dirname(link), { recursive: true })
    symlinkSync(relative(dirname(link), join(repo, 'blobs', blob)), link)
  }
  return { repo, snapshot }
}

async function pngOf(width: number, height: number, pixel: (x: number, y: number) => number[]) {
  const raw = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), (y * width + x) * 3)
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer()
}

beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 1024 })
  for (const name of names) await importModel(join(replicas, name), { modelsDir: user, id: name })
  const cache = hubCache('ddpm-tiny')
  await importModel(cache.snapshot, { modelsDir: user, id: 'ddpm-snapshot' })
  await importModel(cache.repo, { modelsDir: user, id: 'ddpm-hub-repo' })
  photo = (await inputs.add('image', await pngOf(72, 56, (x, y) => [x * 3, y * 4, 90]), 'p.png'))
    .ref
  mask = (
    await inputs.add(
      'mask',
      await pngOf(72, 56, (x, y) =>
        x >= 20 && x < 40 && y >= 16 && y < 30 ? [255, 255, 255] : [0, 0, 0]
      ),
      'm.png'
    )
  ).ref
}, 120_000)
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

const run = (spec: Record<string, unknown>, stem: string) =>
  runImageJob({ runtime, registry, outputDir: out, inputsDir: inputs.dir }, spec, stem)

describe('the replicas import as the right tasks', () => {
  it('reads each export: tasks, inputs, guidance embedding, schedule', async () => {
    const byId = new Map((await registry.list()).map((m) => [m.manifest.id, m.manifest]))
    expect(byId.get('sd15-tiny')?.tasks).toEqual([
      'image.generate',
      'image.img2img',
      'image.inpaint'
    ])
    expect(byId.get('sd15-inpaint-tiny')?.imageInputs.inpaint).toEqual({ kind: 'concat' })
    // The legacy export says nothing about 9 channels but its conv_in weight does.
    expect(byId.get('sd15-inpaint-legacy-tiny')?.tasks).toEqual(['image.inpaint'])
    const x4 = byId.get('sd-x4-upscaler-tiny')
    expect(x4?.tasks).toEqual(['image.upscale'])
    expect(x4?.imageInputs.upscale).toMatchObject({
      scale: 4,
      noiseLevel: { input: 'class_labels', max: 350 }
    })
    expect(x4?.parameterization).toBe('v')
    expect(byId.get('lcm-tiny')?.guidanceEmbedding).toEqual({ input: 'timestep_cond', dim: 256 })
    expect(byId.get('lcm-tiny')?.defaults.sampler).toBe('lcm')
  })
})

describe('pixel-space pipelines (no VAE) import as pixel models and run', () => {
  it('DDPM, DDIM, score-SDE VE/VP and a hub cache snapshot: pixel space, no guidance by default', async () => {
    const byId = new Map((await registry.list()).map((m) => [m.manifest.id, m]))
    for (const id of [
      'ddpm-tiny',
      'ddim-class-tiny',
      'score-sde-ve-tiny',
      'score-sde-vp-tiny',
      'ddpm-snapshot',
      'ddpm-hub-repo'
    ]) {
      const installed = byId.get(id)
      expect(installed?.status, id).toBe('ready')
      const m = installed!.manifest
      expect(m.sample, id).toMatchObject({ kind: 'image', latentScale: 1, vaeScale: 1 })
      expect(m.defaults.guidance, id).toBe(1)
      expect(m.tasks, id).toEqual([
        'image.generate',
        'image.img2img',
        'image.inpaint',
        'image.upscale'
      ])
      expect(m.components['vae-decoder'], id).toBeUndefined()
    }
    const ddpm = byId.get('ddpm-tiny')!.manifest
    expect(ddpm.conditioning).toEqual({ type: 'none' })
    expect(ddpm.sample).toMatchObject({ channels: 3, width: 16, height: 16, sizeMultiple: 2 })
    expect(ddpm.schedule).toMatchObject({
      betaSchedule: 'linear',
      betaStart: 0.0001,
      betaEnd: 0.02
    })
    // The snapshot's files are links into ../../blobs; the import holds the same bytes.
    expect(byId.get('ddpm-snapshot')!.manifest.files).toEqual(ddpm.files)
    expect(byId.get('ddpm-hub-repo')!.manifest.files).toEqual(ddpm.files)
    const ddim = byId.get('ddim-class-tiny')!.manifest
    expect(ddim.conditioning).toEqual({
      type: 'class',
      classes: ['zero', 'one', 'two', 'three'],
      nullClass: 4,
      input: 'class_labels'
    })
    expect(ddim.sample).toMatchObject({ channels: 1, sizeMultiple: 0 })
    expect(ddim.defaults).toMatchObject({ sampler: 'ddim', steps: 50 })
    const ve = byId.get('score-sde-ve-tiny')!.manifest
    expect(ve.parameterization).toBe('score')
    expect(ve.schedule).toEqual({
      type: 'continuous',
      sigmaMin: 0.01,
      sigmaMax: 348,
      sigmaData: 0.5
    })
    const vp = byId.get('score-sde-vp-tiny')!.manifest
    expect([vp.parameterization, vp.schedule]).toMatchObject([
      'epsilon',
      { betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02, trainSteps: 1000 }
    ])
  })

  for (const [id, extra] of [
    ['ddpm-tiny', {}],
    ['ddpm-snapshot', {}],
    ['ddim-class-tiny', { label: 'Two' }],
    ['score-sde-ve-tiny', {}],
    ['score-sde-vp-tiny', { width: 32, height: 24 }]
  ] as const) {
    it(`${id}: generates pixels deterministically, with no VAE`, async () => {
      const spec = { task: 'image.generate', model: id, seed: 4, steps: 3, ...extra }
      const a = await run(spec, `${id}-a`)
      const b = await run(spec, `${id}-b`)
      const want = 'width' in extra ? [extra.width, extra.height] : [16, 16]
      expect([a.image.width, a.image.height]).toEqual(want)
      expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true)
      const other = await run({ ...spec, seed: 5 }, `${id}-c`)
      expect(Buffer.from(other.image.data).equals(Buffer.from(a.image.data))).toBe(false)
    }, 60_000)
  }

  it('a latent UNet without a VAE decoder is refused at import, naming what is missing', async () => {
    const cache = hubCache('sd-turbo-tiny')
    rmSync(join(cache.snapshot, 'vae_decoder'), { recursive: true })
    const error = await importModel(cache.snapshot, { modelsDir: user, id: 'no-vae' }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string }
    )
    expect(error?.code).toBe('bad-input')
    expect(error?.message).toMatch(/4-channel latents but no vae_decoder\/ \(or vae\/\)/)
    expect(readdirSync(user)).not.toContain('no-vae')
  })
})

describe('text to image on the replicas', () => {
  for (const id of ['sd15-tiny', 'lcm-tiny', 'sd-turbo-tiny', 'sd-turbo-tiny-fp16']) {
    it(`${id}: a prompt (weighted, with a negative) gives a deterministic image`, async () => {
      const spec = {
        task: 'image.generate',
        model: id,
        prompt: 'a (photo:1.2) of a cat',
        negativePrompt: 'blurry',
        seed: 3,
        steps: 2,
        width: 64,
        height: 64
      }
      const a = await run(spec, `${id}-a`)
      const b = await run(spec, `${id}-b`)
      expect([a.image.width, a.image.height]).toEqual([64, 64])
      expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true)
      const other = await run({ ...spec, prompt: 'a dog' }, `${id}-c`)
      expect(Buffer.from(other.image.data).equals(Buffer.from(a.image.data))).toBe(false)
    }, 60_000)
  }

  it('a prompt over the token limit is chunked; the model still runs', async () => {
    const long = 'a cat on a mat '.repeat(30)
    const result = await run(
      {
        task: 'image.generate',
        model: 'sd15-tiny',
        prompt: long,
        seed: 1,
        steps: 1,
        width: 64,
        height: 64
      },
      'long'
    )
    expect(result.image.width).toBe(64)
  }, 60_000)
})

describe('inpainting and upscaling on the replicas', () => {
  const outside = (x: number, y: number, feather: number) =>
    x < 20 - feather || x >= 40 + feather || y < 16 - feather || y >= 30 + feather

  async function expectKept(image: { width: number; data: Uint8Array }, feather: number) {
    const input = await decodeRgba(readFileSync(join(inputs.dir, photo)))
    let differing = 0
    for (let y = 0; y < 56; y++)
      for (let x = 0; x < 72; x++) {
        if (!outside(x, y, feather)) continue
        const p = (y * 72 + x) * 4
        for (let c = 0; c < 4; c++) if (image.data[p + c] !== input.data[p + c]) differing++
      }
    expect(differing).toBe(0)
  }

  for (const [id, method] of [
    ['sd15-inpaint-tiny', 'auto'],
    ['sd15-inpaint-legacy-tiny', 'dedicated'],
    ['sd15-tiny', 'blend'],
    ['sd15-tiny', 'repaint']
  ] as const) {
    it(`${id} (${method}): pixels outside the mask and its feather band are unchanged`, async () => {
      const result = await run(
        {
          task: 'image.inpaint',
          model: id,
          method,
          image: photo,
          mask,
          prompt: 'a red ball',
          feather: 3,
          seed: 5,
          steps: 2,
          samplerExtra: method === 'repaint' ? { jump_length: 1, resample_count: 2 } : {}
        },
        `inpaint-${id}-${method}`
      )
      expect([result.image.width, result.image.height]).toEqual([72, 56])
      await expectKept(result.image, 3)
    }, 60_000)
  }

  it('ddpm-tiny (RePaint, a pixel model without a VAE): pixels outside the mask are unchanged', async () => {
    const result = await run(
      {
        task: 'image.inpaint',
        model: 'ddpm-tiny',
        image: photo,
        mask,
        feather: 3,
        seed: 5,
        steps: 2,
        samplerExtra: { jump_length: 1, resample_count: 2 }
      },
      'inpaint-ddpm'
    )
    expect([result.image.width, result.image.height]).toEqual([72, 56])
    await expectKept(result.image, 3)
  }, 60_000)

  it('sd-x4-upscaler-tiny: ×4 through tiles, noise level and the ×4 VAE', async () => {
    const result = await run(
      {
        task: 'image.upscale',
        model: 'sd-x4-upscaler-tiny',
        image: photo,
        prompt: 'sharp',
        seed: 2,
        steps: 2,
        tile: 128,
        tileOverlap: 16
      },
      'x4'
    )
    expect([result.image.width, result.image.height]).toEqual([288, 224])
    const stages = result.updates.flatMap((u) => (u.type === 'step' && u.stage ? [u.stage] : []))
    expect(stages.at(-1)).toMatch(/^tile \d+ of \d+$/)
  }, 120_000)
})
