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
  options: { batch?: number; width?: number; height?: number; share?: number } = {}
): number {
  const denoiser = manifest.components.denoiser
  if (!denoiser) return 0
  const sizes = new Map(manifest.files.map((f) => [f.path, f.size]))
  const bytes = [denoiser.file, ...denoiser.externalData].reduce(
    (s, p) => s + (sizes.get(p) ?? 0),
    0
  )
  const bytesPerParam = denoiser.inputs[0]?.dtype === 'float16' ? 2 : 4
  const params = bytes / bytesPerParam
  const positions = samplePositions(manifest, options)
  const share = options.share ?? (positions > 1024 ? 1 / 8 : 1)
  return (2 * params * positions * share * (options.batch ?? 1)) / 1e9
}

/** Positions a denoiser's weights apply to: pixels (latent cells), points or atoms. */
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
  /** Images per call: count × 2 with classifier-free guidance. */
  batch?: number
  width?: number
  height?: number
  calibration?: Calibration
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

  const neededMB = manifest.memoryEstimateMB
  const freeMB = input.freeMemoryBytes / MiB
  const memoryOk = neededMB <= freeMB && neededMB <= input.memoryBudgetMB
  if (neededMB > freeMB) {
    warnings.push(
      `This model needs about ${formatBytes(neededMB * MiB)} of memory; ${formatBytes(input.freeMemoryBytes)} is free now. Close other programs, or the run may fail with out-of-memory.`
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
      height: input.height
    })
    const calls = input.steps * (input.callsPerStep ?? 1)
    const seconds = estimateSeconds(input.calibration, gflops, calls)
    time = { seconds, perCallMs: (seconds * 1000) / calls, calls }
    if (seconds > 600) {
      warnings.push(
        `On ${input.calibration.deviceName} this will take ${duration(seconds)} (${calls} model calls of about ${(seconds / calls).toPrecision(2)} s each). Fewer steps or a smaller size would be faster.`
      )
    }
  }
  return {
    ...(disk ? { disk } : {}),
    memory: { neededMB, freeMB, budgetMB: input.memoryBudgetMB, ok: memoryOk },
    ...(time ? { time } : {}),
    warnings
  }
}
