export { createDenoiser, vpInputScale } from './adapter'
export type { DenoiserSpec, ModelFn } from './adapter'
export { modelTime, sigmaOfTimestep, vpTimeOfSigma } from './timestep'
export type { TimestepMap } from './timestep'
