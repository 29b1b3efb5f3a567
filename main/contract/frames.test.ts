import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame, hasBytes } from './frames'

describe('binary frames', () => {
  it('round-trips a message with several byte arrays', () => {
    const message = {
      type: 'step',
      i: 3,
      preview: {
        kind: 'image',
        width: 2,
        height: 1,
        rgba: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])
      },
      more: [new Uint8Array([9]), { deep: new Uint8Array(0) }]
    }
    expect(hasBytes(message)).toBe(true)
    expect(hasBytes({ a: [1, { b: 'x' }] })).toBe(false)
    const back = decodeFrame(encodeFrame(message)) as typeof message
    expect(back.i).toBe(3)
    expect(Array.from(back.preview.rgba)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(Array.from(back.more[0] as Uint8Array)).toEqual([9])
    expect((back.more[1] as { deep: Uint8Array }).deep.byteLength).toBe(0)
  })

  it('treats Node Buffers as bytes', () => {
    const back = decodeFrame(encodeFrame({ b: Buffer.from([7, 8]) })) as { b: Uint8Array }
    expect(back.b).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.b)).toEqual([7, 8])
  })

  it('refuses frames whose header or ranges do not fit', () => {
    expect(() => decodeFrame(new Uint8Array([0, 0]))).toThrow(RangeError)
    expect(() => decodeFrame(new Uint8Array([0, 0, 0, 99, 1]))).toThrow(/overruns/)
    const header = new TextEncoder().encode('{"x":{"$bytes":[0,10]}}')
    const frame = new Uint8Array(4 + header.length + 2)
    new DataView(frame.buffer).setUint32(0, header.length)
    frame.set(header, 4)
    expect(() => decodeFrame(frame)).toThrow(/out of bounds/)
  })
})
