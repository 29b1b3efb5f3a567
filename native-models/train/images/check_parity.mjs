// Runs a starter model's parity.json through model.onnx with onnxruntime-node and prints the
// max abs error against the stored PyTorch output (exit 1 above the fixture's tolerance).
// Usage (from the repo root): node native-models/train/images/check_parity.mjs native-models/starter/photo-sr4
//                             node native-models/train/images/check_parity.mjs native-models/starter/photo-inpaint
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ort from 'onnxruntime-node'

const dir = resolve(process.argv[2] ?? 'native-models/starter/photo-sr4')
const fx = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8'))
const session = await ort.InferenceSession.create(join(dir, 'model.onnx'))
const feeds = {}
for (const [name, t] of Object.entries(fx.inputs)) {
  feeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), t.shape)
}
const { out } = await session.run(feeds)
const shapeOk = JSON.stringify(out.dims) === JSON.stringify(fx.out.shape)
let maxAbs = 0
fx.out.data.forEach((v, i) => {
  maxAbs = Math.max(maxAbs, Math.abs(out.data[i] - v))
})
const ok = shapeOk && maxAbs <= fx.tolerance
console.log(
  JSON.stringify({
    model: dir,
    ort: ort.env.versions.common,
    inputs: session.inputNames,
    outputs: session.outputNames,
    outShape: out.dims,
    maxAbsError: maxAbs,
    tolerance: fx.tolerance,
    ok
  })
)
process.exit(ok ? 0 : 1)
