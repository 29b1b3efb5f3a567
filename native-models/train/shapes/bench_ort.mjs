// Latency of one starter-model call in onnxruntime-node (CPU EP), median of repeated runs.
// Usage (from the repo root):
//   node native-models/train/shapes/bench_ort.mjs shapes [threads] [points] [batch]
//   node native-models/train/shapes/bench_ort.mjs edm [threads] [atoms] [batch] [modelDir]
//   node native-models/train/shapes/bench_ort.mjs conf [threads] [atoms] [batch]
import { join } from 'node:path'
import ort from 'onnxruntime-node'

const [kind = 'shapes', threadsArg = '2', nArg, bArg, dirArg] = process.argv.slice(2)
const threads = Number(threadsArg)
const rand = (len, s = 1) => Float32Array.from({ length: len }, () => (Math.random() * 2 - 1) * s)
let dir, feeds
if (kind === 'shapes') {
  const n = Number(nArg ?? 2048), b = Number(bArg ?? 1)
  dir = dirArg ?? 'native-models/starter/shapes-2k'
  feeds = {
    sample: new ort.Tensor('float32', rand(b * n * 3), [b, n, 3]),
    timestep: new ort.Tensor('float32', Float32Array.from({ length: b }, () => 0.1), [b]),
    class_labels: new ort.Tensor('int64', BigInt64Array.from({ length: b }, () => 1n), [b])
  }
} else if (kind === 'edm') {
  const n = Number(nArg ?? 19), b = Number(bArg ?? 1)
  dir = dirArg ?? 'native-models/starter/qm9-mini-edm'
  feeds = {
    xh: new ort.Tensor('float32', rand(b * n * 9), [b, n, 9]),
    t: new ort.Tensor('float32', Float32Array.from({ length: b }, () => 0.5), [b, 1]),
    node_mask: new ort.Tensor('float32', Float32Array.from({ length: b * n }, () => 1), [b, n, 1])
  }
} else {
  const n = Number(nArg ?? 19), b = Number(bArg ?? 1)
  dir = dirArg ?? 'native-models/starter/qm9-mini-conf'
  const atoms = new Float32Array(b * n * 6)
  for (let i = 0; i < b * n; i++) atoms[i * 6 + (i % 2)] = 1
  const edges = new Float32Array(b * n * n * 7)
  for (let i = 0; i < b * n * n; i++) edges[i * 7 + 3 + (i % 4)] = 1
  feeds = {
    pos: new ort.Tensor('float32', rand(b * n * 3), [b, n, 3]),
    timestep: new ort.Tensor('float32', Float32Array.from({ length: b }, () => 0.0), [b]),
    atoms: new ort.Tensor('float32', atoms, [b, n, 6]),
    edges: new ort.Tensor('float32', edges, [b, n, n, 7]),
    node_mask: new ort.Tensor('float32', Float32Array.from({ length: b * n }, () => 1), [b, n, 1])
  }
}
const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), {
  intraOpNumThreads: threads,
  interOpNumThreads: 1
})
for (let i = 0; i < 5; i++) await session.run(feeds)
const ts = []
for (let i = 0; i < 30; i++) {
  const t0 = performance.now()
  await session.run(feeds)
  ts.push(performance.now() - t0)
}
ts.sort((a, b) => a - b)
const shape = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, v.dims]))
console.log(JSON.stringify({ kind, dir, threads, shape, medianMs: +ts[15].toFixed(2), minMs: +ts[0].toFixed(2) }))
