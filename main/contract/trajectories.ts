// The denoising trajectory of a point cloud, as one binary file (artifact role 'trajectory'), shared by
// the engine (writer) and the renderer's scrubber (reader). Little-endian:
//   bytes 0–3 "DSPT", u32 version (1), u32 frames F, u32 points N,
//   F × f32 σ of each frame (the noise level the x0 estimate was made at; 0 for the final sample),
//   F × N × 3 f32 xyz (frame-major, point-major).
// Molecule trajectories are multi-frame XYZ text (a standard other tools replay), σ in each comment line.

export const pointTrajectoryMagic = 'DSPT'

export interface PointTrajectory {
  readonly frames: number
  readonly points: number
  /** [F] noise level per frame. */
  readonly sigmas: Float32Array
  /** [F, N, 3] positions. */
  readonly xyz: Float32Array
}

/** Encodes frames of [N, 3] positions with their σ. @throws RangeError on inconsistent sizes. */
export function encodePointTrajectory(
  frames: readonly { readonly sigma: number; readonly xyz: Float32Array }[]
): Uint8Array {
  const points = frames[0] ? frames[0].xyz.length / 3 : 0
  if (frames.some((f) => f.xyz.length !== points * 3)) throw new RangeError('frames differ in size')
  const out = new Uint8Array(16 + frames.length * 4 + frames.length * points * 12)
  const view = new DataView(out.buffer)
  for (let k = 0; k < 4; k++) out[k] = pointTrajectoryMagic.charCodeAt(k)
  view.setUint32(4, 1, true)
  view.setUint32(8, frames.length, true)
  view.setUint32(12, points, true)
  frames.forEach((f, i) => view.setFloat32(16 + 4 * i, f.sigma, true))
  let at = 16 + frames.length * 4
  for (const f of frames) {
    for (let k = 0; k < f.xyz.length; k++, at += 4) view.setFloat32(at, f.xyz[k], true)
  }
  return out
}

/** Decodes a point trajectory. @throws RangeError for bytes that are not one (or are truncated). */
export function decodePointTrajectory(bytes: Uint8Array): PointTrajectory {
  if (bytes.length < 16 || String.fromCharCode(...bytes.subarray(0, 4)) !== pointTrajectoryMagic) {
    throw new RangeError('not a point-cloud trajectory')
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = view.getUint32(4, true)
  const frames = view.getUint32(8, true)
  const points = view.getUint32(12, true)
  if (version !== 1) throw new RangeError(`trajectory version ${version} is not supported`)
  const need = 16 + frames * 4 + frames * points * 12
  if (bytes.length !== need)
    throw new RangeError(`trajectory of ${bytes.length} bytes; ${need} expected`)
  const sigmas = new Float32Array(frames)
  for (let i = 0; i < frames; i++) sigmas[i] = view.getFloat32(16 + 4 * i, true)
  const xyz = new Float32Array(frames * points * 3)
  const base = 16 + frames * 4
  for (let k = 0; k < xyz.length; k++) xyz[k] = view.getFloat32(base + 4 * k, true)
  return { frames, points, sigmas, xyz }
}
