import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { Runtime } from '../engine/runtime'
import { buildModel } from '../onnx/onnx-builder'
import { tinyDenoiser, writeOnnx, specsOf } from '../onnx/testing/tiny-models'
import { containedJoin, listFiles } from './files'
import { importModel } from './import'
import { ModelRegistry } from './registry'
import { writeDiffusersFolder } from './testing/diffusers-fixture'

let root: string
let source: string
let modelsDir: string
let registry: ModelRegistry
const runtimes: Runtime[] = []

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'import-'))
  source = join(root, 'sd-tiny')
  modelsDir = join(root, 'models')
  mkdirSync(modelsDir)
  registry = new ModelRegistry({ starter: join(root, 'starter'), user: modelsDir })
})
afterEach(() => rmSync(root, { recursive: true, force: true }))
afterAll(async () => {
  for (const r of runtimes) await r.release()
})

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

/** The models folder holds no model and no leftover staging folder. */
function expectNothingInstalled() {
  expect(readdirSync(modelsDir)).toEqual([])
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('importModel: diffusers layout', () => {
  it('builds the manifest from the graphs and configs, copies the files, and the runtime runs it', async () => {
    const written = writeDiffusersFolder(source)
    const result = await importModel(source, { modelsDir, hashCache: registry.hashes })
    const { manifest } = result
    expect(result.dir).toBe(join(modelsDir, 'sd-tiny'))
    expect(result.skipped).toEqual(['unet/diffusion_pytorch_model.safetensors'])
    expect(manifest.files.map((f) => f.path)).toEqual(written)
    for (const f of manifest.files) expect(f.sha256).toBe(sha256(join(source, f.path)))

    expect(Object.keys(manifest.components).sort()).toEqual([
      'denoiser',
      'text-encoder',
      'tokenizer',
      'vae-decoder',
      'vae-encoder'
    ])
    const unet = manifest.components.denoiser!
    expect(unet.file).toBe('unet/model.onnx')
    expect(unet.externalData).toEqual(['unet/weights.pb'])
    expect(unet.inputs).toEqual([
      { name: 'sample', dtype: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', dtype: 'int64', shape: ['batch'] },
      { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch', 'sequence', 32] }
    ])
    expect(manifest.components['text-encoder']!.outputs.map((o) => o.name)).toEqual([
      'last_hidden_state',
      'pooler_output'
    ])
    expect(manifest.schedule).toEqual({
      type: 'discrete',
      betaSchedule: 'scaled-linear',
      betaStart: 0.00085,
      betaEnd: 0.012,
      trainSteps: 1000,
      zeroTerminalSnr: false,
      timestepDtype: 'int64',
      stepsOffset: 1
    })
    expect(manifest).toMatchObject({
      id: 'sd-tiny',
      parameterization: 'epsilon',
      tasks: ['image.generate', 'image.img2img', 'image.inpaint'],
      licence: 'CreativeML OpenRAIL-M',
      conditioning: { type: 'text', maxTokens: 77, input: 'encoder_hidden_states' },
      sample: {
        kind: 'image',
        channels: 4,
        width: 64,
        height: 64,
        latentScale: 0.18215,
        vaeScale: 8
      }
    })

    const [listed] = await registry.list()
    expect([listed.manifest.id, listed.origin, listed.status]).toEqual([
      'sd-tiny',
      'imported',
      'ready'
    ])
    const resolved = await registry.resolve('sd-tiny')
    expect(registry.hashes.counts.hashed).toBe(0) // hashed while copying, never again

    const runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 256 })
    runtimes.push(runtime)
    const unetSession = await runtime.component(resolved, 'denoiser')
    const out = await unetSession.run({
      sample: new ort.Tensor('float32', new Float32Array(4 * 2 * 2).fill(1), [1, 4, 2, 2]),
      timestep: new ort.Tensor('int64', BigInt64Array.from([981n]), [1]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(77 * 32), [1, 77, 32])
    })
    expect(out.out_sample.dims).toEqual([1, 4, 2, 2])
    const text = await runtime.component(resolved, 'text-encoder')
    const embedded = await text.run({
      input_ids: new ort.Tensor('int32', new Int32Array(77), [1, 77])
    })
    expect(embedded.last_hidden_state.dims).toEqual([1, 77, 32])
  })

  it('reads the optimum layout (model.onnx_data), float timesteps, v-prediction and trailing spacing', async () => {
    writeDiffusersFolder(source, {
      layout: 'optimum',
      timestep: 'float32',
      licence: 'mit',
      scheduler: {
        _class_name: 'EulerDiscreteScheduler',
        beta_schedule: 'linear',
        beta_start: 0.0001,
        beta_end: 0.02,
        num_train_timesteps: 1000,
        prediction_type: 'v_prediction',
        timestep_spacing: 'trailing',
        rescale_betas_zero_snr: true
      }
    })
    const { manifest } = await importModel(source, { modelsDir, id: 'opt', name: 'Optimum tiny' })
    expect(manifest.id).toBe('opt')
    expect(manifest.name).toBe('Optimum tiny')
    expect(manifest.components.denoiser!.externalData).toEqual(['unet/model.onnx_data'])
    expect(manifest.parameterization).toBe('v')
    expect(manifest.licence).toBe('MIT')
    expect(manifest.schedule).toMatchObject({
      betaSchedule: 'linear',
      timestepDtype: 'float32',
      timestepSpacing: 'trailing',
      zeroTerminalSnr: true
    })
  })

  it('recognises a 9-channel inpainting UNet and warns when the scheduler config is absent', async () => {
    writeDiffusersFolder(source, { inpaint: true, scheduler: null })
    const result = await importModel(source, { modelsDir })
    expect(result.manifest.tasks).toEqual(['image.inpaint'])
    expect(result.manifest.sample).toMatchObject({ kind: 'image', channels: 4 })
    expect(result.manifest.components.denoiser!.inputs[0].shape).toEqual([
      'batch',
      9,
      'height',
      'width'
    ])
    expect(result.warnings.join(' ')).toMatch(/no scheduler\/scheduler_config.json/)
  })

  it('a truncated .onnx is model-corrupt naming the file, and nothing is installed', async () => {
    writeDiffusersFolder(source)
    const file = join(source, 'text_encoder/model.onnx')
    truncateSync(file, 50)
    const error = await failure(importModel(source, { modelsDir }))
    expect(error.code).toBe('model-corrupt')
    expect(error.message).toContain(file)
    expectNothingInstalled()
  })

  it('missing external data is model-missing naming the data file', async () => {
    writeDiffusersFolder(source, { layout: 'optimum' })
    rmSync(join(source, 'unet/model.onnx_data'))
    const error = await failure(importModel(source, { modelsDir }))
    expect(error.code).toBe('model-missing')
    expect(error.message).toContain(join(source, 'unet/model.onnx_data'))
    expectNothingInstalled()
  })

  it('refuses a folder without a UNet, an existing id, and a disk without room', async () => {
    mkdirSync(join(source, 'text_encoder'), { recursive: true })
    expect((await failure(importModel(source, { modelsDir }))).code).toBe('bad-input')
    writeDiffusersFolder(source)
    await importModel(source, { modelsDir })
    const twice = await failure(importModel(source, { modelsDir }))
    expect(twice.code).toBe('invalid-request')
    expect(twice.message).toMatch(/already installed/)
    const full = await failure(
      importModel(source, { modelsDir, id: 'other', freeSpace: async () => 1000 })
    )
    expect(full.code).toBe('disk-full')
    expect(full.message).toMatch(/needs about [\d.]+ kB of disk; 1.0 kB is free/)
  })

  it('a model the CLI imported is not hashed again by an engine that was already running', async () => {
    writeDiffusersFolder(source)
    await importModel(source, { modelsDir, id: 'earlier', hashCache: registry.hashes })
    await registry.resolve('earlier') // the engine has read the hash cache
    const before = { ...registry.hashes.counts }
    const cli = new ModelRegistry(registry.roots)
    const { manifest } = await importModel(source, { modelsDir, hashCache: cli.hashes })
    await registry.resolve('sd-tiny')
    expect(registry.hashes.counts).toEqual({
      hashed: before.hashed,
      cached: before.cached + manifest.files.length
    })
  })

  it('a cancelled import leaves nothing behind', async () => {
    writeDiffusersFolder(source)
    const controller = new AbortController()
    controller.abort()
    const error = await failure(importModel(source, { modelsDir, signal: controller.signal }))
    expect(error.code).toBe('cancelled')
    expectNothingInstalled()
  })
})

/** A sidecar with every required field; tests override name and I/O. */
const sidecarBase = {
  name: 'Pixel denoiser',
  modality: 'image',
  tasks: ['unconditional'],
  licence: 'MIT',
  parameterization: 'epsilon',
  schedule: {
    type: 'discrete',
    betaSchedule: 'linear',
    betaStart: 0.0001,
    betaEnd: 0.02,
    trainSteps: 1000,
    timestepDtype: 'int64'
  },
  conditioning: { type: 'none' },
  sample: { channels: 4, width: 8, height: 8 },
  defaults: { sampler: 'ddim', steps: 20, guidance: 1 }
}
describe('importModel: single .onnx with a sidecar', () => {
  it('imports the graph and its external data, reading the I/O from the graph', async () => {
    mkdirSync(source)
    writeOnnx(source, 'denoiser.onnx', tinyDenoiser({ external: 'denoiser.onnx_data' }))
    writeFileSync(join(source, 'denoiser.json'), JSON.stringify(sidecarBase))
    const { manifest, dir } = await importModel(join(source, 'denoiser.onnx'), { modelsDir })
    expect(manifest.id).toBe('pixel-denoiser')
    expect(manifest.files.map((f) => f.path)).toEqual(['denoiser.onnx', 'denoiser.onnx_data'])
    expect(manifest.components.denoiser).toMatchObject({
      file: 'denoiser.onnx',
      externalData: ['denoiser.onnx_data']
    })
    expect(manifest.components.denoiser!.inputs.map((i) => i.name)).toEqual([
      'sample',
      'timestep',
      'encoder_hidden_states'
    ])
    expect(existsSync(join(dir, 'denoiser.onnx_data'))).toBe(true)
    expect((await registry.resolve('pixel-denoiser')).dir).toBe(dir)
  })

  it('declared I/O that disagrees with the graph is model-mismatch naming the .onnx', async () => {
    mkdirSync(source)
    const spec = tinyDenoiser()
    writeOnnx(source, 'denoiser.onnx', spec)
    const declared = specsOf(spec)
    declared.inputs[1] = { name: 'timestep', dtype: 'float32', shape: ['batch'] }
    writeFileSync(
      join(source, 'denoiser.onnx.json'),
      JSON.stringify({ ...sidecarBase, components: { denoiser: declared } })
    )
    const error = await failure(importModel(join(source, 'denoiser.onnx'), { modelsDir }))
    expect(error.code).toBe('model-mismatch')
    expect(error.message).toContain(join(source, 'denoiser.onnx'))
    expect(error.message).toContain('input timestep is int64 in the graph, float32 in the manifest')
    expectNothingInstalled()
  })

  it('a sidecar missing required fields, or no sidecar, is bad-input saying what is missing', async () => {
    mkdirSync(source)
    writeOnnx(source, 'denoiser.onnx', tinyDenoiser())
    const none = await failure(importModel(join(source, 'denoiser.onnx'), { modelsDir }))
    expect(none.code).toBe('bad-input')
    expect(none.message).toMatch(/needs a sidecar manifest/)
    const { schedule: _s, defaults: _d, ...partial } = sidecarBase
    writeFileSync(join(source, 'denoiser.json'), JSON.stringify(partial))
    const incomplete = await failure(importModel(join(source, 'denoiser.onnx'), { modelsDir }))
    expect(incomplete.code).toBe('bad-input')
    expect(incomplete.message).toMatch(/schedule is required; defaults is required/)
    expectNothingInstalled()
  })
})

describe('importModel: a studio model folder', () => {
  it('copies a model folder from another machine, and rejects one whose file fails its hash', async () => {
    writeDiffusersFolder(source)
    const first = await importModel(source, { modelsDir, id: 'original' })
    const copy = await importModel(first.dir, { modelsDir, id: 'copy' })
    expect(copy.manifest.files).toEqual(first.manifest.files)

    const weights = join(first.dir, 'unet/weights.pb')
    writeFileSync(weights, Buffer.alloc(64, 1)) // same size, different bytes
    const error = await failure(importModel(first.dir, { modelsDir, id: 'tampered' }))
    expect(error.code).toBe('model-corrupt')
    expect(error.message).toContain(weights)
    expect(readdirSync(modelsDir).sort()).toEqual(['copy', 'original'])
  })
})

describe('importModel: paths that would leave the models folder', () => {
  const sidecar = { ...sidecarBase, name: 'Hostile' }

  /** Every file under the test root, to show an import wrote nothing anywhere. */
  const everything = () => listFiles(root)

  it('an external-data location of ../victim/w.bin is model-corrupt and writes nothing outside', async () => {
    mkdirSync(source)
    const location = '../victim/w.bin'
    const built = buildModel(tinyDenoiser({ external: location }))
    const onnx = join(source, 'denoiser.onnx')
    writeFileSync(onnx, built.model)
    mkdirSync(join(root, 'victim'))
    writeFileSync(join(root, 'victim/w.bin'), built.externalData.get(location)!)
    writeFileSync(join(source, 'denoiser.json'), JSON.stringify(sidecar))
    const before = await everything()
    const error = await failure(importModel(onnx, { modelsDir }))
    expect(error.code).toBe('model-corrupt')
    expect(error.message).toContain(onnx)
    expect(error.message).toContain(location)
    expectNothingInstalled()
    expect(await everything()).toEqual(before)
  })

  it('an id that is not a plain name is refused before any path is built from it', async () => {
    mkdirSync(source)
    writeOnnx(source, 'denoiser.onnx', tinyDenoiser())
    writeFileSync(join(source, 'denoiser.json'), JSON.stringify(sidecar))
    const before = await everything()
    const given = await failure(
      importModel(join(source, 'denoiser.onnx'), { modelsDir, id: '../escape' })
    )
    expect(given.code).toBe('invalid-request')
    expect(given.message).toContain('"../escape" is not a valid model id')
    writeFileSync(join(source, 'denoiser.json'), JSON.stringify({ ...sidecar, id: '../../x' }))
    const drafted = await failure(importModel(join(source, 'denoiser.onnx'), { modelsDir }))
    expect(drafted.code).toBe('bad-input')
    expect(drafted.message).toContain('"../../x" is not a valid model id')
    expect(drafted.message).toContain(join(source, 'denoiser.onnx'))
    expectNothingInstalled()
    expect(await everything()).toEqual(before)
  })

  it('containedJoin keeps a relative path inside its folder or refuses it', () => {
    expect(containedJoin(modelsDir, 'a/b.onnx')).toBe(join(modelsDir, 'a/b.onnx'))
    for (const path of ['../x', 'a/../../x', '/etc/passwd', '..', '']) {
      expect(containedJoin(modelsDir, path)).toBeUndefined()
    }
  })
})

describe('importModel: only regular files are read', () => {
  const fifo = (path: string) => {
    mkdirSync(dirname(path), { recursive: true })
    execFileSync('mkfifo', [path])
  }

  it.each([
    ['a named pipe', (p: string) => fifo(p), 'a named pipe (FIFO)'],
    ['a link to /dev/zero', (p: string) => symlinkSync('/dev/zero', p), 'a device']
  ])('refuses %s as the source at once: bad-input, nothing installed', async (_, make, kind) => {
    const path = join(root, 'model.onnx')
    make(path)
    const error = await failure(importModel(path, { modelsDir }))
    expect(error.code).toBe('bad-input')
    expect(error.message).toBe(
      `${path} is not a regular file (it is ${kind}); give a model folder or an .onnx file.`
    )
    expectNothingInstalled()
  })

  it.each([
    ['model_index.json', 'fifo'],
    ['unet/model.onnx', 'zero'],
    ['unet/weights.pb', 'fifo'],
    ['README.md', 'fifo']
  ])('a folder whose %s is a %s is refused naming the file, never read', async (rel, how) => {
    writeDiffusersFolder(source)
    const path = join(source, rel)
    rmSync(path)
    if (how === 'fifo') fifo(path)
    else symlinkSync('/dev/zero', path)
    const error = await failure(importModel(source, { modelsDir }))
    expect(error.code).toBe('bad-input')
    expect(error.message).toMatch(`${path} is not a regular file (it is a`)
    expectNothingInstalled()
  })

  it('a listed model whose manifest.json is a named pipe is a folder problem, not a hang', async () => {
    fifo(join(modelsDir, 'piped', 'manifest.json'))
    const { models, problems } = await registry.scan()
    expect(models).toEqual([])
    expect(problems.map((p) => p.problem)).toEqual([
      `${join(modelsDir, 'piped', 'manifest.json')} is not a regular file (it is a named pipe (FIFO)); only plain files are read.`
    ])
    rmSync(join(modelsDir, 'piped'), { recursive: true })
  })
})

describe('importModel: links and external-data paths, as onnxruntime and diffusers read them', () => {
  it('imports a Hugging Face cache snapshot whose files link to ../../blobs, copying the bytes', async () => {
    // hub cache layout: models--org--name/{blobs/<sha>, snapshots/<rev>/<path> -> ../../blobs/<sha>}
    const plain = join(root, 'plain')
    const files = writeDiffusersFolder(plain)
    const repo = join(root, 'models--org--tiny')
    const snapshot = join(repo, 'snapshots', 'abc123')
    mkdirSync(join(repo, 'blobs'), { recursive: true })
    for (const rel of files) {
      const bytes = readFileSync(join(plain, rel))
      const blob = createHash('sha256').update(bytes).digest('hex')
      writeFileSync(join(repo, 'blobs', blob), bytes)
      const link = join(snapshot, rel)
      mkdirSync(dirname(link), { recursive: true })
      const depth = rel.split('/').length - 1
      symlinkSync(`${'../'.repeat(depth + 2)}blobs/${blob}`, link)
    }
    const { manifest, dir } = await importModel(snapshot, { modelsDir, id: 'from-cache' })
    expect(manifest.components.denoiser?.externalData).toEqual(['unet/weights.pb'])
    // Real files in the model folder, not links, with the bytes of the blobs.
    for (const f of manifest.files) {
      expect(lstatSync(join(dir, f.path)).isSymbolicLink()).toBe(false)
      expect(sha256(join(dir, f.path))).toBe(f.sha256)
    }
    const [listed] = await registry.list()
    expect(listed.status).toBe('ready')
  })

  it('a weights.pb that is a link is copied as its target, and the model is ready', async () => {
    writeDiffusersFolder(source)
    const real = join(root, 'elsewhere-weights.pb')
    renameSync(join(source, 'unet', 'weights.pb'), real)
    symlinkSync(real, join(source, 'unet', 'weights.pb'))
    const { dir } = await importModel(source, { modelsDir })
    expect(lstatSync(join(dir, 'unet', 'weights.pb')).isSymbolicLink()).toBe(false)
    const [listed] = await registry.list()
    expect([listed.status, listed.problem]).toEqual(['ready', undefined])
  })

  it.each([['./w.bin'], ['sub/./w.bin'], ['sub//w.bin']])(
    'external data at "%s" (a form onnxruntime accepts) imports and runs',
    async (location) => {
      mkdirSync(source, { recursive: true })
      // The builder writes the location as given; the bytes go where onnxruntime will look for them.
      writeOnnx(source, 'denoiser.onnx', tinyDenoiser({ external: location }))
      const onnxPath = join(source, 'denoiser.onnx')
      const normal = location === './w.bin' ? 'w.bin' : 'sub/w.bin'
      writeFileSync(join(source, 'denoiser.json'), JSON.stringify(sidecarBase))
      const { dir, manifest } = await importModel(onnxPath, { modelsDir })
      expect(manifest.components.denoiser?.externalData).toEqual([normal])
      const runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 256 })
      runtimes.push(runtime)
      const session = await runtime.component({ dir, manifest }, 'denoiser', {
        batch: 1,
        height: 2,
        width: 2,
        sequence: 1
      })
      expect(session.inputs.length).toBeGreaterThan(0)
    }
  )

  it('a sidecar whose sample contradicts the graph is refused at import, naming both', async () => {
    mkdirSync(source)
    writeOnnx(source, 'denoiser.onnx', tinyDenoiser({ dims: ['batch', 'height', 'width'] }))
    writeFileSync(
      join(source, 'denoiser.json'),
      JSON.stringify({ ...sidecarBase, sample: { channels: 3, width: 8, height: 8 } })
    )
    const error = await failure(importModel(join(source, 'denoiser.onnx'), { modelsDir }))
    expect(error.code).toBe('bad-input')
    expect(error.message).toMatch(
      /says the sample has channels 3, but the graph's input "sample" is \[batch, 4, height, width\] \(channels 4\)/
    )
    expectNothingInstalled()
  })

  it('a manifest that is not JSON is named, never echoed', async () => {
    mkdirSync(source)
    writeFileSync(join(source, 'manifest.json'), 'hf_SECRET_TOKEN_abcdef {not json')
    const error = await failure(importModel(source, { modelsDir }))
    expect(error.message).toMatch(/manifest\.json is not valid JSON/)
    expect(error.message).not.toMatch(/SECRET|hf_|not json/)
  })
})
