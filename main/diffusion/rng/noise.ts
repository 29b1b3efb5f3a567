// Seeded, batch-size-independent Gaussian noise from Philox4x32-10 (see README.md beside this file).
//
// Key:     (k0, k1) = the seed as an unsigned 64-bit integer, low word first.
// Counter: (c0, c1, c2, c3) = (j, k, b, 0) for NoiseSource draws:
//   b = batch element (stream), k = how many draws stream b has made before this one,
//   j = block index inside this draw; element e of sample b uses block j = floor(e / 4),
//   normal e mod 4 of that block (order in normal.ts).
// (c3 = 1 is the scalar stream of stream.ts; other c3 values are free for future domains.)
// Each stream keeps its own draw counter k, so sample b's noise depends only on (seed, b, k, e):
// it is identical whether it is drawn in a batch of 1 or 8.

import { philox4x32Into } from './philox'
import { boxMuller4 } from './normal'
import type { NoiseSource, Tensor } from '../types'

/** The two key words of a seed (number: a safe integer; negative values wrap as two's complement). */
export function seedKey(seed: number | bigint): [number, number] {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer or a bigint, got ${seed}`)
  }
  const s = BigInt.asUintN(64, BigInt(seed))
  return [Number(s & 0xffffffffn), Number(s >> 32n)]
}

/** Writes `count` normals of draw `draw` of stream `stream` to out[offset..]; see the header. */
export function fillNormals(
  key: readonly [number, number],
  stream: number,
  draw: number,
  out: Float64Array,
  offset: number,
  count: number
): void {
  const words = new Uint32Array(4)
  const end = offset + count
  for (let j = 0, o = offset; o < end; j++, o += 4) {
    philox4x32Into(j, draw, stream, 0, key[0], key[1], words)
    boxMuller4(words, 0, out, o, end)
  }
}

/** The normals of one draw of one stream, computed directly (what `createNoise` gives sample b at draw k). */
export function normalsAt(
  seed: number | bigint,
  stream: number,
  draw: number,
  count: number
): Float64Array {
  const out = new Float64Array(count)
  fillNormals(seedKey(seed), stream, draw, out, 0, count)
  return out
}

export interface SeededNoise extends NoiseSource {
  /** Number of draws stream b has made so far. */
  drawsOf(stream: number): number
}

/** Seeded noise: batch element b uses stream b, whose draw counter advances with every randn call. */
export function createNoise(seed: number | bigint): SeededNoise {
  const key = seedKey(seed)
  const draws: number[] = []
  return {
    randn(shape: readonly number[]): Tensor {
      if (shape.length === 0) throw new RangeError('randn needs a batch dimension')
      let size = 1
      for (const d of shape) size *= d
      const batch = shape[0]
      const per = batch === 0 ? 0 : size / batch
      const data = new Float64Array(size)
      for (let b = 0; b < batch; b++) {
        const k = draws[b] ?? 0
        if (k > 0xffffffff) throw new RangeError('noise stream exhausted')
        draws[b] = k + 1
        fillNormals(key, b, k, data, b * per, per)
      }
      return { shape: [...shape], data }
    },
    drawsOf(stream: number): number {
      return draws[stream] ?? 0
    }
  }
}
