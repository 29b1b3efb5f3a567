import type { SamplerInfo } from './types'
import { deterministicSamplers } from './samplers/deterministic'
import { stochasticSamplers } from './samplers/stochastic'

/**
 * Fewest steps for clean results, measured on the starter model by `npm run bench:steps` (docs/
 * benchmarks.md, "Steps per sampler": high-frequency energy within [0.8, 1.25] of DPM-Solver++(2M) at
 * 50 steps, over 8 seeds). Samplers not listed were clean at the ladder's first rung (5 steps). The
 * default is the larger of the minimum and 20 (the UI's usual count).
 */
const measuredMinSteps: Readonly<Record<string, number>> = {
  heun: 20,
  'heun-churn': 30,
  dpm2: 15,
  ipndm: 15,
  'dpm-solver-2': 15,
  'dpm-solver-3': 10,
  'dpmpp-2m': 10,
  'dpmpp-3m': 20,
  'unipc-bh1': 15,
  'unipc-bh2': 15,
  deis: 10,
  'dpm2-ancestral': 50,
  'dpmpp-2m-sde': 20,
  'dpmpp-3m-sde': 100,
  'pc-ve': 75,
  'pc-vp': 100,
  langevin: 500,
  'analytic-ddpm': 10
}

function withSteps(info: SamplerInfo): SamplerInfo {
  const min = measuredMinSteps[info.name]
  return min ? { ...info, steps: { min, default: Math.max(20, min) } } : info
}

/** Every sampler of the toolbox, by name. The CLI's `samplers` and the UI's picker list this. */
export const samplers: readonly SamplerInfo[] = [
  ...deterministicSamplers,
  ...stochasticSamplers
].map(withSteps)

const byName = new Map(samplers.map((info) => [info.name, info]))

export function findSampler(name: string): SamplerInfo | undefined {
  return byName.get(name)
}

export const samplerNames = (): string[] => samplers.map((info) => info.name)
