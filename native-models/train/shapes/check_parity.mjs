// Runs a starter model's parity.json fixture through its ONNX file with onnxruntime-node and
// prints the max abs error against the stored PyTorch output. Passes when every value is within
// tolerance + 1e-5·|PyTorch value| (numpy's allclose with rtol 1e-5: fp32 outputs of magnitude ~100
// differ by ~1e-4 between runtimes through summation order alone). Generic over named inputs:
//   parity.json = { model, tolerance, inputs: [{name, dtype, shape, data}], outputs: [{name, shape, stride?, data}] }
// (stride: only every stride-th value of the flattened output is stored, for large video tensors)
// Usage (from the repo root): node native-models/train/shapes/check_parity.mjs native-models/starter/shapes-2k [parity.json]
// (the optional second argument names another fixture file in that folder, e.g. parity-classifier.json or
// emoji-classifier-parity.json)
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ort from 'onnxruntime-node'

const dir = resolve(process.argv[2] ?? 'native-models/starter/shapes-2k')
const fx = JSON.parse(readFileSync(join(dir, process.argv[3] ?? 'parity.json'), 'utf8'))
const session = await ort.InferenceSession.create(join(dir, fx.model))
const feeds = {}
for (const inp of fx.inputs) {
  const data =
    inp.dtype === 'int64' ? BigInt64Array.from(inp.data.map(BigInt)) : Float32Array.from(inp.data)
  feeds[inp.name] = new ort.Tensor(inp.dtype, data, inp.shape)
}
const result = await session.run(feeds)
let maxAbs = 0
let worst = 0 // largest |got − ref| / (tolerance + rtol·|ref|): ≤ 1 passes
const rtol = 1e-5
for (const out of fx.outputs) {
  const got = result[out.name]
  if (!got || got.dims.join(',') !== out.shape.join(',')) {
    console.log(JSON.stringify({ ok: false, error: `output ${out.name} shape ${got?.dims} != ${out.shape}` }))
    process.exit(1)
  }
  const stride = out.stride ?? 1 // every stride-th value of the flattened output is stored
  if (out.data.length !== Math.ceil(got.data.length / stride)) {
    console.log(JSON.stringify({ ok: false, error: `output ${out.name}: ${out.data.length} stored values, stride ${stride}` }))
    process.exit(1)
  }
  out.data.forEach((v, i) => {
    const error = Math.abs(got.data[i * stride] - v)
    maxAbs = Math.max(maxAbs, error)
    worst = Math.max(worst, error / (fx.tolerance + rtol * Math.abs(v)))
  })
}
const ok = worst <= 1
console.log(
  JSON.stringify({ model: fx.model, ort: ort.env.versions.common, maxAbsError: maxAbs, tolerance: fx.tolerance, rtol, ok })
)
process.exit(ok ? 0 : 1)
