// The stochastic samplers of the toolbox (σ-space, k-diffusion convention; see ../../types.ts).

import type { SamplerInfo } from '../../types'
import { analyticDdpm } from './analytic-dpm'
import { ddpm } from './ddpm'
import { dpm2Ancestral } from './dpm2-ancestral'
import { dpmpp2mSde } from './dpmpp-2m-sde'
import { dpmpp2sAncestral } from './dpmpp-2s-ancestral'
import { dpmpp3mSde } from './dpmpp-3m-sde'
import { dpmppSde } from './dpmpp-sde'
import { eulerAncestral } from './euler-ancestral'
import { langevin } from './langevin'
import { pcVe, pcVp } from './predictor-corrector'

export const stochasticSamplers: readonly SamplerInfo[] = [
  ddpm,
  eulerAncestral,
  dpm2Ancestral,
  dpmpp2sAncestral,
  dpmpp2mSde,
  dpmpp3mSde,
  dpmppSde,
  pcVe,
  pcVp,
  langevin,
  analyticDdpm
]

export {
  analyticVariance,
  createAnalyticSampler,
  decodeGamma,
  encodeGamma,
  estimateGamma,
  interpolateGamma
} from './analytic-dpm'
export type { AnalyticVariant, GammaEstimate } from './analytic-dpm'
export { ddpmStepVariance } from './ddpm'
export type { DdpmVariance } from './ddpm'
