import { describe, expect, it } from 'vitest'
import { formatMetric, metricRows, metricsLine } from './metrics'

describe('batch metrics: one unit each, for the window and the CLI', () => {
  it('orders known metrics first, shares as percentages, with the published figure where there is one', () => {
    const rows = metricRows({ zeta: 2, novelty: 0.5, validity: 0.9234, 'MMD-CD': 0.0123456 })
    expect(rows.map((r) => r.name)).toEqual(['validity', 'novelty', 'MMD-CD', 'zeta'])
    expect(rows[0]).toMatchObject({
      label: 'Valid (largest fragment, EDM)',
      value: '92.3 %',
      unit: 'share'
    })
    expect(rows[0].reference?.value).toBe('91.9 %')
    expect(rows[1].reference?.value).toBe('58.0 %')
    expect(rows[2]).toMatchObject({ value: '0.01235', unit: 'distance' })
    expect(rows[2].reference).toBeUndefined()
    expect(rows[3]).toMatchObject({ label: 'zeta', value: '2', about: '' })
  })

  it("the molecule pipeline's own names: every share a percentage, every EDM figure beside it", () => {
    const batch = {
      'whole-molecule validity': 0.125,
      validity: 0.5,
      uniqueness: 1,
      novelty: 0.75,
      'atom stability': 0.589,
      'molecule stability': 0.125,
      molecules: 8
    }
    const rows = metricRows(batch)
    expect(rows.map((r) => [r.label, r.value, r.reference?.value])).toEqual([
      ['Valid (whole molecule)', '12.5 %', undefined],
      ['Valid (largest fragment, EDM)', '50.0 %', '91.9 %'],
      ['Unique', '100.0 %', '98.7 %'],
      ['Novel', '75.0 %', '58.0 %'],
      ['Atom stability', '58.9 %', '98.7 %'],
      ['Molecule stability', '12.5 %', '82.0 %'],
      ['Molecules', '8', undefined]
    ])
    // The CLI prints the same units (it printed "uniqueness: 1" beside "validity: 0.500").
    expect(metricsLine(batch)).toBe(
      'whole-molecule validity: 12.5 %, validity: 50.0 %, uniqueness: 100.0 %, novelty: 75.0 %, atom stability: 58.9 %, ' +
        'molecule stability: 12.5 %, molecules: 8'
    )
  })

  it("shape figures are published per class: LION's 1-NNA for chairs, none for mugs", () => {
    const batch = { '1-NNA-CD': 0.898, 'COV-CD': 0.25, 'MMD-CD': 0.004, 'reference shapes': 8 }
    expect(metricRows(batch, 'chair')[0].reference).toEqual({
      value: '53.7 %',
      source: 'LION on ShapeNet chairs (Zeng et al. 2022)'
    })
    expect(metricRows(batch, 'mug')[0].reference).toBeUndefined()
    expect(metricRows(batch).map((r) => r.value)).toEqual(['89.8 %', '25.0 %', '0.004', '8'])
  })

  it('shows out-of-range and non-finite values as they are', () => {
    expect(formatMetric('validity', 1.5)).toBe('1.5')
    expect(formatMetric('uniqueness', NaN)).toBe('NaN')
    expect(formatMetric('MMD-EMD', 0.00001)).toBe('1.000e-5')
    expect(metricRows(undefined)).toEqual([])
  })
})
