// Binary WebSocket frames: a message whose values include bytes (a preview) travels as
//   [u32 big-endian header length][header: UTF-8 JSON][the byte arrays, back to back]
// where each Uint8Array in the message is replaced in the header by {"$bytes": [offset, length]}.
// Messages without bytes travel as text frames (plain JSON). Pure TypeScript: both ends use it.

interface BytesRef {
  readonly $bytes: readonly [number, number]
}

const isBytesRef = (v: unknown): v is BytesRef =>
  typeof v === 'object' &&
  v !== null &&
  Array.isArray((v as BytesRef).$bytes) &&
  (v as BytesRef).$bytes.length === 2 &&
  Object.keys(v).length === 1

/** The HTTP content type of an answer sent as a binary frame (a verb whose result holds bytes). */
export const frameContentType = 'application/vnd.diffusion-studio.frame'

/** Whether a message holds any byte arrays (then it goes as a binary frame). */
export function hasBytes(value: unknown): boolean {
  if (value instanceof Uint8Array) return true
  if (Array.isArray(value)) return value.some(hasBytes)
  if (value && typeof value === 'object') return Object.values(value).some(hasBytes)
  return false
}

/** Encodes a message with byte arrays as one binary frame. */
export function encodeFrame(value: unknown): Uint8Array {
  const parts: Uint8Array[] = []
  let offset = 0
  const header = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) {
      const ref: BytesRef = { $bytes: [offset, v.byteLength] }
      parts.push(v)
      offset += v.byteLength
      return ref
    }
    // JSON.stringify turns a Buffer into {type, data} before the replacer sees it as bytes.
    if (
      v &&
      typeof v === 'object' &&
      (v as { type?: unknown }).type === 'Buffer' &&
      Array.isArray((v as { data?: unknown }).data)
    ) {
      const bytes = Uint8Array.from((v as { data: number[] }).data)
      const ref: BytesRef = { $bytes: [offset, bytes.byteLength] }
      parts.push(bytes)
      offset += bytes.byteLength
      return ref
    }
    return v
  })
  const head = new TextEncoder().encode(header)
  const frame = new Uint8Array(4 + head.byteLength + offset)
  new DataView(frame.buffer).setUint32(0, head.byteLength)
  frame.set(head, 4)
  let at = 4 + head.byteLength
  for (const part of parts) {
    frame.set(part, at)
    at += part.byteLength
  }
  return frame
}

/**
 * Decodes a binary frame back into the message, with byte arrays restored (as views into the frame).
 * @throws RangeError for a frame whose header or byte ranges do not fit.
 */
export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new RangeError('frame too short')
  const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0)
  if (4 + length > frame.byteLength) throw new RangeError('frame header overruns the frame')
  const body = frame.subarray(4 + length)
  const header = new TextDecoder().decode(frame.subarray(4, 4 + length))
  return JSON.parse(header, (_key, v: unknown) => {
    if (!isBytesRef(v)) return v
    const [start, size] = v.$bytes
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(size) ||
      start < 0 ||
      size < 0 ||
      start + size > body.byteLength
    ) {
      throw new RangeError('frame byte range out of bounds')
    }
    return body.subarray(start, start + size)
  })
}
