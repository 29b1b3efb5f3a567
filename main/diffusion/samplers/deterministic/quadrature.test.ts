import { describe, expect, it } from 'vitest'
import {
  gaussLegendre,
  integrate,
  lagrangeCoefficientsLogSigma,
  lagrangeCoefficientsSigma
} from './quadrature'

describe('Gauss–Legendre', () => {
  it('has the textbook 2- and 3-point rules', () => {
    const two = gaussLegendre(2)
    expect(Math.abs(two.x[0])).toBeCloseTo(1 / Math.sqrt(3), 15)
    expect(two.w[0]).toBeCloseTo(1, 15)
    const three = gaussLegendre(3)
    const nodes = Array.from(three.x).sort((a, b) => a - b)
    ;[-Math.sqrt(0.6), 0, Math.sqrt(0.6)].forEach((v, i) => expect(nodes[i]).toBeCloseTo(v, 14))
    expect(Array.from(three.w).reduce((a, b) => a + b)).toBeCloseTo(2, 14)
  })

  it('integrates polynomials of degree 2n − 1 exactly and not degree 2n', () => {
    for (const n of [1, 2, 4, 8]) {
      const k = 2 * n - 1
      expect(integrate((u) => u ** k + u ** (k - 1), 0, 2, n)).toBeCloseTo(
        2 ** (k + 1) / (k + 1) + 2 ** k / k,
        10
      )
      expect(
        Math.abs(integrate((u) => u ** (k + 1), 0, 2, n) - 2 ** (k + 2) / (k + 2))
      ).toBeGreaterThan(1e-6)
    }
  })
})

describe('multistep coefficients', () => {
  it('Lagrange-in-σ weights reproduce Adams–Bashforth on a uniform grid', () => {
    // nodes newest first at σ = 3, 4, 5, 6, stepping 3 → 2 (h = −1): AB4 weights (55, −59, 37, −9)/24 · h
    const c = lagrangeCoefficientsSigma([3, 4, 5, 6], 3, 2)
    ;[55, -59, 37, -9].forEach((v, j) => expect(c[j]).toBeCloseTo(-v / 24, 14))
    expect(lagrangeCoefficientsSigma([5], 5, 4.5)).toEqual([-0.5])
  })

  it('Lagrange-in-ln σ weights sum to the step and integrate ln σ exactly', () => {
    const nodes = [2, 3, 5]
    const c = lagrangeCoefficientsLogSigma(nodes, 2, 1.5)
    expect(c[0] + c[1] + c[2]).toBeCloseTo(-0.5, 14)
    const exact = (s: number) => s * Math.log(s) - s // ∫ ln σ dσ
    const viaWeights = c.reduce((a, cj, j) => a + cj * Math.log(nodes[j]), 0)
    expect(viaWeights).toBeCloseTo(exact(1.5) - exact(2), 13)
  })
})
