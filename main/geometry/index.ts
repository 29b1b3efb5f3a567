// Point-cloud geometry and metrics: pure TypeScript, no Node and no packages (.dependency-cruiser.cjs).
// Clouds are Float32Array of interleaved xyz, length 3N (points.ts). Errors are RangeErrors naming
// the limit; callers that take user input check it first and throw StudioErrors.
export {
  boundingBox,
  denormalize,
  farthestPointSample,
  gatherPoints,
  normalizeToUnitBox,
  pointCount,
  randomSubsample
} from './points'
export type { BoundingBox, Normalized, PointCloud, Sample, Vec3 } from './points'
export { seededRandom } from './random'
export { KdTree } from './kdtree'
export type { Neighbour } from './kdtree'
export { chamferDistance, chamferDistanceOfTrees } from './chamfer'
export { earthMoversDistance, emdMatching } from './emd'
export type { EmdMatching, EmdOptions } from './emd'
export {
  coverageAndMmd,
  distanceMatrix,
  evaluatePointCloudSets,
  oneNearestNeighbourAccuracy,
  selfDistanceMatrix
} from './set-metrics'
export type {
  CloudDistance,
  CoverageAndMmd,
  MatrixOptions,
  OneNnAccuracy,
  Progress,
  SetEvaluation,
  SetEvaluationOptions,
  SetMetrics
} from './set-metrics'
export {
  alignedRmsd,
  applySuperposition,
  bestAlignedRmsd,
  conformerCoverage,
  rmsd,
  superpose
} from './align'
export type { ConformerCoverage, Superposition } from './align'
