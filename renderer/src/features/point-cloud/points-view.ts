// A point cloud as three.js draws it: round points (a disc texture, alpha-tested) sized relative to the
// cloud's extent, coloured by the file's RGB, by height, or one colour. Positions can be swapped in
// place for trajectory frames and live previews without rebuilding anything.
import {
  BufferAttribute,
  BufferGeometry,
  DataTexture,
  Points,
  PointsMaterial,
  RGBAFormat,
  SRGBColorSpace
} from 'three'
import { boundsOf } from '../../lib/three/bounds'
import { heightColors, srgbToLinear, type PointCloud } from './cloud'

export type ColorMode = 'rgb' | 'height' | 'flat'

/** A soft-edged white disc, 32 px, for round points. */
function discTexture(): DataTexture {
  const n = 32
  const data = new Uint8Array(n * n * 4)
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const d = Math.hypot(x + 0.5 - n / 2, y + 0.5 - n / 2) / (n / 2)
      const a = d <= 0.85 ? 255 : d >= 1 ? 0 : Math.round((255 * (1 - d)) / 0.15)
      data.set([255, 255, 255, a], 4 * (y * n + x))
    }
  const texture = new DataTexture(data, n, n, RGBAFormat)
  texture.colorSpace = SRGBColorSpace
  texture.needsUpdate = true
  return texture
}

const flat = [0x8f, 0x7c, 0xff].map((c) => srgbToLinear(c / 255))

export class PointsView {
  readonly object: Points
  readonly #geometry = new BufferGeometry()
  readonly #material: PointsMaterial
  #rgb: Float32Array | null = null
  #mode: ColorMode = 'height'
  #size = 3
  #radius = 1

  constructor() {
    this.#material = new PointsMaterial({
      size: 0.02,
      vertexColors: true,
      map: discTexture(),
      alphaTest: 0.5,
      sizeAttenuation: true
    })
    this.object = new Points(this.#geometry, this.#material)
    this.object.frustumCulled = false
  }

  /** Shows a cloud (its RGB kept for the 'rgb' colour mode). */
  setCloud(cloud: PointCloud): void {
    this.#rgb = cloud.colors
    this.setPositions(cloud.positions, true)
  }

  get hasRgb(): boolean {
    return this.#rgb !== null
  }

  /**
   * New positions (a trajectory frame, a preview). The size scale follows the extent only when
   * `rescale`, so points do not swell and shrink while noise settles.
   */
  setPositions(positions: Float32Array, rescale = false): void {
    const count = Math.floor(positions.length / 3)
    let attribute = this.#geometry.getAttribute('position') as BufferAttribute | undefined
    if (!attribute || attribute.count !== count) {
      attribute = new BufferAttribute(new Float32Array(3 * count), 3)
      this.#geometry.setAttribute('position', attribute)
      this.#geometry.setAttribute('color', new BufferAttribute(new Float32Array(3 * count), 3))
    }
    ;(attribute.array as Float32Array).set(positions.subarray(0, 3 * count))
    attribute.needsUpdate = true
    this.#geometry.computeBoundingSphere()
    if (rescale) this.#radius = boundsOf(positions).radius
    this.#paint()
    this.#applySize()
  }

  set colorMode(mode: ColorMode) {
    this.#mode = mode
    this.#paint()
  }

  get colorMode(): ColorMode {
    return this.#mode
  }

  /**
   * Point size, 1–10. three.js draws a point of world size s at s·(height/2)/depth pixels (no
   * field-of-view factor), so 2 % of the cloud's radius per unit is about 1.3 px per unit on a
   * 470 px view of the whole cloud.
   */
  set size(value: number) {
    this.#size = value
    this.#applySize()
  }

  #applySize(): void {
    this.#material.size = this.#size * this.#radius * 0.02
  }

  #paint(): void {
    const position = this.#geometry.getAttribute('position') as BufferAttribute | undefined
    const color = this.#geometry.getAttribute('color') as BufferAttribute | undefined
    if (!position || !color) return
    const out = color.array as Float32Array
    const rgb = this.#rgb
    if (this.#mode === 'rgb' && rgb && rgb.length === out.length) out.set(rgb)
    else if (this.#mode === 'flat') for (let i = 0; i < out.length; i += 3) out.set(flat, i)
    else heightColors(position.array as Float32Array, 1, out)
    color.needsUpdate = true
  }
}
