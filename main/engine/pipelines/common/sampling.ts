// The one sampling loop every pipeline runs: step events with previews, cancellation between denoiser
// calls, typed errors (a bad sampler knob, NaN from the model) that name the step.
import { StudioError, stepIntervalMs, type Preview } from '../../../contract'
import type { ResolvedSampling } from '../../../tasks'
import type { Denoiser, NoiseSource, Sampler, StepInfo, Tensor } from '../../../diffusion/types'
import type { PipelineContext } from '../context'
import { NonFiniteOutput, assertFinite } from './network'

export interface SamplingRun {
  readonly sampling: ResolvedSampling
  readonly denoise: Denoiser
  /** The starting sample at σ = sigmas[0]. */
  readonly x: Tensor
  /** The σ list to walk (default: sampling.sigmas); img2img passes its tail. */
  readonly sigmas?: Float64Array
  readonly noise: NoiseSource
  readonly extra: Readonly<Record<string, number | boolean | string>>
  /** A preview of the x0 estimate [B, …], or undefined to send none this step. */
  readonly preview?: (denoised: Tensor) => Preview | undefined
  /** Shown beside the progress (e.g. "tile 3 of 12"). */
  readonly stage?: string
  /** Step events count from here (several sampling runs in one job, e.g. tiles). */
  readonly stepOffset?: number
  readonly stepTotal?: number
  /** What the sampled values are, for error messages ("the image", "tile 3"). */
  readonly what?: string
  /** Called after every step with the sampler's step info (trajectories). */
  readonly onStep?: (info: StepInfo) => void
  /** A sampler of the job's own instead of the resolved one (RePaint, DDRM: the toolbox's inverse solvers). */
  readonly sampler?: { readonly name: string; readonly sample: Sampler }
}

/**
 * Runs the sampler over the σ list, reporting each step; returns the final sample.
 * @throws StudioError runtime-failure when the model gives NaN/Inf (naming the step and the fix),
 *   invalid-request for a knob the sampler rejects; SamplingCancelled when the job's signal fires.
 */
export async function runSampling(context: PipelineContext, run: SamplingRun): Promise<Tensor> {
  const sigmas = run.sigmas ?? run.sampling.sigmas
  const n = sigmas.length - 1
  const offset = run.stepOffset ?? 0
  const every = context.settings.previewEvery
  // A preview costs a decode of x0 (a VAE call for latent models): made every `every` steps, but no more
  // often than a window shows them (stepIntervalMs), and always at the last step.
  const now = context.now ?? (() => performance.now())
  let previewedAt = -Infinity
  let completed = 0
  const onStep = (info: StepInfo) => {
    completed = info.i + 1
    run.onStep?.(info)
    const last = info.i === info.n - 1
    let preview: Preview | undefined
    if (run.preview && every > 0 && (info.i % every === 0 || last)) {
      const at = now()
      if (last || at - previewedAt >= stepIntervalMs) {
        previewedAt = at
        preview = run.preview(info.denoised)
      }
    }
    context.emit({
      type: 'step',
      i: offset + info.i + 1,
      // The sampler's own count (RePaint resamples: more steps than σ levels) unless the job sets one.
      n: run.stepTotal ?? info.n,
      ...(run.stage ? { stage: run.stage } : {}),
      ...(preview ? { preview } : {})
    })
  }
  const sampler = run.sampler ?? run.sampling.sampler
  let result: Tensor
  try {
    result = await sampler.sample(run.denoise, run.x, sigmas, {
      noise: run.noise,
      onStep,
      signal: context.signal,
      extra: run.extra
    })
    assertFinite(result.data, 'The sampler')
  } catch (error) {
    if (error instanceof NonFiniteOutput)
      throw nonFinite(context, error.component, completed + 1, n, run)
    // Samplers reject bad knobs (a malformed Γ table, an impossible σ list) with RangeError.
    if (error instanceof RangeError) {
      throw new StudioError('invalid-request', `Sampler "${sampler.name}": ${error.message}`)
    }
    throw error
  }
  return result
}

function nonFinite(
  context: PipelineContext,
  component: string,
  step: number,
  n: number,
  run: SamplingRun
): StudioError {
  const where = step > n ? 'after the last step' : `at step ${step} of ${n}`
  const provider = context.runtime.execution.provider
  const fix =
    provider === 'cpu'
      ? 'If the model is fp16, use its fp32 export; otherwise the model file may be damaged.'
      : `Try the fp32 export of the model, or run it on the CPU (Settings → device, or --device cpu): ` +
        `fp16 arithmetic on ${provider} can overflow.`
  return new StudioError(
    'runtime-failure',
    `${component} produced NaN or infinite values ${where}${run.what ? ` (${run.what})` : ''}; ` +
      `no file was written. ${fix}`
  )
}
