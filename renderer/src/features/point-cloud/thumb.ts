// The picture of a point-cloud output for the history and the grid (drawn by the shared renderer).
import { loadBytes } from '../../lib/three/load'
import type { ThumbScene } from '../../lib/three/thumbs'
import { readCloud } from './cloud'
import { PointsView } from './points-view'

export async function cloudThumb(url: string, path: string): Promise<ThumbScene> {
  const cloud = await readCloud(await loadBytes(url), path)
  const view = new PointsView()
  view.setCloud(cloud)
  view.colorMode = cloud.colors ? 'rgb' : 'height'
  view.size = 8
  return { object: view.object, positions: cloud.positions }
}
