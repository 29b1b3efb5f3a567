// The denoising trajectory of a job: every `every`-th step's x0 estimate (and the last), per output, for
// the replay scrubber. Stored as float32 copies: [frames][B, …].
import type { StepInfo, Tensor } from '../../../diffusion/types'
import type { PipelineContext } from '../context'
import { runSampling, type SamplingRun } from './sampling'

export interface TrajectoryFrame {
  /** σ the estimate was made at (0 for the final sample). */
  readonly sigma: number
  /** The x0 estimate of one output, flattened. */
  readonly data: Float32Array
}

export class TrajectoryRecorder {
  readonly #frames: { sigma: number; data: Float32Array }[] = []

  /** `every` 0 records nothing. */
  constructor(readonly every: number) {}

  get enabled(): boolean {
    return this.every > 0
  }

  /** A sampler step: keeps its x0 estimate when the step is on the stride or the last one. */
  record(info: StepInfo): void {
    if (!this.enabled) return
    if (info.i % this.every !== 0 && info.i !== info.n - 1) return
    this.#frames.push({ sigma: info.sigma, data: Float32Array.from(info.denoised.data) })
  }

  /** The final sample as the last frame (σ = 0). */
  finish(x: Tensor): void {
    if (this.enabled) this.#frames.push({ sigma: 0, data: Float32Array.from(x.data) })
  }

  /** The frames of output b of a batch of `batch`. */
  framesOf(b: number, batch: number): TrajectoryFrame[] {
    return this.#frames.map((f) => {
      const per = f.data.length / batch
      return { sigma: f.sigma, data: f.data.subarray(b * per, (b + 1) * per) }
    })
  }
}

/**
 * Samples x = σ_0·n of `shape` (n from `noise`) with the job's sampler (or its own solver), recording
 * every `every`-th x0 estimate and the final sample as the trajectory.
 */
export async function sampleFromNoise(
  context: PipelineContext,
  run: Omit<SamplingRun, 'x' | 'onStep'> & {
    readonly shape: readonly number[]
    readonly every: number
  }
): Promise<{ result: Tensor; trajectory: TrajectoryRecorder }> {
  const { shape, every, ...rest } = run
  const sigma0 = (run.sigmas ?? run.sampling.sigmas)[0]
  const x = { shape: [...shape], data: run.noise.randn(shape).data.map((v) => v * sigma0) }
  const trajectory = new TrajectoryRecorder(every)
  const result = await runSampling(context, {
    ...rest,
    x,
    onStep: (info) => trajectory.record(info)
  })
  trajectory.finish(result)
  return { result, trajectory }
}
