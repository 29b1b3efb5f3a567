import { describe, expect, it } from 'vitest'
import {
  coverageAndMmd,
  distanceMatrix,
  evaluatePointCloudSets,
  oneNearestNeighbourAccuracy,
  selfDistanceMatrix
} from './set-metrics'
import type { Progress } from './set-metrics'
import { bruteChamfer, exactEmd, syntheticCloud } from './testing/oracles'

describe('coverageAndMmd', () => {
  it('follows PointFlow’s lgan_mmd_cov on a hand-made matrix', () => {
    // 3 generated (rows) × 4 reference (columns).
    const m = [
      [0.1, 0.5, 0.9, 0.7],
      [0.2, 0.3, 0.8, 0.6],
      [0.4, 0.4, 0.05, 0.9]
    ].flat()
    const r = coverageAndMmd(m, 3, 4)
    // Nearest reference of each generated cloud: 0, 0, 2 → 2 of 4 covered.
    expect(r.coverage).toBe(0.5)
    // Per reference, nearest generated: 0.1, 0.3, 0.05, 0.6.
    expect(r.mmd).toBeCloseTo((0.1 + 0.3 + 0.05 + 0.6) / 4, 15)
    expect(r.mmdGenerated).toBeCloseTo((0.1 + 0.2 + 0.05) / 3, 15)
    expect(() => coverageAndMmd(m, 4, 4)).toThrow(/4×4/)
  })

  it('sends ties to the lowest reference index', () => {
    expect(coverageAndMmd([1, 1, 1, 1], 2, 2).coverage).toBe(0.5)
  })
})

describe('oneNearestNeighbourAccuracy', () => {
  const union = (d: (i: number, j: number) => number, n: number) =>
    Array.from({ length: n * n }, (_, k) => d(Math.floor(k / n), k % n))

  it('is 1 for well-separated sets and 0 for a set that copies the reference', () => {
    // Reference at 0, 1, 2; generated at 100, 101, 102.
    const x = [0, 1, 2, 100, 101, 102]
    const separated = oneNearestNeighbourAccuracy(
      union((i, j) => Math.abs(x[i] - x[j]), 6),
      3,
      3
    )
    expect(separated).toEqual({ accuracy: 1, reference: 1, generated: 1 })
    // Generated clouds are copies of the reference: each one's nearest is its twin.
    const y = [0, 10, 20, 0, 10, 20]
    expect(
      oneNearestNeighbourAccuracy(
        union((i, j) => Math.abs(y[i] - y[j]), 6),
        3,
        3
      )
    ).toEqual({
      accuracy: 0,
      reference: 0,
      generated: 0
    })
  })

  it('counts each side separately (acc_t, acc_f) and ignores the diagonal', () => {
    // Reference at 0, 4; generated at 1, 9, 10. Nearest others: 0→1 (g), 4→1 (g), 1→0 (r),
    // 9→10 (g), 10→9 (g). Right: none of the reference, 2 of 3 generated.
    const x = [0, 4, 1, 9, 10]
    const d = union((i, j) => (i === j ? -5 : Math.abs(x[i] - x[j])), 5)
    expect(oneNearestNeighbourAccuracy(d, 2, 3)).toEqual({
      accuracy: 2 / 5,
      reference: 0,
      generated: 2 / 3
    })
  })
})

describe('distance matrices and evaluatePointCloudSets', () => {
  const reference = [0, 1, 2, 3].map((s) => syntheticCloud(40, s, s % 2 ? 'torus' : 'sphere'))
  const generated = [4, 5, 6].map((s) => syntheticCloud(40, s, s % 2 ? 'box' : 'torus'))

  it('computes CD and EMD matrices that match the oracles', async () => {
    const cd = await selfDistanceMatrix(reference, 'cd')
    const emd = await distanceMatrix(generated, reference, 'emd')
    for (let i = 0; i < 4; i++) {
      expect(cd[i * 4 + i]).toBe(0)
      for (let j = 0; j < 4; j++) {
        expect(cd[i * 4 + j]).toBeCloseTo(bruteChamfer(reference[i], reference[j]), 12)
        expect(cd[i * 4 + j]).toBe(cd[j * 4 + i])
      }
    }
    for (let g = 0; g < 3; g++) {
      for (let r = 0; r < 4; r++) {
        const exact = exactEmd(generated[g], reference[r])
        expect(emd[g * 4 + r]).toBeGreaterThanOrEqual(exact - 1e-12)
        expect(emd[g * 4 + r]).toBeLessThanOrEqual(exact + 1e-3)
      }
    }
  })

  it('returns MMD, COV and 1-NNA for both distances from one union matrix each', async () => {
    const seen: Progress[] = []
    const result = await evaluatePointCloudSets(generated, reference, {
      onProgress: (p) => seen.push(p)
    })
    expect(result.generated).toBe(3)
    expect(result.reference).toBe(4)
    expect(seen.at(-1)).toEqual({ distance: 'emd', done: 42, total: 42 })
    expect(seen.some((p) => p.distance === 'cd')).toBe(true)
    for (const key of ['cd', 'emd'] as const) {
      const metrics = result[key]!
      const union = metrics.matrix
      expect(union.length).toBe(49)
      const gr = Array.from({ length: 12 }, (_, k) => union[(4 + Math.floor(k / 4)) * 7 + (k % 4)])
      const { mmd, coverage } = coverageAndMmd(gr, 3, 4)
      expect(metrics.mmd).toBe(mmd)
      expect(metrics.coverage).toBe(coverage)
      expect(metrics.oneNna).toEqual(oneNearestNeighbourAccuracy(union, 4, 3))
    }
    // The CD block agrees with a direct matrix.
    const direct = await distanceMatrix(generated, reference, 'cd')
    expect(result.cd!.matrix[4 * 7 + 1]).toBeCloseTo(direct[1], 12)
  })

  it('evaluates only the distances asked for', async () => {
    const result = await evaluatePointCloudSets(generated, reference, { distances: ['cd'] })
    expect(result.emd).toBeUndefined()
    const both = await evaluatePointCloudSets(generated, reference)
    expect(result.cd).toEqual(both.cd)
  })

  it('stops when aborted and refuses bad input', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(
      evaluatePointCloudSets(generated, reference, { signal: controller.signal })
    ).rejects.toThrow('stop')
    await expect(evaluatePointCloudSets([], reference)).rejects.toThrow(/0 generated/)
    await expect(
      evaluatePointCloudSets([syntheticCloud(10, 1)], reference, { distances: ['emd'] })
    ).rejects.toThrow(/equal size: cloud 0 has 40 points, cloud 4 has 10/)
    // CD takes clouds of any size.
    const ok = await evaluatePointCloudSets([syntheticCloud(10, 1)], reference, {
      distances: ['cd']
    })
    expect(ok.cd?.coverage).toBe(0.25)
  })
})
