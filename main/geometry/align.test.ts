import { describe, expect, it } from 'vitest'
import { alignedRmsd, applySuperposition, conformerCoverage, rmsd, superpose } from './align'
import { syntheticCloud } from './testing/oracles'

/** The rotation matrix of a unit quaternion, for building test cases. */
function rotation(w: number, x: number, y: number, z: number): number[] {
  const n = Math.hypot(w, x, y, z)
  ;[w, x, y, z] = [w / n, x / n, y / n, z / n]
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]
  ].flat()
}

function transform(p: ArrayLike<number>, r: number[], t: number[]): Float64Array {
  const out = new Float64Array(p.length)
  for (let i = 0; i < p.length; i += 3) {
    for (let d = 0; d < 3; d++) {
      out[i + d] = r[d * 3] * p[i] + r[d * 3 + 1] * p[i + 1] + r[d * 3 + 2] * p[i + 2] + t[d]
    }
  }
  return out
}

function det3(r: ArrayLike<number>): number {
  return (
    r[0] * (r[4] * r[8] - r[5] * r[7]) -
    r[1] * (r[3] * r[8] - r[5] * r[6]) +
    r[2] * (r[3] * r[7] - r[4] * r[6])
  )
}

describe('superpose (Horn quaternion method)', () => {
  it('recovers a known rigid motion exactly', () => {
    const p = Float64Array.from(syntheticCloud(30, 3, 'box'))
    for (const q of [
      [1, 0, 0, 0],
      [0.3, -0.5, 0.8, 0.1],
      [0, 1, 0, 0], // 180° about x
      [0, 0.6, 0.8, 0] // 180° about a tilted axis
    ]) {
      const r = rotation(q[0], q[1], q[2], q[3])
      const target = transform(p, r, [1.5, -2, 0.25])
      const fit = superpose(p, target)
      expect(fit.rmsd).toBeLessThan(1e-12)
      fit.rotation.forEach((v, i) => expect(v).toBeCloseTo(r[i], 12))
      expect(fit.translation[0]).toBeCloseTo(1.5, 12)
      expect(Array.from(applySuperposition(p, fit))).toEqual(
        Array.from(target).map((v) => expect.closeTo(v, 5))
      )
    }
  })

  it('agrees with an SVD Kabsch (numpy) on a noisy example', () => {
    const p = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 1, 1]
    const q = [0.1, 0.2, -0.1, 0.3, 1.1, 0, -1.8, 0.4, 0.2, 0.2, -0.1, 3.1, -0.9, 1.2, 1.0]
    // numpy: U, S, Vt = svd(Pcᵀ Qc); R = Vt.T diag(1, 1, det) U.T.
    const want = [
      0.11713212310876327, -0.9925703433960639, 0.032926875749940215, 0.9912712790463933,
      0.11483014999401893, -0.06477104283611133, 0.060508818148760066, 0.04022623600300706,
      0.9973567731074315
    ]
    const fit = superpose(p, q)
    fit.rotation.forEach((v, i) => expect(v).toBeCloseTo(want[i], 13))
    expect(fit.rmsd).toBeCloseTo(0.1383122697976629, 14)
  })

  it('never reflects: a mirror image gets a proper rotation and a positive RMSD', () => {
    const p = [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 1, 1]
    const mirror = p.map((v, i) => (i % 3 === 0 ? -v : v))
    const fit = superpose(p, mirror)
    expect(det3(fit.rotation)).toBeCloseTo(1, 14)
    expect(fit.rmsd).toBeCloseTo(0.9251961955008007, 13) // numpy Kabsch with the sign fix
  })

  it('is robust for planar, collinear and coincident sets', () => {
    const planar = [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0]
    const r = rotation(0.2, 0.4, -0.7, 0.5)
    const fitPlanar = superpose(planar, transform(planar, r, [0, 0, 0]))
    expect(fitPlanar.rmsd).toBeLessThan(1e-12)
    const line = [0, 0, 0, 1, 0, 0, 2, 0, 0]
    const fitLine = superpose(line, transform(line, r, [3, 3, 3]))
    expect(fitLine.rmsd).toBeLessThan(1e-12)
    expect(det3(fitLine.rotation)).toBeCloseTo(1, 12)
    const point = superpose([1, 2, 3], [4, 5, 6])
    expect(point.rmsd).toBe(0)
  })

  it('minimises the weighted RMSD; zero weights leave points out', () => {
    const p = Float64Array.from(syntheticCloud(20, 5))
    const noisy = transform(p, rotation(0.9, 0.1, 0.3, 0.2), [0, 1, 0]).map(
      (v, i) => v + Math.sin(i * 12.9898) * 0.05
    )
    const best = superpose(p, noisy).rmsd
    for (let k = 0; k < 20; k++) {
      const jitter = rotation(1, 0.01 * Math.sin(k), 0.01 * Math.cos(k), 0.01)
      const fit = superpose(p, noisy)
      const moved = applySuperposition(transform(p, jitter, [0, 0, 0]), fit)
      expect(rmsd(moved, noisy)).toBeGreaterThanOrEqual(best - 1e-9)
    }
    // With weight only on the first 3 points (non-collinear), those fit; the outlier is ignored.
    const outlier = Float64Array.from(transform(p, rotation(0.5, 0.5, 0.5, 0.5), [1, 2, 3]))
    outlier[9 * 3] += 10
    const w = Array.from({ length: 20 }, (_, i) => (i === 9 ? 0 : 1))
    expect(superpose(p, outlier, w).rmsd).toBeLessThan(1e-12)
    expect(alignedRmsd(p, outlier)).toBeGreaterThan(1)
  })

  it('refuses mismatched sets and bad weights', () => {
    expect(() => superpose([0, 0, 0], [0, 0, 0, 1, 1, 1])).toThrow(/1 and 2/)
    expect(() => superpose([0, 0, 0], [0, 0, 0], [1, 2])).toThrow(/expected 1 weights/)
    expect(() => superpose([0, 0, 0], [0, 0, 0], [-1])).toThrow(/w ≥ 0/)
    expect(() => superpose([0, 0, 0], [0, 0, 0], [0])).toThrow(/sum to zero/)
  })
})

describe('rmsd and conformerCoverage', () => {
  it('computes plain RMSD', () => {
    expect(rmsd([0, 0, 0, 0, 0, 0], [3, 4, 0, 0, 0, 0])).toBeCloseTo(Math.sqrt(25 / 2), 15)
  })

  it('computes COV-R/MAT-R/COV-P/MAT-P (GeoDiff) from an RMSD matrix', () => {
    // 2 generated × 3 reference.
    const m = [0.2, 0.9, 1.4, 0.6, 0.4, 2.0]
    const c = conformerCoverage(m, 2, 3, 0.5)
    expect(c.coverageRecall).toBeCloseTo(2 / 3, 15) // minima 0.2, 0.4, 1.4
    expect(c.matchingRecall).toBeCloseTo((0.2 + 0.4 + 1.4) / 3, 15)
    expect(c.coveragePrecision).toBe(1) // minima 0.2, 0.4
    expect(c.matchingPrecision).toBeCloseTo(0.3, 15)
    expect(() => conformerCoverage(m, 3, 3, 0.5)).toThrow(/3×3/)
  })
})
