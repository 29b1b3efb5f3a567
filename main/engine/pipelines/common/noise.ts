import { createNoise } from '../../../diffusion/rng'
import type { NoiseSource, Tensor } from '../../../diffusion/types'

/**
 * Noise for a batch where image b has its own seed: element b of every draw comes from stream 0 of
 * `seeds[b]`. So image b of a batch equals a batch-1 run with seed `seeds[b]` (A1111's convention).
 */
export function perImageNoise(seeds: readonly number[]): NoiseSource {
  const sources = seeds.map((seed) => createNoise(seed))
  return {
    randn(shape: readonly number[]): Tensor {
      const [batch, ...rest] = shape
      if (batch !== seeds.length)
        throw new Error(`noise for ${batch} images, ${seeds.length} seeds`)
      const per = rest.reduce((a, b) => a * b, 1)
      const data = new Float64Array(batch * per)
      for (let b = 0; b < batch; b++) data.set(sources[b].randn([1, ...rest]).data, b * per)
      return { shape: [...shape], data }
    }
  }
}
