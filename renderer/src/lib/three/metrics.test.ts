import { describe, expect, it } from 'vitest'
import { metricRows } from './metrics'

describe('metricRows', () => {
  it('orders known metrics first, as percentages with their references', () => {
    const rows = metricRows({ zeta: 2, novelty: 0.5, validity: 0.9234, 'MMD-CD': 0.0123456 })
    expect(rows.map((r) => r.name)).toEqual(['validity', 'novelty', 'MMD-CD', 'zeta'])
    expect(rows[0]).toMatchObject({ label: 'Valid (largest fragment, EDM)', value: '92.3 %' })
    expect(rows[0].reference?.value).toBe('91.9 %')
    expect(rows[2].value).toBe('0.01235')
    expect(rows[3]).toMatchObject({ label: 'zeta', value: '2', about: '' })
  })

  it('shows out-of-range and non-finite values as they are', () => {
    const rows = metricRows({ validity: 1.5, uniqueness: NaN, 'MMD-EMD': 0.00001 })
    expect(rows.map((r) => r.value)).toEqual(['1.5', 'NaN', '1.000e-5'])
    expect(metricRows(undefined)).toEqual([])
  })
})
