// Before a run or a download: will it fit on disk and in memory, and about how long will it take?
// Pure functions over injected numbers; warnings are plain sentences for the UI and the CLI.
import { z } from 'zod'
import type { ModelManifest } from '../../contract'
import { formatBytes } from '../../models/files'

/** A device's measured speed on the engine's fixed benchmark graph (see engine/runtime/calibrate.ts). */
export const CalibrationSchema = z.object({
  provider: z.string(),
  deviceName: z.string(),
  /** Milliseconds per GFLOP of convolution work at batch 1. */
  msPerGflop: z.number().positive(),
  /** Fixed cost of one session.run (feeds, copies, dispatch), milliseconds. */
  overheadMs: z.number().nonnegative(),
  measuredAt: z.string()
})
export type Calibration = z.infer<typeof CalibrationSchema>

const MiB = 1024 * 1024

/**
 * Rough work of one denoiser call, GFLOP: 2 · parameters · positions · share. `share` is the fraction of
 * the sample's positions an average weight is applied to: 1 for a flat conv stack (the calibration
 * graph: 8 conv3×3 of 320 channels at 64×64 gives the 60 GFLOP that architecture.md quotes), less for
 * UNets whose weights sit at downsampled levels (default 1/8).
 */
export function gflopsPerCall(
  manifest: ModelManifest,
  options: {
    batch?: number
    width?: number
    height?: number
    /** Positions per row, when known (the job's own size); else from width/height or the native size. */
    positions?: number
    share?: number
  } = {}
): number {
  if (!manifest.components.denoiser) return 0
  const params = denoiserParameters(manifest)
  const positions = options.positions ?? samplePositions(manifest, options)
  // Point and atom networks apply every weight at every position (set transformers, EGNNs).
  const share = options.share ?? (manifest.sample.kind === 'image' && positions > 1024 ? 1 / 8 : 1)
  return (2 * params * positions * share * (options.batch ?? 1)) / 1e9
}

/** The denoiser's parameters, from its files' sizes (2 bytes each for fp16 graphs, else 4). */
function denoiserParameters(manifest: ModelManifest): number {
  const denoiser = manifest.components.denoiser
  if (!denoiser) return 0
  const sizes = new Map(manifest.files.map((f) => [f.path, f.size]))
  const bytes = [denoiser.file, ...denoiser.externalData].reduce(
    (s, p) => s + (sizes.get(p) ?? 0),
    0
  )
  return bytes / (denoiser.inputs[0]?.dtype === 'float16' ? 2 : 4)
}

/**
 * Working memory of one session.run beyond the model's own estimate (which covers one row at its native
 * size), bytes: 4·√parameters bytes per position and row, a rough upper rule (measured on one CPU core:
 * shapes-2k 4.0 KB per point for 7.1 by the rule, emoji-32 1.6 KB per pixel for 4.0).
 */
export function activationBytes(manifest: ModelManifest, rows: number, positions: number): number {
  const native = samplePositions(manifest, {})
  const extra = Math.max(0, rows * positions - native)
  return extra * 4 * Math.sqrt(denoiserParameters(manifest))
}

/** Positions a denoiser's weights apply to at the native size: pixels (latent cells), points or atoms. */
function samplePositions(
  manifest: ModelManifest,
  options: { width?: number; height?: number }
): number {
  const sample = manifest.sample
  switch (sample.kind) {
    case 'image': {
      // Options are in pixels; the sample is in latent cells for latent models.
      const v = sample.vaeScale
      return options.width && options.height
        ? (options.width / v) * (options.height / v)
        : sample.width * sample.height
    }
    case 'point-cloud':
      return sample.points
    case 'molecule':
      return sample.maxAtoms * sample.maxAtoms
    case 'audio':
      return sample.mels * sample.frames
    case 'video':
      return sample.frames * sample.width * sample.height
  }
}

/** Seconds for `calls` model calls of `gflops` each on a calibrated device. */
export function estimateSeconds(calibration: Calibration, gflops: number, calls: number): number {
  return (calls * (gflops * calibration.msPerGflop + calibration.overheadMs)) / 1000
}

function duration(seconds: number): string {
  if (seconds < 1) return 'under a second'
  if (seconds < 90) return `about ${Math.round(seconds)} seconds`
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} minutes`
  return `about ${(seconds / 3600).toFixed(1)} hours`
}

/** The time warning for `calls` model calls taking `seconds` in all: only past 10 minutes. */
export function timeWarning(
  deviceName: string,
  seconds: number,
  calls: number
): string | undefined {
  if (seconds <= 600) return undefined
  const each = seconds / calls
  return `On ${deviceName} this will take ${duration(seconds)} (${calls} model calls of about ${each >= 100 ? Math.round(each) : each.toPrecision(2)} s each). Fewer steps, fewer outputs or a smaller size would be faster.`
}

export interface PreflightInput {
  manifest: ModelManifest
  /** Bytes still to be written to disk (a download or import); 0 for an installed model. */
  diskNeededBytes?: number
  freeDiskBytes?: number
  freeMemoryBytes: number
  memoryBudgetMB: number
  steps?: number
  /** Denoiser calls per step (2 for Heun-type samplers); guidance is counted through `batch`. */
  callsPerStep?: number
  /** Rows per denoiser evaluation: count × 2 with classifier-free guidance. */
  batch?: number
  /** Rows per session.run when the batch runs in chunks (default: the batch). */
  rowsPerCall?: number
  /** Positions per row (the job's size); with it, memory counts the network's activations. */
  positions?: number
  /** Bytes the job holds beside the network. */
  hostBytes?: number
  width?: number
  height?: number
  calibration?: Calibration
  /** Leave the time warning to the caller (a job of several stages sums them: runWarnings). */
  noTimeWarning?: boolean
}

export interface PreflightResult {
  disk?: { neededBytes: number; freeBytes: number; ok: boolean }
  memory: { neededMB: number; freeMB: number; budgetMB: number; ok: boolean }
  time?: { seconds: number; perCallMs: number; calls: number }
  /** Plain sentences, most serious first. */
  warnings: string[]
}

/** Disk, memory and time for running (or fetching) a model. */
export function preflight(input: PreflightInput): PreflightResult {
  const warnings: string[] = []
  const { manifest } = input
  let disk: PreflightResult['disk']
  if (input.diskNeededBytes !== undefined && input.freeDiskBytes !== undefined) {
    const ok = input.diskNeededBytes <= input.freeDiskBytes
    disk = { neededBytes: input.diskNeededBytes, freeBytes: input.freeDiskBytes, ok }
    if (!ok) {
      warnings.push(
        `This model needs about ${formatBytes(input.diskNeededBytes)} of disk; ${formatBytes(input.freeDiskBytes)} is free.`
      )
    }
  }

  const activationMB =
    input.positions !== undefined
      ? activationBytes(manifest, input.rowsPerCall ?? input.batch ?? 1, input.positions) / MiB
      : 0
  const neededMB = Math.ceil(
    manifest.memoryEstimateMB + activationMB + (input.hostBytes ?? 0) / MiB
  )
  const freeMB = input.freeMemoryBytes / MiB
  const memoryOk = neededMB <= freeMB && neededMB <= input.memoryBudgetMB
  if (neededMB > freeMB) {
    warnings.push(
      `This ${input.positions !== undefined ? 'job' : 'model'} needs about ${formatBytes(neededMB * MiB)} of memory; ${formatBytes(input.freeMemoryBytes)} is free now. Close other programs, or the run may fail with out-of-memory${input.positions !== undefined ? '; fewer outputs or a smaller size need less' : ''}.`
    )
  }
  if (neededMB > input.memoryBudgetMB) {
    warnings.push(
      `This model needs about ${formatBytes(neededMB * MiB)} of memory, more than the ${formatBytes(input.memoryBudgetMB * MiB)} memory budget in Settings: other loaded models will be released first. Raise the budget if this machine has the memory.`
    )
  }

  let time: PreflightResult['time']
  if (input.calibration && input.steps) {
    const gflops = gflopsPerCall(manifest, {
      batch: input.batch,
      width: input.width,
      height: input.height,
      positions: input.positions
    })
    const calls = input.steps * (input.callsPerStep ?? 1)
    const seconds = estimateSeconds(input.calibration, gflops, calls)
    time = { seconds, perCallMs: (seconds * 1000) / calls, calls }
    const warning = timeWarning(input.calibration.deviceName, seconds, calls)
    if (warning && !input.noTimeWarning) warnings.push(warning)
  }
  return {
    ...(disk ? { disk } : {}),
    memory: { neededMB, freeMB, budgetMB: input.memoryBudgetMB, ok: memoryOk },
    ...(time ? { time } : {}),
    warnings
  }
}
