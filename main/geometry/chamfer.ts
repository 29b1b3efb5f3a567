// Chamfer distance between two point clouds, in the convention PointFlow (Yang et al. 2019,
// metrics/evaluation_metrics.py `distChamfer` + `EMD_CD`) and LION (Zeng et al. 2022) report.
import { KdTree } from './kdtree'
import { pointCount } from './points'
import type { PointCloud } from './points'

/**
 * CD(A, B) = (1/|A|) Σ_{a∈A} min_{b∈B} ‖a − b‖² + (1/|B|) Σ_{b∈B} min_{a∈A} ‖a − b‖²:
 * the mean of squared nearest-neighbour distances in each direction, summed (not halved, no
 * square root). Squared units of the clouds. Clouds may differ in size. O((N + M) log(N + M)) with
 * k-d trees (≈ 1–5 ms for two clouds of 2048 points, trees included; more when the clouds are
 * far apart, as each query's neighbourhood then holds more candidates).
 * @throws RangeError for an empty cloud, a length that is not a multiple of 3, or a non-finite
 *   coordinate.
 */
export function chamferDistance(a: PointCloud, b: PointCloud): number {
  if (pointCount(a) === 0 || pointCount(b) === 0) {
    throw new RangeError('the Chamfer distance needs two non-empty point clouds')
  }
  return chamferDistanceOfTrees(new KdTree(a), new KdTree(b))
}

/**
 * `chamferDistance` for clouds already indexed: build each cloud's tree once and reuse it across
 * the pairs of a distance matrix. Same definition and units.
 * @throws RangeError for an empty tree.
 */
export function chamferDistanceOfTrees(a: KdTree, b: KdTree): number {
  if (a.size === 0 || b.size === 0) {
    throw new RangeError('the Chamfer distance needs two non-empty point clouds')
  }
  return b.sumNearestDistanceSquared(a) / a.size + a.sumNearestDistanceSquared(b) / b.size
}
