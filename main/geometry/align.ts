// Optimal superposition of two corresponding point sets (conformers: atom i of one matches atom i
// of the other) and the RMSD after it. The rotation comes from Horn's quaternion method (Horn 1987,
// "Closed-form solution of absolute orientation using unit quaternions", JOSA A 4:629): the unit
// quaternion maximising Σ w_i q_i·(R p_i) is the eigenvector of the largest eigenvalue of a
// symmetric 4×4 matrix built from the cross-covariance — the same optimum as Kabsch's SVD
// (Kabsch 1976), always a proper rotation (det = +1, never a reflection), and robust for planar,
// collinear or coincident sets (any optimal rotation is returned; the RMSD is unique).
import { pointCount } from './points'
import type { Vec3 } from './points'

export interface Superposition {
  /** R, 3×3 row-major: the best-fit pose of `moving` is R·(p − c_moving) + c_target. */
  readonly rotation: Float64Array
  /** t = c_target − R·c_moving, so the fitted point is R·p + t. */
  readonly translation: Vec3
  /** Weighted RMSD after superposition: sqrt(Σ w_i ‖R p_i + t − q_i‖² / Σ w_i). Units of the input. */
  readonly rmsd: number
}

/**
 * The rigid motion (rotation + translation, no scaling or reflection) that best fits `moving` onto
 * `target` in the weighted least-squares sense, and the RMSD after it. Both are interleaved xyz of
 * the same N points in corresponding order; `weights` (length N, ≥ 0, e.g. atomic masses) default
 * to 1. O(N).
 * @throws RangeError for sets of different or zero size, a weight vector of the wrong length, or
 *   weights that are negative, non-finite or all zero.
 */
export function superpose(
  moving: ArrayLike<number>,
  target: ArrayLike<number>,
  weights?: ArrayLike<number>
): Superposition {
  const n = pointCount(moving)
  if (pointCount(target) !== n || n === 0) {
    throw new RangeError(
      `superposition needs two non-empty sets of corresponding points; got ${n} and ${pointCount(target)}`
    )
  }
  if (weights && weights.length !== n) {
    throw new RangeError(`expected ${n} weights, one per point; got ${weights.length}`)
  }
  let wsum = 0
  const cm = [0, 0, 0]
  const ct = [0, 0, 0]
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} is ${w}; use w ≥ 0`)
    wsum += w
    for (let d = 0; d < 3; d++) {
      cm[d] += w * moving[i * 3 + d]
      ct[d] += w * target[i * 3 + d]
    }
  }
  if (!(wsum > 0)) throw new RangeError('the weights sum to zero')
  for (let d = 0; d < 3; d++) {
    cm[d] /= wsum
    ct[d] /= wsum
  }
  // Cross-covariance S_ab = Σ w (p_a − c_a)(q_b − c_b).
  const s = new Float64Array(9)
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1
    for (let a = 0; a < 3; a++) {
      const p = moving[i * 3 + a] - cm[a]
      for (let b = 0; b < 3; b++) s[a * 3 + b] += w * p * (target[i * 3 + b] - ct[b])
    }
  }
  const [xx, xy, xz, yx, yy, yz, zx, zy, zz] = s
  // Horn's N matrix (eq. 4.1 of Horn 1987 with S as above).
  const m = new Float64Array([
    xx + yy + zz, yz - zy, zx - xz, xy - yx,
    yz - zy, xx - yy - zz, xy + yx, zx + xz,
    zx - xz, xy + yx, -xx + yy - zz, yz + zy,
    xy - yx, zx + xz, yz + zy, -xx - yy + zz
  ]) // prettier-ignore
  const q = largestEigenvector4(m)
  const rotation = quaternionToMatrix(q[0], q[1], q[2], q[3])
  const translation: Vec3 = [
    ct[0] - (rotation[0] * cm[0] + rotation[1] * cm[1] + rotation[2] * cm[2]),
    ct[1] - (rotation[3] * cm[0] + rotation[4] * cm[1] + rotation[5] * cm[2]),
    ct[2] - (rotation[6] * cm[0] + rotation[7] * cm[1] + rotation[8] * cm[2])
  ]
  // The RMSD from the fitted coordinates directly (the eigenvalue formula loses digits when the
  // fit is close).
  let sum = 0
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1
    const x = moving[i * 3]
    const y = moving[i * 3 + 1]
    const z = moving[i * 3 + 2]
    for (let d = 0; d < 3; d++) {
      const fitted =
        rotation[d * 3] * x + rotation[d * 3 + 1] * y + rotation[d * 3 + 2] * z + translation[d]
      const e = fitted - target[i * 3 + d]
      sum += w * e * e
    }
  }
  return { rotation, translation, rmsd: Math.sqrt(sum / wsum) }
}

/** `moving` after the superposition: R·p + t for every point, as a new Float32Array. */
export function applySuperposition(moving: ArrayLike<number>, fit: Superposition): Float32Array {
  const r = fit.rotation
  const t = fit.translation
  const out = new Float32Array(moving.length)
  for (let i = 0; i < moving.length; i += 3) {
    const x = moving[i]
    const y = moving[i + 1]
    const z = moving[i + 2]
    out[i] = r[0] * x + r[1] * y + r[2] * z + t[0]
    out[i + 1] = r[3] * x + r[4] * y + r[5] * z + t[1]
    out[i + 2] = r[6] * x + r[7] * y + r[8] * z + t[2]
  }
  return out
}

/**
 * RMSD between corresponding points after optimal superposition (`superpose(…).rmsd`): the
 * conformer metric of GeoDiff / ConfGF, without symmetry (atom permutations are not searched, so
 * it is an upper bound on RDKit's `GetBestRMS` for symmetric molecules).
 */
export function alignedRmsd(
  moving: ArrayLike<number>,
  target: ArrayLike<number>,
  weights?: ArrayLike<number>
): number {
  return superpose(moving, target, weights).rmsd
}

/** RMSD without any superposition: sqrt(mean over points of ‖p_i − q_i‖²). */
export function rmsd(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = pointCount(a)
  if (pointCount(b) !== n || n === 0) {
    throw new RangeError(
      `RMSD needs two non-empty sets of equal size; got ${n} and ${pointCount(b)}`
    )
  }
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2
  return Math.sqrt(sum / n)
}

export interface ConformerCoverage {
  /** COV-R: fraction of reference conformers with some generated one within the threshold. */
  readonly coverageRecall: number
  /** MAT-R: mean over reference conformers of the smallest RMSD to a generated one. */
  readonly matchingRecall: number
  /** COV-P: fraction of generated conformers with some reference one within the threshold. */
  readonly coveragePrecision: number
  /** MAT-P: mean over generated conformers of the smallest RMSD to a reference one. */
  readonly matchingPrecision: number
}

/**
 * Conformer-set metrics (Xu et al. 2021 ConfGF; Xu et al. 2022 GeoDiff, eqs. 18–19) from the
 * |G|×|R| matrix of aligned RMSDs (generated rows, reference columns): coverage counts RMSD ≤
 * `threshold` (GeoDiff: 0.5 Å on GEOM-QM9, 1.25 Å on GEOM-Drugs). O(|G|·|R|).
 * @throws RangeError when the matrix size does not match or a set is empty.
 */
export function conformerCoverage(
  generatedByReference: ArrayLike<number>,
  generated: number,
  reference: number,
  threshold: number
): ConformerCoverage {
  if (generated < 1 || reference < 1 || generatedByReference.length !== generated * reference) {
    throw new RangeError(
      `expected a non-empty ${generated}×${reference} RMSD matrix, got ${generatedByReference.length} values`
    )
  }
  const minRef = new Float64Array(reference).fill(Infinity)
  const minGen = new Float64Array(generated).fill(Infinity)
  for (let g = 0; g < generated; g++) {
    for (let r = 0; r < reference; r++) {
      const v = generatedByReference[g * reference + r]
      if (v < minRef[r]) minRef[r] = v
      if (v < minGen[g]) minGen[g] = v
    }
  }
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length
  const within = (v: Float64Array) => v.reduce((s, x) => s + (x <= threshold ? 1 : 0), 0) / v.length
  return {
    coverageRecall: within(minRef),
    matchingRecall: mean(minRef),
    coveragePrecision: within(minGen),
    matchingPrecision: mean(minGen)
  }
}

/** Rotation matrix (row-major) of the unit quaternion (w, x, y, z). */
function quaternionToMatrix(w: number, x: number, y: number, z: number): Float64Array {
  const norm = Math.hypot(w, x, y, z)
  w /= norm
  x /= norm
  y /= norm
  z /= norm
  return new Float64Array([
    w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z
  ]) // prettier-ignore
}

/**
 * The eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (row-major), by cyclic
 * Jacobi rotations (Golub & Van Loan §8.5): unconditionally convergent, accurate to rounding for
 * repeated eigenvalues too.
 */
function largestEigenvector4(input: Float64Array): Float64Array {
  const a = Float64Array.from(input)
  const v = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
  for (let sweep = 0; sweep < 64; sweep++) {
    let off = 0
    let norm = 0
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        norm += a[i * 4 + j] ** 2
        if (i !== j) off += a[i * 4 + j] ** 2
      }
    }
    if (off <= 1e-30 * norm || off === 0) break
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p * 4 + q]
        if (apq === 0) continue
        const theta = (a[q * 4 + q] - a[p * 4 + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        // A ← Jᵀ A J, V ← V J for the rotation J in the (p, q) plane.
        for (let k = 0; k < 4; k++) {
          const akp = a[k * 4 + p]
          const akq = a[k * 4 + q]
          a[k * 4 + p] = c * akp - s * akq
          a[k * 4 + q] = s * akp + c * akq
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p * 4 + k]
          const aqk = a[q * 4 + k]
          a[p * 4 + k] = c * apk - s * aqk
          a[q * 4 + k] = s * apk + c * aqk
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k * 4 + p]
          const vkq = v[k * 4 + q]
          v[k * 4 + p] = c * vkp - s * vkq
          v[k * 4 + q] = s * vkp + c * vkq
        }
      }
    }
  }
  let best = 0
  for (let i = 1; i < 4; i++) if (a[i * 4 + i] > a[best * 4 + best]) best = i
  return new Float64Array([v[best], v[4 + best], v[8 + best], v[12 + best]])
}

/**
 * The smallest aligned RMSD over atom permutations (RDKit's `GetBestRMS`): `moving` atom perm[i]
 * against `target` atom i, for each `perm` in `permutations` (graph automorphisms, identity
 * included). Both sets interleaved xyz of the same N points. O(N · permutations).
 * @throws RangeError as `superpose`, or for an empty permutation list or one of the wrong length.
 */
export function bestAlignedRmsd(
  moving: ArrayLike<number>,
  target: ArrayLike<number>,
  permutations: readonly ArrayLike<number>[]
): number {
  const n = pointCount(moving)
  if (permutations.length === 0) throw new RangeError('no permutations given (pass the identity)')
  let best = Infinity
  const permuted = new Float64Array(3 * n)
  for (const perm of permutations) {
    if (perm.length !== n) {
      throw new RangeError(`a permutation of ${perm.length} atoms for ${n} points`)
    }
    for (let i = 0; i < n; i++) {
      const j = perm[i]
      permuted[3 * i] = moving[3 * j]
      permuted[3 * i + 1] = moving[3 * j + 1]
      permuted[3 * i + 2] = moving[3 * j + 2]
    }
    best = Math.min(best, superpose(permuted, target).rmsd)
  }
  return best
}
