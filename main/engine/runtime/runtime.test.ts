import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { StudioError, type ModelManifest } from '../../contract'
import { Runtime, bucketKey, filesDigest } from '.'
import { fromHalfBits, toHalfBits } from '../../onnx/float16'
import {
  denoiserManifest,
  randomWeights,
  tinyDenoiser,
  writeOnnx
} from '../../onnx/testing/tiny-models'
import type { ModelSpec } from '../../onnx/onnx-builder'

/** The class behind InferenceSession.create, whose methods the tests watch. */
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession })
  .prototype

const root = mkdtempSync(join(tmpdir(), 'runtime-'))
let runtime: Runtime
const cpuOnly = { device: 'cpu' as const, cpuThreads: 1, memoryBudgetMB: 64 }

beforeAll(async () => {
  runtime = await Runtime.create(cpuOnly)
})
afterAll(async () => {
  await runtime.release()
  rmSync(root, { recursive: true, force: true })
})

/** Writes a model folder with one denoiser graph and returns what `component` takes. */
function model(id: string, spec: ModelSpec, patch: (m: ModelManifest) => void = () => undefined) {
  const dir = join(root, id)
  const files = writeOnnx(dir, 'unet/model.onnx', spec)
  const manifest = denoiserManifest(id, files, spec)
  patch(manifest)
  return { dir, manifest }
}

/** A pool key without its file digest: model|role|bucket|provider. */
const slotOf = (key: string) => key.split('|').slice(0, 4).join('|')

const feeds = (batch: number, h: number, w: number) => ({
  sample: new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * 4 * h * w }, (_, i) => i / 8),
    [batch, 4, h, w]
  ),
  timestep: new ort.Tensor('int64', new BigInt64Array(batch).fill(5n), [batch]),
  encoder_hidden_states: new ort.Tensor('float32', new Float32Array(batch * 3 * 32), [batch, 3, 32])
})

async function failure(promise: Promise<unknown>): Promise<StudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(StudioError)
  return error as StudioError
}

describe('Runtime', () => {
  it('reports the chosen provider and every probe', () => {
    expect(runtime.execution.provider).toBe('cpu')
    expect(runtime.execution.deviceName).toMatch(/^CPU: /)
    expect(runtime.providers.map((p) => p.name)).toEqual(['cuda', 'dml', 'coreml', 'webgpu', 'cpu'])
  })

  it('loads a component with external weights, runs it and times each call', async () => {
    const m = model('ext', tinyDenoiser({ external: 'weights.pb' }))
    const session = await runtime.component(m, 'denoiser')
    expect(session.inputs.map((i) => i.name)).toEqual([
      'sample',
      'timestep',
      'encoder_hidden_states'
    ])
    const out = await session.run(feeds(1, 2, 2))
    const w = Float32Array.from(randomWeights(4, 7))
    const sample = feeds(1, 2, 2).sample.data as Float32Array
    expect(Array.from(out.out_sample.data as Float32Array)).toEqual(
      Array.from(sample, (v, i) => Math.fround(v * w[Math.floor(i / 4)]))
    )
    await session.run(feeds(2, 3, 5)) // no shape bucket given: dynamic shapes
    expect(session.stats.calls).toBe(2)
    expect(session.stats.totalMs).toBeGreaterThanOrEqual(0)
    const digest = filesDigest(m.manifest, ['unet/model.onnx', 'unet/weights.pb'])
    expect(digest).toMatch(/^[0-9a-f]{16}$/)
    const timing = runtime.timings().find((t) => t.key === `ext|denoiser|dynamic|cpu|${digest}`)
    expect(timing).toMatchObject({ calls: 2, loads: 1, resident: true })
  })

  it('converts at the boundary: float16 graph, Float32/Float64 feeds, Float32 outputs; int32 timestep to int64', async () => {
    const m = model('half', tinyDenoiser({ dtype: 'float16' }))
    expect(m.manifest.components.denoiser!.inputs[0].dtype).toBe('float16')
    const session = await runtime.component(m, 'denoiser')
    const sample = Float64Array.from([0.1, -2, 3.3, 65504, 1e-6, 0, 7, 1 / 3])
    const out = await session.run({
      sample: new ort.Tensor('float64', sample, [1, 4, 1, 2]),
      timestep: new ort.Tensor('int32', Int32Array.from([7]), [1]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(32), [1, 1, 32])
    })
    expect(out.out_sample.type).toBe('float32')
    const w = randomWeights(4, 7).map((v) => fromHalfBits(toHalfBits(v)))
    const expected = Array.from(sample, (v, i) => {
      const product = fromHalfBits(toHalfBits(v)) * w[Math.floor(i / 2)]
      return fromHalfBits(toHalfBits(product)) // the graph multiplies in float16
    })
    expect(Array.from(out.out_sample.data as Float32Array)).toEqual(expected)
  })

  it('rejects feeds it cannot convert exactly, and unknown or missing inputs', async () => {
    const session = await runtime.component(model('feeds', tinyDenoiser()), 'denoiser')
    const good = feeds(1, 1, 1)
    const fractional = {
      ...good,
      timestep: new ort.Tensor('float32', Float32Array.from([0.5]), [1])
    }
    expect((await failure(session.run(fractional))).message).toMatch(
      /timestep takes int64; it was given float32/
    )
    expect((await failure(session.run({ ...good, extra: good.timestep }))).message).toMatch(
      /has no input extra/
    )
    const { sample, timestep } = good
    expect((await failure(session.run({ sample, timestep }))).message).toMatch(
      /was not fed encoder_hidden_states/
    )
    const whole = { ...good, timestep: new ort.Tensor('float64', Float64Array.from([999]), [1]) }
    await expect(session.run(whole)).resolves.toHaveProperty('out_sample')
  })

  it('keys sessions by shape bucket and warms each up once with zeros of its shape', async () => {
    const m = model('bucket', tinyDenoiser())
    const spy = vi.spyOn(sessionPrototype, 'run')
    try {
      const shape = { batch: 2, height: 3, width: 3, sequence: 3 }
      const session = await runtime.component(m, 'denoiser', shape)
      expect(spy).toHaveBeenCalledTimes(1) // the warm-up run with zeros
      const warm = spy.mock.calls[0][0] as Record<string, ort.Tensor>
      expect(warm.sample.dims).toEqual([2, 4, 3, 3])
      expect(session.stats.calls).toBe(0)
      await session.run(feeds(2, 3, 3))
      expect(session.stats.calls).toBe(1)
      await runtime.component(m, 'denoiser', shape) // same bucket: reused, no second warm-up
      expect(spy).toHaveBeenCalledTimes(2)
      await runtime.component(m, 'denoiser', { ...shape, batch: 1 }) // another bucket: its own session
      expect(spy).toHaveBeenCalledTimes(3)
    } finally {
      spy.mockRestore()
    }
    expect(bucketKey({ width: 3, batch: 2 })).toBe('batch=2,width=3')
    const keys = runtime.timings().map((t) => slotOf(t.key))
    expect(keys).toContain('bucket|denoiser|batch=2,height=3,sequence=3,width=3|cpu')
  })

  it('throws model-mismatch naming the file with expected and found interfaces', async () => {
    const wrongType = model('mismatch-type', tinyDenoiser({ dtype: 'float16' }), (m) => {
      m.components.denoiser!.inputs[0].dtype = 'float32'
    })
    const e1 = await failure(runtime.component(wrongType, 'denoiser'))
    expect(e1.code).toBe('model-mismatch')
    expect(e1.message).toContain(join(wrongType.dir, 'unet/model.onnx'))
    expect(e1.message).toContain('input sample is float16 in the graph, float32 in the manifest')
    expect(e1.message).toMatch(
      /Expected inputs sample: float32 \[batch, 4, height, width\].*Found inputs sample: float16/
    )

    const renamed = model('mismatch-name', tinyDenoiser(), (m) => {
      m.components.denoiser!.inputs[2].name = 'context'
      m.components.denoiser!.outputs[0].shape = ['batch', 9, 'height', 'width']
    })
    const e2 = await failure(runtime.component(renamed, 'denoiser'))
    expect(e2.message).toContain('input context is not in the graph')
    expect(e2.message).toContain(
      'the graph needs input encoder_hidden_states, which the manifest does not declare'
    )
    expect(e2.message).toContain(
      'output out_sample dimension 1 is 4 in the graph, 9 in the manifest'
    )

    const e3 = await failure(runtime.component(model('no-vae', tinyDenoiser()), 'vae-decoder'))
    expect(e3.code).toBe('model-mismatch')
    expect(e3.message).toMatch(/manifest\.json has no vae-decoder component \(it has denoiser\)/)
  })

  it('names the file for corrupt, missing and truncated model files', async () => {
    const truncated = model('corrupt', tinyDenoiser())
    const file = join(truncated.dir, 'unet/model.onnx')
    truncateSync(file, 40)
    const e1 = await failure(runtime.component(truncated, 'denoiser'))
    expect([e1.code, e1.message.includes(file)]).toEqual(['model-corrupt', true])

    const garbage = model('garbage', tinyDenoiser())
    writeFileSync(join(garbage.dir, 'unet/model.onnx'), 'PK\x03\x04 this is a zip, not a graph')
    expect((await failure(runtime.component(garbage, 'denoiser'))).code).toBe('model-corrupt')

    const gone = model('gone', tinyDenoiser())
    unlinkSync(join(gone.dir, 'unet/model.onnx'))
    const e2 = await failure(runtime.component(gone, 'denoiser'))
    expect([e2.code, e2.message.includes(join(gone.dir, 'unet/model.onnx'))]).toEqual([
      'model-missing',
      true
    ])

    const noWeights = model('no-weights', tinyDenoiser({ external: 'model.onnx_data' }))
    unlinkSync(join(noWeights.dir, 'unet/model.onnx_data'))
    const e3 = await failure(runtime.component(noWeights, 'denoiser'))
    expect(e3.code).toBe('model-missing')
    expect(e3.message).toContain(join(noWeights.dir, 'unet/model.onnx_data'))

    const shortWeights = model('short-weights', tinyDenoiser({ external: 'weights.pb' }))
    truncateSync(join(shortWeights.dir, 'unet/weights.pb'), 3)
    const e4 = await failure(runtime.component(shortWeights, 'denoiser'))
    expect(e4.code).toBe('model-corrupt')
    expect(e4.message).toContain(join(shortWeights.dir, 'unet/weights.pb'))
  })

  it("turns onnxruntime's allocation failure into out-of-memory", async () => {
    const spec: ModelSpec = {
      inputs: [{ name: 'shape', type: 'int64', shape: [2] }],
      outputs: [{ name: 'filled', type: 'float32', shape: ['rows', 'cols'] }],
      nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['filled'] }]
    }
    const session = await runtime.component(model('huge', spec), 'denoiser')
    const small = await session.run({
      shape: new ort.Tensor('int64', BigInt64Array.from([2n, 3n]), [2])
    })
    expect(small.filled.dims).toEqual([2, 3])
    // 4 TiB: the arena refuses at once, nothing is actually allocated.
    const huge = new ort.Tensor('int64', BigInt64Array.from([1n << 20n, 1n << 20n]), [2])
    const error = await failure(session.run({ shape: huge }))
    expect(error.code).toBe('out-of-memory')
    expect(error.message).toMatch(/Not enough memory to run .*huge\/unet\/model\.onnx on cpu/)
  })
})

describe('re-import under the same id', () => {
  it('loads a new session when the files behind the id changed, and drops the old one', async () => {
    const pool = await Runtime.create(cpuOnly)
    try {
      const dir = join(root, 'reimported')
      const first = model('reimported', tinyDenoiser({ external: 'weights.pb' }))
      const before = await (await pool.component(first, 'denoiser')).run(feeds(1, 1, 1))

      // models remove + import again: same id and folder, other weights (other sha256 in the manifest).
      rmSync(dir, { recursive: true, force: true })
      const spec = tinyDenoiser({ external: 'weights.pb' })
      const w = spec.initializers![0]
      const retrained = { ...spec, initializers: [{ ...w, values: randomWeights(4, 99) }] }
      const files = writeOnnx(dir, 'unet/model.onnx', retrained)
      const second = { dir, manifest: denoiserManifest('reimported', files, retrained) }
      expect(second.manifest.files[1].sha256).not.toBe(first.manifest.files[1].sha256)
      const after = await (await pool.component(second, 'denoiser')).run(feeds(1, 1, 1))

      const w2 = Float32Array.from(randomWeights(4, 99))
      const sample = feeds(1, 1, 1).sample.data as Float32Array
      expect(Array.from(after.out_sample.data as Float32Array)).toEqual(
        Array.from(sample, (v, i) => Math.fround(v * w2[i]))
      )
      expect(after.out_sample.data).not.toEqual(before.out_sample.data)
      const timings = pool.timings().filter((t) => t.key.startsWith('reimported|'))
      expect(timings.map((t) => t.loads)).toEqual([1, 1])
      expect(new Set(timings.map((t) => t.key)).size).toBe(2)
      expect(pool.resident().keys).toEqual([timings[1].key]) // the stale session was released
    } finally {
      await pool.release()
    }
  })
})

describe('session pool budget', () => {
  it('releases the least recently used session to stay under the budget, and reloads it on demand', async () => {
    const pool = await Runtime.create({ ...cpuOnly, memoryBudgetMB: 10 })
    const release = vi.spyOn(sessionPrototype, 'release')
    try {
      const make = (id: string) =>
        model(id, tinyDenoiser(), (m) => {
          m.components.denoiser!.memoryEstimateMB = 4
        })
      const [a, b, c] = ['lru-a', 'lru-b', 'lru-c'].map(make)
      const sa = await pool.component(a, 'denoiser')
      await pool.component(b, 'denoiser')
      const resident = () => pool.resident().keys.map(slotOf)
      expect(pool.resident().mb).toBe(8)
      expect(resident()).toEqual(['lru-a|denoiser|dynamic|cpu', 'lru-b|denoiser|dynamic|cpu'])
      expect(release).not.toHaveBeenCalled()
      await pool.component(c, 'denoiser') // 12 MB > 10: a (least recently used) goes
      expect(release).toHaveBeenCalledTimes(1)
      expect(resident()).toEqual(['lru-b|denoiser|dynamic|cpu', 'lru-c|denoiser|dynamic|cpu'])
      await sa.run(feeds(1, 1, 1)) // a's handle still works: reloaded, and b (now oldest) released
      expect(release).toHaveBeenCalledTimes(2)
      expect(resident()).toEqual(['lru-c|denoiser|dynamic|cpu', 'lru-a|denoiser|dynamic|cpu'])
      const timing = pool.timings().find((t) => t.key.startsWith('lru-a'))
      expect(timing).toMatchObject({ loads: 2, calls: 1 })
      await pool.release()
      expect(release).toHaveBeenCalledTimes(4)
      expect(pool.resident()).toEqual({ mb: 0, keys: [] })
    } finally {
      release.mockRestore()
    }
  })
})
