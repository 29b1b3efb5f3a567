import { describe, expect, it } from 'vitest'
import { alphasCumprod, betasOf, polynomialAlphasCumprod } from './betas'

describe("EDM's polynomial schedule", () => {
  it('matches polynomial_schedule(1000, s=1e-5, power=2) of the EDM code (values from numpy)', () => {
    const abar = polynomialAlphasCumprod(1001, 2, 1e-5)
    expect(abar.length).toBe(1001)
    expect(abar[0]).toBeCloseTo(0.9999899999999999, 14)
    expect(abar[1]).toBeCloseTo(0.9999880000409999, 14)
    expect(abar[500]).toBeCloseTo(0.5624987499999999, 14)
    expect(abar[999] / 1.3995921079980781e-5).toBeCloseTo(1, 10)
    expect(abar[1000] / 1.0003995921079982e-5).toBeCloseTo(1, 10)
    // Through betas and back, as the discrete schedule builds it.
    const again = alphasCumprod(
      betasOf({ kind: 'polynomial', steps: 1001, power: 2, precision: 1e-5 })
    )
    for (const t of [0, 1, 500, 1000]) expect(again[t] / abar[t]).toBeCloseTo(1, 12)
  })
})
