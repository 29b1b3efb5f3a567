// Consistency-model multistep sampling (Song et al. 2023, "Consistency models", Alg. 1; Luo et al.
// 2023, "Latent consistency models", Alg. 1 inference): jump to the model's x0 estimate D(x; σ_i),
// then re-noise to the next level with fresh noise from options.noise:
//   x_{i+1} = D + sqrt(σ_{i+1}² − σ_min²)·z   (x = D on the last step, σ_{i+1} = 0).
// σ_min = 0 (default) is LCM's plain re-noise to σ_{i+1}; CM Alg. 1 uses its ε = 0.002.
// The consistency function's own boundary scalings (c_skip, c_out) belong in the denoiser adapter.

import type { Sampler, SamplerInfo, SamplerParam } from '../../types'
import { denoiseChecked, numberParam, reportStep, start } from './common'

const params: readonly SamplerParam[] = [
  {
    name: 'sigma_min',
    description: 'Smallest σ of the model (CM: 0.002; LCM: 0)',
    default: 0,
    min: 0
  }
]

export const sampleLcm: Sampler = async (denoise, x0, sigmas, options) => {
  const sigmaMin = numberParam(params, options.extra, 'sigma_min')
  const shape = x0.shape
  let x = start(x0, sigmas)
  for (let i = 0; i + 1 < sigmas.length; i++) {
    const den = await denoiseChecked(denoise, x, shape, sigmas[i], options.signal)
    const next = den.slice()
    const sigmaNext = sigmas[i + 1]
    if (sigmaNext > sigmaMin) {
      const z = options.noise.randn(shape).data
      const k = Math.sqrt(sigmaNext * sigmaNext - sigmaMin * sigmaMin)
      for (let j = 0; j < next.length; j++) next[j] += k * z[j]
    }
    x = next
    reportStep(options, shape, i, sigmas, x, den)
  }
  return { shape, data: x }
}

export const lcm: SamplerInfo = {
  name: 'lcm',
  label: 'LCM / consistency (multistep)',
  description:
    'Few-step sampler for consistency/LCM models: denoise, then re-noise with fresh noise.',
  order: 1,
  callsPerStep: 1,
  stochastic: true,
  reference: 'Song et al. 2023 (Consistency Models), Alg. 1; Luo et al. 2023 (LCM)',
  params,
  sample: sampleLcm
}
