import type { Preview } from './contract'

export type DecodedPreview = { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> }

/** base64 → bytes without Node's Buffer (works in the renderer and in vitest). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * Decodes a step preview (RGBA8, row-major, `width × height × 4` bytes) into what `new ImageData` takes.
 * Throws when the byte count does not match the stated size, rather than drawing garbage.
 */
export function decodePreview(preview: Preview): DecodedPreview {
  const { width, height } = preview
  const bytes = base64ToBytes(preview.rgbaBase64)
  const expected = width * height * 4
  if (bytes.length !== expected) {
    throw new Error(`Preview is ${bytes.length} bytes; ${width}×${height} RGBA needs ${expected}.`)
  }
  return { width, height, data: new Uint8ClampedArray(bytes.buffer) }
}

/** The data: URL an <img> shows for an artifact read with readArtifact. */
export function artifactDataUrl(artifact: { mime: string; dataBase64: string }): string {
  return `data:${artifact.mime};base64,${artifact.dataBase64}`
}
