// Frees what a three.js object tree holds on the GPU: geometries, materials and their textures.
import type { Material, Object3D, Texture } from 'three'

function disposeMaterial(material: Material): void {
  for (const value of Object.values(material)) {
    if (value && typeof value === 'object' && (value as Texture).isTexture)
      (value as Texture).dispose()
  }
  material.dispose()
}

/** Disposes every geometry, material and texture under `root` (each once) and detaches it. */
export function disposeObject(root: Object3D): void {
  const seen = new Set<unknown>()
  root.traverse((node) => {
    const { geometry, material } = node as Object3D & {
      geometry?: { dispose(): void }
      material?: Material | Material[]
    }
    if (geometry && !seen.has(geometry)) {
      seen.add(geometry)
      geometry.dispose()
    }
    for (const m of Array.isArray(material) ? material : material ? [material] : []) {
      if (seen.has(m)) continue
      seen.add(m)
      disposeMaterial(m)
    }
    const instanced = node as Object3D & { isInstancedMesh?: boolean; dispose?: () => void }
    if (instanced.isInstancedMesh) instanced.dispose?.()
  })
  root.removeFromParent()
}
