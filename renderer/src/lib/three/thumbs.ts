// Small still pictures of 3D results (history rows, the grid of samples) drawn by ONE shared WebGL
// renderer on an offscreen canvas and handed out as PNG data URLs: a grid of 64 molecules costs one
// WebGL context, not 64 (browsers keep about 16 and drop the oldest). Requests run one at a time;
// pictures are cached by key. A lost context is replaced on the next request.
import {
  AmbientLight,
  DirectionalLight,
  type Object3D,
  PerspectiveCamera,
  Scene,
  Vector3,
  WebGLRenderer
} from 'three'
import { boundsOf, fitDistance } from './bounds'
import { disposeObject } from './dispose'
import { viewerStats } from './viewer'

export interface ThumbScene {
  readonly object: Object3D
  /** The points to frame (interleaved xyz). */
  readonly positions: Float32Array
}

const side = 192
const cacheLimit = 400
const viewDirection = new Vector3(0.55, 0.45, 1).normalize()

let renderer: WebGLRenderer | null = null
let queue: Promise<unknown> = Promise.resolve()
const cache = new Map<string, string>()

function ensureRenderer(): WebGLRenderer {
  if (renderer) return renderer
  const canvas = document.createElement('canvas')
  canvas.width = side
  canvas.height = side
  const made = new WebGLRenderer({
    canvas,
    antialias: true,
    alpha: true,
    preserveDrawingBuffer: true
  })
  made.setSize(side, side, false)
  made.setClearColor(0x000000, 0)
  canvas.addEventListener('webglcontextlost', () => {
    if (renderer === made) {
      renderer = null
      viewerStats.thumbRenderers--
    }
  })
  renderer = made
  viewerStats.thumbRenderers++
  return made
}

function draw(scene: ThumbScene): string {
  const r = ensureRenderer()
  const world = new Scene()
  const camera = new PerspectiveCamera(35, 1, 0.01, 1000)
  const light = new DirectionalLight(0xffffff, 2.2)
  light.position.set(1, 1, 2)
  camera.add(light)
  world.add(camera, new AmbientLight(0xffffff, 0.9), scene.object)
  const { center, radius } = boundsOf(scene.positions)
  const target = new Vector3(...center)
  const distance = fitDistance(radius, camera.fov, 1, 1.05)
  camera.position.copy(target).addScaledVector(viewDirection, distance)
  camera.near = Math.max(1e-3, distance - 2 * radius)
  camera.far = distance + 4 * radius
  camera.lookAt(target)
  camera.updateProjectionMatrix()
  try {
    r.render(world, camera)
    return r.domElement.toDataURL('image/png')
  } finally {
    disposeObject(scene.object)
  }
}

/**
 * A picture of the scene `build` makes, as a data URL; the same key answers from the cache without
 * building anything. Resolves '' when WebGL is not available.
 */
export function thumbnail(
  key: string,
  build: () => ThumbScene | Promise<ThumbScene>
): Promise<string> {
  const hit = cache.get(key)
  if (hit !== undefined) return Promise.resolve(hit)
  const job = queue.then(async () => {
    const again = cache.get(key)
    if (again !== undefined) return again
    let url = ''
    try {
      url = draw(await build())
    } catch (error) {
      console.warn('thumbnail failed:', error)
      return ''
    }
    cache.set(key, url)
    if (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string)
    return url
  })
  queue = job.catch(() => undefined)
  return job
}
