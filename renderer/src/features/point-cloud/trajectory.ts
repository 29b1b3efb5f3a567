// A point cloud's denoising trajectory for replay: the binary file of main/contract/trajectories.ts.
import { decodePointTrajectory } from '../../lib/contract'

export interface PointFrames {
  readonly frames: number
  readonly points: number
  readonly sigmas: Float32Array
  /** Frame f's positions (a view, 3 × points). */
  frame(f: number): Float32Array
}

/** @throws RangeError for bytes that are not a point trajectory (or are truncated). */
export function readPointTrajectory(bytes: Uint8Array): PointFrames {
  const t = decodePointTrajectory(bytes)
  const size = 3 * t.points
  return {
    frames: t.frames,
    points: t.points,
    sigmas: t.sigmas,
    frame: (f) => t.xyz.subarray(f * size, (f + 1) * size)
  }
}
