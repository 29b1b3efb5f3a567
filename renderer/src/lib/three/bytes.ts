/** `count` float32 little-endian values from bytes (a preview's xyz), whatever the bytes' alignment. */
export function float32LE(bytes: Uint8Array, count = Math.floor(bytes.length / 4)): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Float32Array(count)
  for (let k = 0; k < count; k++) out[k] = view.getFloat32(4 * k, true)
  return out
}
