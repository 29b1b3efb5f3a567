// Slow, obviously-correct references for the geometry tests: brute-force nearest neighbours and an
// exact assignment (Hungarian method). Never used by production code.
import type { PointCloud } from '../points'

/** Squared distance from point i of `a` to point j of `b`. */
export function distanceSquared(a: PointCloud, i: number, b: PointCloud, j: number): number {
  const dx = a[i * 3] - b[j * 3]
  const dy = a[i * 3 + 1] - b[j * 3 + 1]
  const dz = a[i * 3 + 2] - b[j * 3 + 2]
  return dx * dx + dy * dy + dz * dz
}

/** For each point of `from`, the squared distance to its nearest point of `to`. O(N·M). */
export function bruteNearest(from: PointCloud, to: PointCloud): Float64Array {
  const out = new Float64Array(from.length / 3)
  for (let i = 0; i < out.length; i++) {
    let best = Infinity
    for (let j = 0; j < to.length / 3; j++) best = Math.min(best, distanceSquared(from, i, to, j))
    out[i] = best
  }
  return out
}

/** The Chamfer distance by brute force (mean squared NN distance each way, summed). */
export function bruteChamfer(a: PointCloud, b: PointCloud): number {
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length
  return mean(bruteNearest(a, b)) + mean(bruteNearest(b, a))
}

/**
 * The exact minimum-cost assignment of an n×n cost matrix (row-major): the Hungarian method in its
 * O(n³) shortest-augmenting-path form (Kuhn 1955; Munkres 1957; Jonker & Volgenant 1987).
 * Returns the column assigned to each row and the total cost.
 */
export function hungarian(
  cost: ArrayLike<number>,
  n: number
): { assignment: Int32Array; total: number } {
  const u = new Float64Array(n + 1)
  const v = new Float64Array(n + 1)
  const p = new Int32Array(n + 1) // column → row (1-based; 0 = none)
  const way = new Int32Array(n + 1)
  for (let i = 1; i <= n; i++) {
    p[0] = i
    let j0 = 0
    const minv = new Float64Array(n + 1).fill(Infinity)
    const used = new Uint8Array(n + 1)
    do {
      used[j0] = 1
      const i0 = p[j0]
      let delta = Infinity
      let j1 = 0
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue
        const cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j]
        if (cur < minv[j]) {
          minv[j] = cur
          way[j] = j0
        }
        if (minv[j] < delta) {
          delta = minv[j]
          j1 = j
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta
          v[j] -= delta
        } else minv[j] -= delta
      }
      j0 = j1
    } while (p[j0] !== 0)
    do {
      const j1 = way[j0]
      p[j0] = p[j1]
      j0 = j1
    } while (j0 !== 0)
  }
  const assignment = new Int32Array(n)
  let total = 0
  for (let j = 1; j <= n; j++) {
    assignment[p[j] - 1] = j - 1
    total += cost[(p[j] - 1) * n + (j - 1)]
  }
  return { assignment, total }
}

/** The exact EMD (mean matched Euclidean distance) of two equal-size clouds, by `hungarian`. */
export function exactEmd(a: PointCloud, b: PointCloud): number {
  const n = a.length / 3
  const cost = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) cost[i * n + j] = Math.sqrt(distanceSquared(a, i, b, j))
  }
  return hungarian(cost, n).total / n
}

/** A reproducible cloud: `n` points on a noisy sphere or torus-like surface, or uniform in a box. */
export function syntheticCloud(
  n: number,
  seed: number,
  shape: 'sphere' | 'box' | 'torus' = 'sphere'
): PointCloud {
  let s = seed >>> 0 || 1
  const random = () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
  const out = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) {
    const u = random() * 2 * Math.PI
    const w = random() * 2 * Math.PI
    let x: number
    let y: number
    let z: number
    if (shape === 'box') {
      x = random() * 2 - 1
      y = random() * 2 - 1
      z = random() * 2 - 1
    } else if (shape === 'torus') {
      x = (0.7 + 0.25 * Math.cos(w)) * Math.cos(u)
      y = (0.7 + 0.25 * Math.cos(w)) * Math.sin(u)
      z = 0.25 * Math.sin(w)
    } else {
      const c = random() * 2 - 1
      const r = Math.sqrt(1 - c * c)
      x = r * Math.cos(u)
      y = r * Math.sin(u)
      z = c
    }
    out[i * 3] = x + (random() - 0.5) * 0.02
    out[i * 3 + 1] = y + (random() - 0.5) * 0.02
    out[i * 3 + 2] = z + (random() - 0.5) * 0.02
  }
  return out
}
