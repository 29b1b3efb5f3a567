// The extent of a set of points and how far a camera must stand to see all of it. Pure.

export interface Bounds {
  readonly min: readonly [number, number, number]
  readonly max: readonly [number, number, number]
  readonly center: readonly [number, number, number]
  /** Of the sphere around the box's centre that holds every point. */
  readonly radius: number
  /** Finite points counted. */
  readonly count: number
}

/** Bounds of interleaved xyz, non-finite points left out; an empty set is a unit sphere at 0. */
export function boundsOf(positions: Float32Array): Bounds {
  const min = [Infinity, Infinity, Infinity]
  const max = [-Infinity, -Infinity, -Infinity]
  let count = 0
  for (let i = 0; i + 2 < positions.length; i += 3) {
    const x = positions[i]
    const y = positions[i + 1]
    const z = positions[i + 2]
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue
    count++
    if (x < min[0]) min[0] = x
    if (y < min[1]) min[1] = y
    if (z < min[2]) min[2] = z
    if (x > max[0]) max[0] = x
    if (y > max[1]) max[1] = y
    if (z > max[2]) max[2] = z
  }
  if (count === 0) return { min: [-1, -1, -1], max: [1, 1, 1], center: [0, 0, 0], radius: 1, count }
  const center: [number, number, number] = [
    (min[0] + max[0]) / 2,
    (min[1] + max[1]) / 2,
    (min[2] + max[2]) / 2
  ]
  let r2 = 0
  for (let i = 0; i + 2 < positions.length; i += 3) {
    const dx = positions[i] - center[0]
    const dy = positions[i + 1] - center[1]
    const dz = positions[i + 2] - center[2]
    const d = dx * dx + dy * dy + dz * dz
    if (Number.isFinite(d) && d > r2) r2 = d
  }
  return {
    min: [min[0], min[1], min[2]],
    max: [max[0], max[1], max[2]],
    center,
    radius: Math.max(Math.sqrt(r2), 1e-3),
    count
  }
}

/**
 * The distance from which a perspective camera with vertical field of view `fovDeg` and this aspect
 * (width / height) sees a sphere of `radius` whole, with `margin` (1.1 = 10 % room).
 */
export function fitDistance(radius: number, fovDeg: number, aspect: number, margin = 1.1): number {
  const v = (fovDeg * Math.PI) / 360
  const h = Math.atan(Math.tan(v) * aspect)
  return (margin * radius) / Math.sin(Math.min(v, h))
}
