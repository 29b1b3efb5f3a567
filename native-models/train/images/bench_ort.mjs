// Median onnxruntime-node latency of one call of photo-sr4 / photo-inpaint.
// Usage (from the repo root):
//   node native-models/train/images/bench_ort.mjs sr <model.onnx> [lrSide=128] [threads=2] [runs=5]
//   node native-models/train/images/bench_ort.mjs inpaint <model.onnx> [side=256] [threads=2] [runs=5]
import ort from 'onnxruntime-node'

const [task, path, sideArg, threadsArg, runsArg] = process.argv.slice(2)
const threads = Number(threadsArg ?? 2)
const runs = Number(runsArg ?? 5)
const session = await ort.InferenceSession.create(path, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all'
})
const rand = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.9)
let feeds
if (task === 'sr') {
  const h = Number(sideArg ?? 128)
  feeds = {
    sample: new ort.Tensor('float32', rand(3 * 16 * h * h), [1, 3, 4 * h, 4 * h]),
    timestep: new ort.Tensor('float32', Float32Array.from([0.1]), [1]),
    low_res: new ort.Tensor('float32', rand(3 * h * h), [1, 3, h, h])
  }
} else {
  const s = Number(sideArg ?? 256)
  feeds = {
    sample: new ort.Tensor('float32', rand(7 * s * s), [1, 7, s, s]),
    timestep: new ort.Tensor('float32', Float32Array.from([0.1]), [1])
  }
}
await session.run(feeds) // warm-up
const times = []
for (let i = 0; i < runs; i++) {
  const t0 = performance.now()
  const { out } = await session.run(feeds)
  times.push(performance.now() - t0)
  if (i === 0) var shape = out.dims
}
times.sort((a, b) => a - b)
console.log(JSON.stringify({ task, model: path, threads, outShape: shape, medianMs: +times[runs >> 1].toFixed(1), minMs: +times[0].toFixed(1), ort: ort.env.versions.common }))
