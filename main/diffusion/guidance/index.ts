export {
  batchedClassifierFreeGuidance,
  classifierFreeGuidance,
  combineGuidance,
  concatBatch
} from './cfg'
export type { ConditionalDenoiser, GuidanceOptions } from './cfg'
export { classifierGuidance } from './classifier'
export type { ClassifierGradient } from './classifier'
