export { logLikelihood } from './likelihood'
export type { LikelihoodOptions, LikelihoodResult } from './likelihood'
