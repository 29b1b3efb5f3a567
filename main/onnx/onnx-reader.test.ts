import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { buildModel } from './onnx-builder'
import { readOnnxBytes, readOnnxFile } from './onnx-reader'
import { ProtoError } from './protobuf'
import { tinyDenoiser, tinyTextEncoder, writeOnnx } from './testing/tiny-models'

const dir = mkdtempSync(join(tmpdir(), 'onnx-reader-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('onnx builder + reader', () => {
  it('reads back what the builder wrote, as onnxruntime sees it', async () => {
    const spec = tinyDenoiser({ dtype: 'float16', timestep: 'float32', dims: ['b', 'h', 'w'] })
    const built = buildModel(spec)
    const info = await readOnnxBytes(built.model)
    const session = await ort.InferenceSession.create(built.model)
    try {
      const strip = (m: readonly ort.InferenceSession.ValueMetadata[]) =>
        m.map((v) => (v.isTensor ? { name: v.name, type: v.type, shape: [...v.shape] } : v))
      expect(info.inputs).toEqual(strip(session.inputMetadata))
      expect(info.outputs).toEqual(strip(session.outputMetadata))
    } finally {
      await session.release()
    }
    expect(info.irVersion).toBe(8)
    expect(info.opsets['']).toBe(17)
    expect(info.inputs.map((v) => v.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states'])
    expect(info.inputs[0]).toEqual({ name: 'sample', type: 'float16', shape: ['b', 4, 'h', 'w'] })
    expect(info.inlineTensorBytes).toBe(8) // four float16 weights
  })

  it('lists external-data references and onnxruntime loads the weights from them', async () => {
    const files = writeOnnx(dir, 'unet/model.onnx', tinyDenoiser({ external: 'weights.pb' }))
    expect(files.map((f) => f.path)).toEqual(['unet/model.onnx', 'unet/weights.pb'])
    const info = await readOnnxFile(join(dir, 'unet/model.onnx'))
    expect(info.externalData).toEqual([
      { tensor: 'w', location: 'weights.pb', offset: 0, length: 16 }
    ])
    expect(info.inlineTensorBytes).toBe(0)
    const session = await ort.InferenceSession.create(join(dir, 'unet/model.onnx'))
    const sample = new ort.Tensor('float32', new Float32Array(4).fill(1), [1, 4, 1, 1])
    const timestep = new ort.Tensor('int64', BigInt64Array.from([3n]), [1])
    const hidden = new ort.Tensor('float32', new Float32Array(32), [1, 1, 32])
    const out = await session.run({ sample, timestep, encoder_hidden_states: hidden })
    await session.release()
    const bytes = readFileSync(join(dir, 'unet/weights.pb'))
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 16))
    expect(Array.from(out.out_sample.data as Float32Array)).toEqual(Array.from(weights))
  })

  it('leaves initializers out of the inputs (IR 3 lists them as graph inputs too)', async () => {
    const spec = tinyTextEncoder(8)
    const withInitializersAsInputs = buildModel({
      ...spec,
      irVersion: 3,
      opset: 11,
      nodes: spec.nodes.map((n) =>
        n.op === 'Unsqueeze' ? { ...n, inputs: ['ids_f'], attributes: { axes: [-1] } } : n
      ),
      initializers: spec.initializers!.filter((i) => i.name !== 'last_axis'),
      inputs: [...spec.inputs, { name: 'embedding', type: 'float32', shape: [8] }]
    })
    const info = await readOnnxBytes(withInitializersAsInputs.model)
    expect(info.inputs.map((v) => v.name)).toEqual(['input_ids'])
    const session = await ort.InferenceSession.create(withInitializersAsInputs.model)
    expect(session.inputNames).toEqual(['input_ids'])
    await session.release()
  })

  it('rejects truncated, empty and foreign files with the byte offset', async () => {
    const { model } = buildModel(tinyTextEncoder())
    for (const cut of [1, 10, model.length - 1]) {
      await expect(readOnnxBytes(model.subarray(0, cut))).rejects.toBeInstanceOf(ProtoError)
    }
    await expect(readOnnxBytes(new Uint8Array())).rejects.toThrow(/empty/)
    await expect(readOnnxBytes(new TextEncoder().encode('{"not": "onnx"}'))).rejects.toThrow(
      /at byte \d+/
    )
    const path = join(dir, 'truncated.onnx')
    writeFileSync(path, model.subarray(0, model.length - 7))
    await expect(readOnnxFile(path)).rejects.toThrow(/runs past the end/)
  })

  it('skips large inline weights without reading them (reads stay few)', async () => {
    const big = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [1, 1] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 262144] }],
      nodes: [{ op: 'Mul', inputs: ['x', 'w'], outputs: ['y'] }],
      initializers: [
        { name: 'w', type: 'float32', dims: [1, 262144], values: new Float32Array(262144) }
      ]
    })
    const path = join(dir, 'big.onnx')
    writeFileSync(path, big.model)
    const info = await readOnnxFile(path)
    expect(info.inlineTensorBytes).toBe(262144 * 4)
    expect(info.outputs[0].shape).toEqual([1, 262144])
  })
})
