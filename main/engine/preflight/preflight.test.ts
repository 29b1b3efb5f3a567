import { describe, expect, it } from 'vitest'
import { denoiserManifest, tinyDenoiser } from '../../onnx/testing/tiny-models'
import { estimateSeconds, gflopsPerCall, preflight, type Calibration } from './preflight'

const GB = 1e9
const MiB = 1024 * 1024
/** A manifest whose denoiser weighs `bytes` (fp32), at 64×64 latents, needing `memoryMB`. */
function manifestOf(bytes: number, memoryMB: number) {
  const spec = tinyDenoiser()
  const files = [
    { path: 'unet/model.onnx', size: 1000, sha256: 'a'.repeat(64) },
    { path: 'unet/weights.pb', size: bytes - 1000, sha256: 'b'.repeat(64) }
  ]
  return denoiserManifest('big', files, spec, {
    memoryEstimateMB: memoryMB,
    sample: {
      kind: 'image',
      channels: 4,
      width: 64,
      height: 64,
      latentScale: 1,
      pixelRange: [-1, 1],
      vaeScale: 1,
      sizeMultiple: 0
    }
  })
}
const calibration: Calibration = {
  provider: 'cpu',
  deviceName: 'Test CPU',
  msPerGflop: 2,
  overheadMs: 5,
  measuredAt: '2025-01-01T00:00:00Z'
}

describe('preflight', () => {
  it('warns in plain words when the disk is too small', () => {
    const result = preflight({
      manifest: manifestOf(3.4 * GB, 100),
      diskNeededBytes: 3.1 * GB,
      freeDiskBytes: 1.2 * GB,
      freeMemoryBytes: 8 * GB,
      memoryBudgetMB: 4096
    })
    expect(result.disk).toEqual({ neededBytes: 3.1 * GB, freeBytes: 1.2 * GB, ok: false })
    expect(result.warnings).toEqual(['This model needs about 3.1 GB of disk; 1.2 GB is free.'])
  })

  it('warns about free memory and about the pool budget separately', () => {
    const result = preflight({
      manifest: manifestOf(3.4 * GB, 6000),
      freeMemoryBytes: 3000 * MiB,
      memoryBudgetMB: 4096
    })
    expect(result.memory).toEqual({ neededMB: 6000, freeMB: 3000, budgetMB: 4096, ok: false })
    expect(result.warnings[0]).toBe(
      'This model needs about 6.3 GB of memory; 3.1 GB is free now. Close other programs, or the run may fail with out-of-memory.'
    )
    expect(result.warnings[1]).toMatch(/more than the 4.3 GB memory budget in Settings/)
    const fits = preflight({
      manifest: manifestOf(1 * GB, 1500),
      freeMemoryBytes: 16 * GB,
      memoryBudgetMB: 4096
    })
    expect(fits.warnings).toEqual([])
    expect(fits.memory.ok).toBe(true)
  })

  it('estimates time from the calibration and the model size', () => {
    // 3.44e9 bytes fp32 = 860 M parameters; 64×64 positions at share 1/8: 2·860e6·4096/8 ≈ 880 GFLOP.
    const manifest = manifestOf(3.44 * GB, 100)
    const gflops = gflopsPerCall(manifest, { batch: 2 })
    expect(gflops).toBeCloseTo((2 * 860e6 * 4096 * 2) / 8 / 1e9, 6)
    expect(estimateSeconds(calibration, 10, 100)).toBeCloseTo((100 * (10 * 2 + 5)) / 1000, 9)
    const result = preflight({
      manifest,
      freeMemoryBytes: 8 * GB,
      memoryBudgetMB: 4096,
      steps: 30,
      batch: 2,
      calibration
    })
    expect(result.time!.calls).toBe(30)
    expect(result.time!.perCallMs).toBeCloseTo(gflops * 2 + 5, 6)
    expect(result.warnings).toEqual([]) // 30 · 3.5 s = 105 s: no warning under ten minutes
    const slow = preflight({
      manifest,
      freeMemoryBytes: 8 * GB,
      memoryBudgetMB: 4096,
      steps: 200,
      batch: 2,
      calibration
    })
    expect(slow.warnings[0]).toMatch(
      /^On Test CPU this will take about 12 minutes \(200 model calls of about 3.5 s each\)/
    )
  })

  it('a flat conv stack matches the figure architecture.md quotes (60 GFLOP)', () => {
    // 8 conv3×3 of 320 channels at 64×64: params = 8·320·320·9; with share 1 the formula is exact.
    const params = 8 * 320 * 320 * 9
    const manifest = manifestOf(params * 4, 100)
    expect(gflopsPerCall(manifest, { share: 1 })).toBeCloseTo(60.4, 1)
  })
})
