// The guided denoiser of any job: pre-flight warnings for its batch, the denoiser's session for the
// batch (× 2 with classifier-free guidance), the network wrapper and the one CFG.
import type { ModelManifest } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import { denoiserSpecFor, type ResolvedSampling } from '../../../tasks'
import type { Denoiser } from '../../../diffusion/types'
import { runWarnings, type RunShape } from '../../preflight/warnings'
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
  /**
   * Later stages of the same job (a dense stage after the coarse one): their memory and time are part of
   * this stage's pre-flight warnings, so the job is warned about once, before it starts.
   */
  readonly plannedAfter?: readonly Omit<DenoiserRequest, 'plannedAfter' | 'preflight'>[]
  /** false: a stage an earlier one already warned about. */
  readonly preflight?: boolean
}

/**
 * Positions (points, or atoms × atoms for molecule networks) one session.run of a point-cloud or molecule
 * job may hold: a batch beyond it runs in chunks of rows (shapes-2k: 32 shapes of 2048 points, 4 of
 * 16,384; a few seconds a call on one CPU core), so a cancel lands within one such call and the network's
 * working memory stays that of one chunk.
 */
export const positionsPerCall = 1 << 16

/** Rows per session.run for `rows` rows of `positions` each: all of them for images, else ≤ positionsPerCall. */
export function rowsPerCallFor(modality: string, rows: number, positions: number): number {
  if (modality === 'image') return rows
  const most = Math.max(1, Math.floor(positionsPerCall / Math.max(1, positions)))
  const chunks = Math.ceil(rows / most)
  return Math.ceil(rows / chunks)
}

/** Rows, positions, chunking and the pre-flight shape of one sampling stage. */
function stageShape(
  context: PipelineContext,
  manifest: ModelManifest,
  request: Omit<DenoiserRequest, 'plannedAfter' | 'preflight'>
) {
  const { sampling, conditioning, count } = request
  const rows = count * (needsGuidance(manifest, conditioning, sampling.guidance) ? 2 : 1)
  const positions = positionsOf(manifest, request.sampleShape)
  const rowsPerCall = rowsPerCallFor(manifest.modality, rows, positions)
  const shape: RunShape = {
    batch: rows,
    rowsPerCall,
    positions,
    // What the job holds beside the network: x, D, the sampler's history and CFG copies in float64.
    hostBytes: 16 * 8 * count * request.sampleShape.reduce((a, b) => a * b, 1),
    steps: request.steps,
    callsPerStep: request.callsPerStep ?? sampling.sampler.callsPerStep,
    calibration: context.calibration
  }
  return { rows, positions, rowsPerCall, shape }
}

/**
 * D(x; σ) for `count` outputs: emits the pre-flight warnings (memory and time for this batch and size),
 * opens the session and wraps it with the job's conditioning and guidance.
 */
export async function jobDenoiser(
  context: PipelineContext,
  model: ResolvedModel,
  request: DenoiserRequest,
  options: NetworkOptions = {}
): Promise<Denoiser> {
  const { manifest } = model
  const { sampling, conditioning, count } = request
  const { rowsPerCall, shape } = stageShape(context, manifest, request)
  if (request.preflight !== false) {
    const later = (request.plannedAfter ?? []).map((r) => stageShape(context, manifest, r).shape)
    for (const message of runWarnings(manifest, context.settings, [shape, ...later])) {
      context.emit({ type: 'warning', message })
    }
  }
  const contextShape =
    conditioning.kind === 'text' ? [rowsPerCall, ...conditioning.cond.shape.slice(1)] : undefined
  const session = await denoiserSession(
    context,
    model,
    [rowsPerCall, ...request.sampleShape],
    contextShape
  )
  const network = conditionalDenoiser(session, manifest, denoiserSpecFor(manifest), {
    guidanceScale: sampling.guidance,
    rowsPerCall,
    signal: context.signal,
    ...options
  })
  return guidedDenoiser(network, manifest, count, conditioning, sampling.guidance)
}

/**
 * Positions a denoiser's weights apply to in one row of `sampleShape`: pixels or latent cells ([C, h, w]),
 * points ([N, 3]), or atom pairs for molecule networks ([N, D]: message passing over N × N edges).
 */
function positionsOf(manifest: ModelManifest, sampleShape: readonly number[]): number {
  switch (manifest.sample.kind) {
    case 'image':
      return sampleShape.slice(1).reduce((a, b) => a * b, 1)
    case 'point-cloud':
      return sampleShape[0]
    case 'molecule':
      return sampleShape[0] * sampleShape[0]
    case 'audio':
    case 'video':
      // Mel cells [1, mels, frames] or pixels of all frames [C, F, H, W].
      return sampleShape.slice(1).reduce((a, b) => a * b, 1)
  }
}
