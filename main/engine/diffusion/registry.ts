import type { SamplerInfo } from './types'
import { deterministicSamplers } from './samplers/deterministic'
import { stochasticSamplers } from './samplers/stochastic'

/** Every sampler of the toolbox, by name. The CLI's `samplers` and the UI's picker list this. */
export const samplers: readonly SamplerInfo[] = [...deterministicSamplers, ...stochasticSamplers]

const byName = new Map(samplers.map((info) => [info.name, info]))

export function findSampler(name: string): SamplerInfo | undefined {
  return byName.get(name)
}

export const samplerNames = (): string[] => samplers.map((info) => info.name)
