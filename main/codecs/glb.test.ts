import { describe, expect, it } from 'vitest'
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js'
import type { GLTF } from 'three/examples/jsm/loaders/GLTFLoader.js'
import type { Points } from 'three'
import { srgbToLinear, writeGlb } from './glb'

const points = Float32Array.from([0, 0, 0, 1, 2, 3, -1, 0.5, 0.25, 1e-7, -4, 2])
const colors = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 128, 10, 20, 30])

function parse(glb: Buffer): Promise<GLTF> {
  const data = glb.buffer.slice(glb.byteOffset, glb.byteOffset + glb.byteLength) as ArrayBuffer
  return new Promise((resolve, reject) => new GLTFLoader().parse(data, '', resolve, reject))
}

describe('writeGlb', () => {
  it('follows the GLB layout: header, padded JSON chunk, BIN chunk with the floats', () => {
    const glb = writeGlb({ points, colors }, { recipe: '{"seed":3}' })
    expect(glb.readUInt32LE(0)).toBe(0x46546c67)
    expect(glb.readUInt32LE(4)).toBe(2)
    expect(glb.readUInt32LE(8)).toBe(glb.length)
    const jsonLength = glb.readUInt32LE(12)
    expect(jsonLength % 4).toBe(0)
    expect(glb.readUInt32LE(16)).toBe(0x4e4f534a)
    const json = JSON.parse(glb.toString('utf8', 20, 20 + jsonLength))
    expect(json.asset).toEqual({
      version: '2.0',
      generator: 'Diffusion Studio',
      extras: { recipe: '{"seed":3}' }
    })
    expect(json.meshes[0].primitives[0]).toEqual({
      attributes: { POSITION: 0, COLOR_0: 1 },
      mode: 0,
      material: 0
    })
    expect(json.accessors[0]).toEqual({
      bufferView: 0,
      componentType: 5126,
      count: 4,
      type: 'VEC3',
      min: [-1, -4, 0],
      max: [1, 2, 3]
    })
    const bin = 20 + jsonLength
    expect(glb.readUInt32LE(bin + 4)).toBe(0x004e4942)
    expect(glb.readUInt32LE(bin)).toBe(96)
    const floats = new Float32Array(
      glb.buffer.slice(glb.byteOffset + bin + 8, glb.byteOffset + bin + 8 + 96)
    )
    expect(Array.from(floats.subarray(0, 12))).toEqual(Array.from(points))
    expect(floats[12]).toBe(1)
    expect(floats[20]).toBeCloseTo(srgbToLinear(128), 7)
  })

  it('reads back through three.js’s GLTFLoader as Points with positions, linear colours and the recipe', async () => {
    const gltf = await parse(writeGlb({ points, colors }, { recipe: '猫 "q"', name: 'chair' }))
    expect(gltf.asset.extras).toEqual({ recipe: '猫 "q"' })
    const object = gltf.scene.children[0] as Points
    expect(object.type).toBe('Points')
    expect(object.name).toBe('chair')
    expect(Array.from(object.geometry.getAttribute('position').array)).toEqual(Array.from(points))
    const color = Array.from(object.geometry.getAttribute('color').array)
    expect(color).toEqual(Array.from(colors).map((c) => expect.closeTo(srgbToLinear(c), 6)))
    const plain = await parse(writeGlb({ points }))
    expect((plain.scene.children[0] as Points).geometry.getAttribute('color')).toBeUndefined()
    expect(plain.asset.extras).toBeUndefined()
  })

  it('converts sRGB to linear by IEC 61966-2-1', () => {
    expect(srgbToLinear(0)).toBe(0)
    expect(srgbToLinear(255)).toBe(1)
    expect(srgbToLinear(10)).toBeCloseTo(10 / 255 / 12.92, 15)
    expect(srgbToLinear(128)).toBeCloseTo(0.2158605, 6)
  })

  it('refuses empty and malformed clouds', () => {
    expect(() => writeGlb({ points: new Float32Array(0) })).toThrow(/at least one point/)
    expect(() => writeGlb({ points: new Float32Array(5) })).toThrow(/multiple of 3/)
  })
})

describe('writeGlb of a float64 cloud', () => {
  it('stores offsets from the box centre and the centre as the node translation', async () => {
    const map = Float64Array.from([500000.123, 4600000.457, 12.5, 500010.999, 4600020.001, -3.25])
    const glb = writeGlb({ points: map })
    const json = JSON.parse(glb.toString('utf8', 20, 20 + glb.readUInt32LE(12)))
    expect(json.nodes[0].translation).toEqual([500005.561, 4600010.229, 4.625])
    const gltf = await parse(glb)
    gltf.scene.updateMatrixWorld(true)
    const object = gltf.scene.children[0] as Points
    const position = object.geometry.getAttribute('position')
    for (let i = 0; i < 2; i++) {
      for (let c = 0; c < 3; c++) {
        const world = position.getComponent(i, c) + object.position.getComponent(c)
        // float32 of an offset under 12 m: micrometres, where float32 of the value is half a metre.
        expect(Math.abs(world - map[i * 3 + c])).toBeLessThan(1e-5)
      }
    }
  })
})
