import { describe, expect, it } from 'vitest'
import { exactGaussianOutput } from '../../testing/linear-probe'
import { edmSigmas } from '../../testing/run-sampler'
import { sampleLangevin } from './langevin'

// Exact output law on N(μ, s²) (linear probe). ALD is a weak sampler at small budgets: with the
// defaults (ε = σ_L², T = 1) the variance error is about 18% at 200 NFE and 3.7% at 1000 NFE.
describe('annealed Langevin dynamics', () => {
  const mu = 0.5
  const s = 0.7
  const err = async (levels: number, extra: Record<string, number>) => {
    const T = extra.steps ?? 1
    const law = await exactGaussianOutput(
      sampleLangevin,
      mu,
      s,
      edmSigmas(levels),
      extra,
      undefined,
      levels * T + 4
    )
    expect(Math.abs(law.mean - mu)).toBeLessThan(1e-3)
    return Math.abs(law.variance / (s * s) - 1)
  }
  it('converges with the number of levels (defaults): < 0.25 at 200, < 0.05 at 1000', async () => {
    const e200 = await err(200, {})
    const e1000 = await err(1000, {})
    expect(e200).toBeLessThan(0.25)
    expect(e1000).toBeLessThan(0.05)
    expect(e1000 / e200).toBeLessThan(0.3)
  })
  it('with the paper-like small step (ε = 0.2·σ_L²) more moves per level help', async () => {
    const few = await err(100, { eps: 0.2, steps: 2 })
    const many = await err(100, { eps: 0.2, steps: 10 })
    expect(many).toBeLessThan(few)
  })
})
