// Runs starter/emoji-32/parity.json through unet.onnx with onnxruntime-node and
// prints the max abs error against the stored PyTorch output.
// Usage (from the repo root): node native-models/train/check_parity.mjs [modelDir]
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ort from 'onnxruntime-node'

const dir = resolve(process.argv[2] ?? 'native-models/starter/emoji-32')
const fx = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8'))
const session = await ort.InferenceSession.create(join(dir, 'unet.onnx'))
const batch = fx.class_labels.length
const { noise_pred } = await session.run({
  sample: new ort.Tensor('float32', Float32Array.from(fx.sample.data), fx.sample.shape),
  timestep: new ort.Tensor('float32', Float32Array.from(fx.timestep), [batch]),
  class_labels: new ort.Tensor('int64', BigInt64Array.from(fx.class_labels.map(BigInt)), [batch])
})
let maxAbs = 0
fx.noise_pred.data.forEach((v, i) => {
  maxAbs = Math.max(maxAbs, Math.abs(noise_pred.data[i] - v))
})
const ok = maxAbs <= fx.tolerance
console.log(
  JSON.stringify({ ort: ort.env.versions.common, maxAbsError: maxAbs, tolerance: fx.tolerance, ok })
)
process.exit(ok ? 0 : 1)
