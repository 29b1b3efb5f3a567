import { describe, expect, it } from 'vitest'
import { runSamplerBench } from './samplers-bench'

describe('runSamplerBench (tiny configuration)', () => {
  it('returns rows, overhead and a markdown table; Euler error drops with NFE', async () => {
    const result = await runSamplerBench({
      nfes: [2, 16],
      problems: ['2d'],
      samples: 300,
      projections: 16,
      referenceSteps: 64,
      samplers: ['euler', 'heun', 'euler-ancestral', 'analytic-ddpm'],
      overheadSteps: 3,
      overheadRepeats: 1,
      overheadShape: [1, 4, 8, 8]
    })
    const euler = result.rows.filter((r) => r.sampler === 'euler')
    expect(euler.map((r) => r.nfe)).toEqual([2, 16])
    expect(euler.map((r) => r.calls)).toEqual([2, 16])
    expect(euler[1].sw).toBeLessThan(0.5 * euler[0].sw)
    // heun: 1 step at NFE 2 (Euler to 0: 1 call), 8 steps at 16 (2·8 − 1 = 15 calls)
    expect(result.rows.filter((r) => r.sampler === 'heun').map((r) => r.calls)).toEqual([1, 15])
    expect(result.rows.every((r) => Number.isFinite(r.sw) && r.sw >= 0)).toBe(true)
    expect(result.overhead.map((o) => o.sampler)).toEqual([
      'euler',
      'heun',
      'euler-ancestral',
      'analytic-ddpm'
    ])
    expect(result.overhead.every((o) => o.msPerStep >= 0)).toBe(true)
    expect(result.reference).toHaveLength(1)
    expect(result.reference[0].floor).toBeGreaterThan(0)
    const md = result.markdown
    expect(md).toContain('| Sampler | NFE 2 | 16 |')
    expect(md).toContain('| euler | ')
    expect(md).toContain('| euler-ancestral* | ')
    expect(md).toContain('| analytic-ddpm*† | ')
    expect(md).toContain('### Sampler overhead per step ([1, 4, 8, 8]')
    expect(md).toContain('**Target:**')
  })
})
