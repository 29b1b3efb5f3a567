import * as ort from 'onnxruntime-node'

/** Feeds for one call of the emoji-32 starter UNet at `batch` ([B, 3, 32, 32], t = 500, class 0). */
export function starterFeeds(batch: number): Record<string, ort.Tensor> {
  return {
    sample: new ort.Tensor('float32', new Float32Array(batch * 3 * 32 * 32).fill(0.1), [
      batch,
      3,
      32,
      32
    ]),
    timestep: new ort.Tensor('float32', new Float32Array(batch).fill(500), [batch]),
    class_labels: new ort.Tensor('int64', new BigInt64Array(batch), [batch])
  }
}

/** Median milliseconds of `run(feeds)` over `iters` calls after `warmup` calls. */
export async function medianMsPerCall(
  run: (feeds: Record<string, ort.Tensor>) => Promise<unknown>,
  feeds: Record<string, ort.Tensor>,
  iters: number,
  warmup = 5
): Promise<number> {
  for (let i = 0; i < warmup; i++) await run(feeds)
  const times: number[] = []
  for (let i = 0; i < iters; i++) {
    const t = performance.now()
    await run(feeds)
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]
}

/** Timings of one batch size: min, median and max milliseconds per call. */
export interface CallTimes {
  readonly min: number
  readonly median: number
  readonly max: number
}

/**
 * Milliseconds per call of `run(feeds)`: warmed up for at least `warmupS` seconds and 20 calls (the same
 * warm-up the PyTorch side gets), then `iters` timed calls.
 */
export async function callTimes(
  run: (feeds: Record<string, ort.Tensor>) => Promise<unknown>,
  feeds: Record<string, ort.Tensor>,
  iters: number,
  warmupS = 2
): Promise<CallTimes> {
  const start = performance.now()
  for (let calls = 0; calls < 20 || performance.now() - start < warmupS * 1000; calls++)
    await run(feeds)
  const times: number[] = []
  for (let i = 0; i < iters; i++) {
    const t = performance.now()
    await run(feeds)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return {
    min: times[0],
    median: times[Math.floor(times.length / 2)],
    max: times[times.length - 1]
  }
}
