import { describe, expect, it } from 'vitest'
import { calibrate, convStack } from './calibrate'

describe('calibrate', () => {
  it("knows the benchmark graph's work exactly", () => {
    expect(convStack(8, 320, 64).gflops).toBeCloseTo(60.4, 1)
    expect(convStack(4, 64, 64).gflops).toBeCloseTo((2 * 4 * 64 * 64 * 9 * 64 * 64) / 1e9, 9)
  })

  it('measures the CPU provider on a small stack', async () => {
    const result = await calibrate('cpu', 'Test CPU', {
      layers: 2,
      channels: 16,
      size: 32,
      runs: 3,
      cpuThreads: 1
    })
    expect(result).toMatchObject({ provider: 'cpu', deviceName: 'Test CPU' })
    expect(result.msPerGflop).toBeGreaterThan(0)
    expect(result.overheadMs).toBeGreaterThanOrEqual(0)
  })
})
