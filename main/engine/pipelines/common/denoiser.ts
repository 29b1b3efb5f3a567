// The guided denoiser of any job: pre-flight warnings for its batch, the denoiser's session for the
// batch (× 2 with classifier-free guidance), the network wrapper and the one CFG.
import type { ResolvedModel } from '../../../models/registry'
import { denoiserSpecFor, type ResolvedSampling } from '../../../tasks'
import type { Denoiser } from '../../../diffusion/types'
import { runWarnings } from '../../preflight/warnings'
import type { PipelineContext } from '../context'
import {
  conditionalDenoiser,
  denoiserSession,
  guidedDenoiser,
  needsGuidance,
  type JobConditioning,
  type NetworkOptions
} from './network'

export interface DenoiserRequest {
  readonly sampling: ResolvedSampling
  readonly conditioning: JobConditioning
  /** Outputs sampled together (B); the session takes B or 2B rows. */
  readonly count: number
  /** The graph's sample input per row, e.g. [C, h, w] or [N, 3]. */
  readonly sampleShape: readonly number[]
  /** Steps the sampler will run (for the time estimate). */
  readonly steps: number
  /** Model calls per step when the job's own solver replaces the sampler (RePaint). */
  readonly callsPerStep?: number
}

/**
 * D(x; σ) for `count` outputs: emits the pre-flight warnings, opens the session and wraps it with the
 * job's conditioning and guidance.
 */
export async function jobDenoiser(
  context: PipelineContext,
  model: ResolvedModel,
  request: DenoiserRequest,
  options: NetworkOptions = {}
): Promise<Denoiser> {
  const { manifest } = model
  const { sampling, conditioning, count } = request
  const rows = count * (needsGuidance(manifest, conditioning, sampling.guidance) ? 2 : 1)
  for (const message of runWarnings(manifest, context.settings, {
    batch: rows,
    steps: request.steps,
    callsPerStep: request.callsPerStep ?? sampling.sampler.callsPerStep,
    calibration: context.calibration
  })) {
    context.emit({ type: 'warning', message })
  }
  const contextShape =
    conditioning.kind === 'text' ? [rows, ...conditioning.cond.shape.slice(1)] : undefined
  const session = await denoiserSession(
    context,
    model,
    [rows, ...request.sampleShape],
    contextShape
  )
  const network = conditionalDenoiser(session, manifest, denoiserSpecFor(manifest), {
    guidanceScale: sampling.guidance,
    ...options
  })
  return guidedDenoiser(network, manifest, count, conditioning, sampling.guidance)
}
