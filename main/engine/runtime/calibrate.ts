// Measures a device once on a fixed small benchmark (a stack of 3×3 convolutions, whose FLOPs are known
// exactly) so preflight can turn a model's size into a time estimate.
import * as ort from 'onnxruntime-node'
import { buildModel, seededWeights } from '../../onnx/onnx-builder'
import { providerConfig, type ProviderName } from './providers'

export interface CalibrationResult {
  provider: string
  deviceName: string
  msPerGflop: number
  overheadMs: number
  measuredAt: string
}

/** layers × conv3×3 (channels → channels, padding 1) on a size×size map: the benchmark graph. */
export function convStack(
  layers: number,
  channels: number,
  size: number
): { model: Uint8Array; gflops: number } {
  const nodes = Array.from({ length: layers }, (_, i) => ({
    op: 'Conv',
    inputs: [i === 0 ? 'x' : `h${i}`, `w${i}`],
    outputs: [i === layers - 1 ? 'y' : `h${i + 1}`],
    attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }
  }))
  const perLayer = channels * channels * 9
  const initializers = Array.from({ length: layers }, (_, i) => ({
    name: `w${i}`,
    type: 'float32' as const,
    dims: [channels, channels, 3, 3],
    values: seededWeights(perLayer, i + 1, 1 / Math.sqrt(perLayer / channels))
  }))
  const model = buildModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, channels, size, size] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, channels, size, size] }],
    nodes,
    initializers
  }).model
  return { model, gflops: (2 * perLayer * layers * size * size) / 1e9 }
}

async function timeRuns(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  runs: number
): Promise<number> {
  await session.run(feeds) // warm-up
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await session.run(feeds)
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] // median
}

/** Runs the benchmark on `provider` (a few hundred milliseconds on a CPU) and returns its speed. */
export async function calibrate(
  provider: ProviderName,
  deviceName: string,
  options: {
    layers?: number
    channels?: number
    size?: number
    runs?: number
    cpuThreads?: number
  } = {}
): Promise<CalibrationResult> {
  const { model, gflops } = convStack(
    options.layers ?? 4,
    options.channels ?? 64,
    options.size ?? 64
  )
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [providerConfig(provider, true)],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4,
    ...(options.cpuThreads ? { intraOpNumThreads: options.cpuThreads } : {})
  }
  const channels = options.channels ?? 64
  const size = options.size ?? 64
  const conv = await ort.InferenceSession.create(model, sessionOptions)
  const tiny = await ort.InferenceSession.create(convStack(1, 1, 1).model, sessionOptions)
  try {
    const runs = options.runs ?? 5
    const convMs = await timeRuns(
      conv,
      {
        x: new ort.Tensor('float32', new Float32Array(channels * size * size).fill(0.5), [
          1,
          channels,
          size,
          size
        ])
      },
      runs
    )
    const overheadMs = await timeRuns(
      tiny,
      { x: new ort.Tensor('float32', Float32Array.from([1]), [1, 1, 1, 1]) },
      runs
    )
    return {
      provider,
      deviceName,
      msPerGflop: Math.max(1e-6, convMs - overheadMs) / gflops,
      overheadMs,
      measuredAt: new Date().toISOString()
    }
  } finally {
    await conv.release()
    await tiny.release()
  }
}
