// A static 3D k-d tree for nearest-neighbour queries on point clouds (Bentley 1975; Friedman,
// Bentley & Finkel 1977): median splits on the axis of widest spread, buckets of up to 8 points,
// points copied into tree order for locality. Distances are squared Euclidean throughout.
import { pointCount } from './points'

const leafSize = 8

/** One neighbour: index into the source cloud and squared Euclidean distance. */
export interface Neighbour {
  readonly index: number
  readonly distanceSquared: number
}

export class KdTree {
  /** Number of points. */
  readonly size: number
  /** Points in tree order, interleaved xyz (float64 copies of the source values). */
  private readonly xyz: Float64Array
  /** Tree position → index in the source cloud. */
  private readonly order: Int32Array
  /** Per node (heap numbering: children of n are 2n+1, 2n+2): split axis and value. */
  private readonly axis: Uint8Array
  private readonly split: Float64Array
  // The current query (fields, so the recursion allocates nothing).
  private qx = 0
  private qy = 0
  private qz = 0
  private best = Infinity
  private bestAt = -1
  private readonly off = new Float64Array(3)

  /**
   * Builds the tree in O(N log N).
   * @throws RangeError when the length is not a multiple of 3 or a coordinate is NaN or ±Infinity.
   */
  constructor(cloud: ArrayLike<number>) {
    const n = pointCount(cloud)
    for (let i = 0; i < cloud.length; i++) {
      if (!Number.isFinite(cloud[i])) {
        throw new RangeError(`point ${Math.floor(i / 3)} has a non-finite coordinate (${cloud[i]})`)
      }
    }
    this.size = n
    this.order = new Int32Array(n)
    for (let i = 0; i < n; i++) this.order[i] = i
    let nodes = 1
    while (nodes * leafSize < n) nodes *= 2
    this.axis = new Uint8Array(nodes * 2)
    this.split = new Float64Array(nodes * 2)
    const src = Float64Array.from(cloud)
    if (n > 0) this.build(src, 0, 0, n)
    this.xyz = new Float64Array(n * 3)
    for (let k = 0; k < n; k++) {
      const i = this.order[k] * 3
      this.xyz[k * 3] = src[i]
      this.xyz[k * 3 + 1] = src[i + 1]
      this.xyz[k * 3 + 2] = src[i + 2]
    }
  }

  private build(src: Float64Array, node: number, lo: number, hi: number): void {
    if (hi - lo <= leafSize) return
    const order = this.order
    let min0 = Infinity
    let min1 = Infinity
    let min2 = Infinity
    let max0 = -Infinity
    let max1 = -Infinity
    let max2 = -Infinity
    for (let k = lo; k < hi; k++) {
      const i = order[k] * 3
      const x = src[i]
      const y = src[i + 1]
      const z = src[i + 2]
      if (x < min0) min0 = x
      if (x > max0) max0 = x
      if (y < min1) min1 = y
      if (y > max1) max1 = y
      if (z < min2) min2 = z
      if (z > max2) max2 = z
    }
    const sx = max0 - min0
    const sy = max1 - min1
    const sz = max2 - min2
    const axis = sx >= sy && sx >= sz ? 0 : sy >= sz ? 1 : 2
    const mid = (lo + hi) >> 1
    select(src, order, axis, lo, hi - 1, mid)
    this.axis[node] = axis
    this.split[node] = src[order[mid] * 3 + axis]
    this.build(src, 2 * node + 1, lo, mid)
    this.build(src, 2 * node + 2, mid, hi)
  }

  /**
   * The nearest point to (x, y, z): O(log N) expected for well-spread clouds. Ties between equal
   * distances go to whichever point the search meets first. Returns index −1 for an empty tree.
   */
  nearest(x: number, y: number, z: number): Neighbour {
    this.query(x, y, z, Infinity, -1)
    return { index: this.bestAt < 0 ? -1 : this.order[this.bestAt], distanceSquared: this.best }
  }

  /** Squared distance from (x, y, z) to its nearest point (Infinity for an empty tree). */
  nearestDistanceSquared(x: number, y: number, z: number): number {
    this.query(x, y, z, Infinity, -1)
    return this.best
  }

  /**
   * The k nearest points, nearest first (all points when k ≥ N). O(k log N + k²) per query; meant
   * for small k.
   */
  kNearest(x: number, y: number, z: number, k: number): Neighbour[] {
    const m = Math.min(Math.max(0, Math.floor(k)), this.size)
    if (m === 0) return []
    const at = new Int32Array(m)
    const d = new Float64Array(m).fill(Infinity)
    this.knn(0, 0, this.size, x, y, z, at, d)
    return Array.from(at, (a, i) => ({ index: this.order[a], distanceSquared: d[i] }))
  }

  /**
   * Σ over the points of `other` of the squared distance to their nearest point in this tree
   * (so `sum / other.size` is a mean). Queries run in `other`'s tree order, each warm-started with
   * the previous answer's distance as its bound — spatially close queries share neighbours, which
   * roughly halves the nodes visited. O(M log N).
   */
  sumNearestDistanceSquared(other: KdTree): number {
    const q = other.xyz
    let sum = 0
    let previous = -1
    for (let k = 0; k < other.size; k++) {
      const x = q[k * 3]
      const y = q[k * 3 + 1]
      const z = q[k * 3 + 2]
      let bound = Infinity
      if (previous >= 0) {
        const dx = this.xyz[previous * 3] - x
        const dy = this.xyz[previous * 3 + 1] - y
        const dz = this.xyz[previous * 3 + 2] - z
        bound = dx * dx + dy * dy + dz * dz
      }
      this.query(x, y, z, bound, previous)
      sum += this.best
      previous = this.bestAt
    }
    return sum
  }

  private query(x: number, y: number, z: number, bound: number, at: number): void {
    this.qx = x
    this.qy = y
    this.qz = z
    this.best = bound
    this.bestAt = at
    this.off.fill(0)
    if (this.size > 0) this.search(0, 0, this.size, 0)
  }

  /**
   * Depth-first search with the incremental cell distance of Arya & Mount (1993): `cell` is a lower
   * bound on the squared distance from the query to any point in this node, `off` its per-axis
   * parts; a far child is visited only when its bound beats the best distance so far.
   */
  private search(node: number, lo: number, hi: number, cell: number): void {
    if (hi - lo <= leafSize) {
      const p = this.xyz
      const x = this.qx
      const y = this.qy
      const z = this.qz
      let best = this.best
      let bestAt = this.bestAt
      for (let k = lo; k < hi; k++) {
        const dx = p[k * 3] - x
        const dy = p[k * 3 + 1] - y
        const dz = p[k * 3 + 2] - z
        const d = dx * dx + dy * dy + dz * dz
        if (d < best) {
          best = d
          bestAt = k
        }
      }
      this.best = best
      this.bestAt = bestAt
      return
    }
    const axis = this.axis[node]
    const diff = (axis === 0 ? this.qx : axis === 1 ? this.qy : this.qz) - this.split[node]
    const mid = (lo + hi) >> 1
    const old = this.off[axis]
    const far = cell - old * old + diff * diff
    if (diff < 0) {
      this.search(2 * node + 1, lo, mid, cell)
      if (far < this.best) {
        this.off[axis] = diff
        this.search(2 * node + 2, mid, hi, far)
        this.off[axis] = old
      }
    } else {
      this.search(2 * node + 2, mid, hi, cell)
      if (far < this.best) {
        this.off[axis] = diff
        this.search(2 * node + 1, lo, mid, far)
        this.off[axis] = old
      }
    }
  }

  private knn(
    node: number,
    lo: number,
    hi: number,
    x: number,
    y: number,
    z: number,
    at: Int32Array,
    d: Float64Array
  ): void {
    const m = d.length
    if (hi - lo <= leafSize) {
      const p = this.xyz
      for (let k = lo; k < hi; k++) {
        const dx = p[k * 3] - x
        const dy = p[k * 3 + 1] - y
        const dz = p[k * 3 + 2] - z
        const dist = dx * dx + dy * dy + dz * dz
        if (!(dist < d[m - 1])) continue
        // Insertion into the sorted list of the m best so far.
        let j = m - 1
        while (j > 0 && dist < d[j - 1]) {
          d[j] = d[j - 1]
          at[j] = at[j - 1]
          j--
        }
        d[j] = dist
        at[j] = k
      }
      return
    }
    const axis = this.axis[node]
    const diff = (axis === 0 ? x : axis === 1 ? y : z) - this.split[node]
    const mid = (lo + hi) >> 1
    const near = diff < 0 ? 2 * node + 1 : 2 * node + 2
    const far = diff < 0 ? 2 * node + 2 : 2 * node + 1
    if (diff < 0) this.knn(near, lo, mid, x, y, z, at, d)
    else this.knn(near, mid, hi, x, y, z, at, d)
    if (diff * diff < d[m - 1]) {
      if (diff < 0) this.knn(far, mid, hi, x, y, z, at, d)
      else this.knn(far, lo, mid, x, y, z, at, d)
    }
  }
}

/**
 * Rearranges order[lo..hi] so that order[k] holds the point whose coordinate on `axis` is k-th
 * smallest, with smaller-or-equal ones before and larger-or-equal ones after (Hoare's selection,
 * median-of-three pivot). Expected O(hi − lo).
 */
function select(
  src: Float64Array,
  order: Int32Array,
  axis: number,
  lo: number,
  hi: number,
  k: number
): void {
  const key = (i: number) => src[order[i] * 3 + axis]
  const swap = (i: number, j: number) => {
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  while (hi > lo) {
    const m = (lo + hi) >> 1
    if (key(m) < key(lo)) swap(m, lo)
    if (key(hi) < key(lo)) swap(hi, lo)
    if (key(hi) < key(m)) swap(hi, m)
    const pivot = key(m)
    let i = lo
    let j = hi
    while (i <= j) {
      while (key(i) < pivot) i++
      while (key(j) > pivot) j--
      if (i <= j) {
        swap(i, j)
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}
