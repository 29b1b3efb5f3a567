// The deterministic (and few-step) σ-space samplers, in menu order.

import type { SamplerInfo } from '../../types'
import { ddim, ddimInversion } from './ddim'
import { deis } from './deis'
import { dpm2 } from './dpm2'
import { dpmSolver1, dpmSolver2, dpmSolver3 } from './dpm-solver'
import { dpmpp2m, dpmpp2s, dpmpp3m } from './dpmpp'
import { euler } from './euler'
import { heun, heunChurn } from './heun'
import { ipndm } from './ipndm'
import { lcm } from './lcm'
import { lms } from './lms'
import { pndm } from './pndm'
import { rk45 } from './rk45'
import { unipcBh1, unipcBh2 } from './unipc'

export const deterministicSamplers: readonly SamplerInfo[] = [
  euler,
  heun,
  heunChurn,
  dpm2,
  lms,
  ddim,
  ddimInversion,
  pndm,
  ipndm,
  dpmSolver1,
  dpmSolver2,
  dpmSolver3,
  dpmpp2m,
  dpmpp2s,
  dpmpp3m,
  unipcBh1,
  unipcBh2,
  deis,
  rk45,
  lcm
]

export {
  ddim,
  ddimInversion,
  deis,
  dpm2,
  dpmSolver1,
  dpmSolver2,
  dpmSolver3,
  dpmpp2m,
  dpmpp2s,
  dpmpp3m,
  euler,
  heun,
  heunChurn,
  ipndm,
  lcm,
  lms,
  pndm,
  rk45,
  unipcBh1,
  unipcBh2
}
export { eulerStep } from './euler'
export { sampleRk45WithStats } from './rk45'
export type { Rk45Stats } from './rk45'
