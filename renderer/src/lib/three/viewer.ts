// One interactive three.js view: a WebGL renderer on its own canvas inside a container, a perspective
// camera with OrbitControls (orbit: left drag; pan: right drag or Shift; zoom: wheel), a headlight,
// optional axes and bounding box, a turntable, fit-to-view and PNG screenshots. Frames are drawn on
// demand (a change, damping, the turntable), not in a free-running loop. `dispose()` frees everything,
// including the WebGL context, so switching tasks or jobs never piles contexts up (browsers keep
// about 16). `viewerStats` counts live viewers and thumbnail renderers for the end-to-end tests.
import {
  AmbientLight,
  AxesHelper,
  Box3,
  Box3Helper,
  Color,
  DirectionalLight,
  type Intersection,
  type Object3D,
  PerspectiveCamera,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer
} from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import { boundsOf, fitDistance, type Bounds } from './bounds'
import { disposeObject } from './dispose'

export const viewerStats = { live: 0, created: 0, disposed: 0, thumbRenderers: 0 }
// Visible to end-to-end tests (and devtools): no leaked viewers after switching tasks.
Object.assign(globalThis, { __studioThree: viewerStats })

export interface ViewerOptions {
  /** Vertical field of view, degrees. */
  readonly fov?: number
}

/** A 3/4 view from the front right, slightly above: where fit-to-view puts the camera. */
const viewDirection = new Vector3(0.55, 0.45, 1).normalize()

export class Viewer3D {
  readonly renderer: WebGLRenderer
  readonly scene = new Scene()
  readonly camera: PerspectiveCamera
  readonly controls: OrbitControls
  readonly canvas: HTMLCanvasElement
  #content: Object3D | null = null
  #bounds: Bounds = boundsOf(new Float32Array(0))
  #axes: AxesHelper | null = null
  #box: Box3Helper | null = null
  #frame = 0
  #turntable = false
  #resize: ResizeObserver
  #disposed = false
  #moved = false
  /** Called after every frame drawn (e.g. to place labels over atoms). */
  onRender: (() => void) | null = null

  /** @throws Error when WebGL cannot start (the caller shows why). */
  constructor(container: HTMLElement, options: ViewerOptions = {}) {
    this.renderer = new WebGLRenderer({ antialias: true, alpha: true })
    viewerStats.created++
    viewerStats.live++
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1))
    this.renderer.setClearColor(new Color(0x000000), 0)
    this.canvas = this.renderer.domElement
    this.canvas.classList.add('three-canvas')
    container.appendChild(this.canvas)
    this.camera = new PerspectiveCamera(options.fov ?? 35, 1, 0.01, 1000)
    this.camera.position.copy(viewDirection).multiplyScalar(4)
    // A headlight that follows the camera, plus soft ambient light: shapes read from any side.
    const light = new DirectionalLight(0xffffff, 2.2)
    light.position.set(1, 1, 2)
    this.camera.add(light)
    this.scene.add(this.camera, new AmbientLight(0xffffff, 0.9))
    this.controls = new OrbitControls(this.camera, this.canvas)
    this.controls.enableDamping = true
    this.controls.dampingFactor = 0.12
    this.controls.autoRotateSpeed = 3
    this.controls.addEventListener('change', this.requestRender)
    this.controls.addEventListener('start', this.#onStart)
    this.#resize = new ResizeObserver(() => this.#fitCanvas(container))
    this.#resize.observe(container)
    this.#fitCanvas(container)
  }

  #onStart = (): void => {
    this.#moved = true
    this.requestRender()
  }

  /**
   * Shows new points of what is on screen: a new `sample` (or `follow` while the user has not moved the
   * view) refits to them; otherwise the view stays where the user left it. `pad` (world units) grows
   * the bounds, for things drawn around the points (atoms' spheres).
   */
  track(positions: Float32Array, fresh: boolean, follow: boolean, pad = 0): void {
    if (fresh) this.#moved = false
    if (fresh || (follow && !this.#moved)) {
      this.setBounds(positions, pad)
      this.fit()
    }
    this.requestRender()
  }

  get bounds(): Bounds {
    return this.#bounds
  }

  get content(): Object3D | null {
    return this.#content
  }

  /** Shows `object` in place of the previous content, which is disposed. */
  setContent(object: Object3D | null, positions?: Float32Array, fit = true): void {
    if (this.#content && this.#content !== object) disposeObject(this.#content)
    this.#content = object
    if (object) this.scene.add(object)
    if (positions) this.setBounds(positions)
    if (fit) this.fit()
    this.requestRender()
  }

  /** The extent that fit-to-view and the bounding box use, grown by `pad` on every side. */
  setBounds(positions: Float32Array, pad = 0): void {
    const b = boundsOf(positions)
    this.#bounds = pad
      ? {
          ...b,
          min: [b.min[0] - pad, b.min[1] - pad, b.min[2] - pad],
          max: [b.max[0] + pad, b.max[1] + pad, b.max[2] + pad],
          radius: b.radius + pad
        }
      : b
    if (this.#box) this.#updateBox()
  }

  /** Frames the content from the standard 3/4 view. */
  fit = (): void => {
    const { center, radius } = this.#bounds
    const target = new Vector3(...center)
    const distance = fitDistance(radius, this.camera.fov, this.camera.aspect || 1)
    this.controls.target.copy(target)
    this.camera.position.copy(target).addScaledVector(viewDirection, distance)
    this.camera.near = Math.max(distance / 1000, distance - radius * 4, 1e-3)
    this.camera.far = distance + radius * 8
    this.camera.updateProjectionMatrix()
    this.controls.update()
    this.requestRender()
  }

  get turntable(): boolean {
    return this.#turntable
  }

  set turntable(on: boolean) {
    this.#turntable = on
    this.controls.autoRotate = on
    this.requestRender()
  }

  /** Axes at the origin (x red, y green, z blue) and the content's bounding box. */
  setHelpers(axes: boolean, box: boolean): void {
    if (axes && !this.#axes) {
      this.#axes = new AxesHelper(1)
      this.scene.add(this.#axes)
    } else if (!axes && this.#axes) {
      disposeObject(this.#axes)
      this.#axes = null
    }
    if (this.#axes) this.#axes.scale.setScalar(this.#bounds.radius * 1.2)
    if (box && !this.#box) {
      this.#box = new Box3Helper(new Box3(), 0x8f7cff)
      this.scene.add(this.#box)
    } else if (!box && this.#box) {
      disposeObject(this.#box)
      this.#box = null
    }
    if (this.#box) this.#updateBox()
    this.requestRender()
  }

  #updateBox(): void {
    const { min, max } = this.#bounds
    this.#box?.box.set(new Vector3(...min), new Vector3(...max))
  }

  /** Draws one frame soon (coalesced into the next animation frame). */
  requestRender = (): void => {
    if (this.#disposed || this.#frame) return
    this.#frame = requestAnimationFrame(this.#draw)
  }

  /** Draws now (for screenshots and tests). */
  renderNow(): void {
    if (this.#disposed) return
    this.renderer.render(this.scene, this.camera)
    this.onRender?.()
  }

  #draw = (): void => {
    this.#frame = 0
    if (this.#disposed) return
    // update() applies damping and the turntable; it reports whether the view is still moving.
    const moving = this.controls.update()
    this.renderNow()
    if (moving || this.#turntable) this.requestRender()
  }

  #fitCanvas(container: HTMLElement): void {
    const width = Math.max(1, container.clientWidth)
    const height = Math.max(1, container.clientHeight)
    this.renderer.setSize(width, height, false)
    this.camera.aspect = width / height
    this.camera.updateProjectionMatrix()
    this.requestRender()
  }

  /** A PNG of the view as it is now, at the canvas's resolution. */
  screenshot(): Promise<Blob> {
    this.renderNow()
    return new Promise((resolve, reject) =>
      this.canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('no image'))),
        'image/png'
      )
    )
  }

  /** Where a world point appears, in CSS pixels from the canvas's top-left corner (z > 1: behind). */
  project(x: number, y: number, z: number): { x: number; y: number; z: number } {
    const v = new Vector3(x, y, z).project(this.camera)
    return {
      x: ((v.x + 1) / 2) * this.canvas.clientWidth,
      y: ((1 - v.y) / 2) * this.canvas.clientHeight,
      z: v.z
    }
  }

  /** What lies under a point of the canvas (client coordinates), nearest first. */
  pick(clientX: number, clientY: number, objects: Object3D[]): Intersection[] {
    const rect = this.canvas.getBoundingClientRect()
    const ndc = new Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1
    )
    const ray = new Raycaster()
    ray.setFromCamera(ndc, this.camera)
    return ray.intersectObjects(objects, false)
  }

  dispose(): void {
    if (this.#disposed) return
    this.#disposed = true
    if (this.#frame) cancelAnimationFrame(this.#frame)
    this.#resize.disconnect()
    this.controls.removeEventListener('change', this.requestRender)
    this.controls.removeEventListener('start', this.#onStart)
    this.controls.dispose()
    disposeObject(this.scene)
    this.renderer.dispose()
    this.renderer.forceContextLoss()
    this.canvas.remove()
    this.onRender = null
    viewerStats.live--
    viewerStats.disposed++
  }
}
