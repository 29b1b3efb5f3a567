// Scalar Philox4x32-10 stream, for tests and small draws.
// Key = seed (as in noise.ts); counter = (n mod 2^32, floor(n / 2^32), stream, 1), n = block number.
// Words come out in block order w0, w1, w2, w3, then the next block.
// nextNormal() takes two words (a, b) and returns z_cos(a, b), keeping z_sin(a, b) for the next call.

import { philox4x32Into } from './philox'
import { boxMullerPair } from './normal'
import { seedKey } from './noise'

export interface PhiloxStream {
  /** Next uint32 word. */
  nextUint32(): number
  /** Uniform in [0, 1) with 53 random bits: ((a >>> 5)·2^26 + (b >>> 6)) / 2^53 from two words. */
  nextUniform(): number
  /** Standard normal (Box–Muller, see normal.ts). */
  nextNormal(): number
}

export function createStream(seed: number | bigint, stream = 0): PhiloxStream {
  const [k0, k1] = seedKey(seed)
  const words = new Uint32Array(4)
  let block = 0
  let pos = 4
  let spare: number | undefined
  const nextUint32 = (): number => {
    if (pos === 4) {
      philox4x32Into(block % 0x100000000, Math.floor(block / 0x100000000), stream, 1, k0, k1, words)
      block++
      pos = 0
    }
    return words[pos++]
  }
  return {
    nextUint32,
    nextUniform() {
      const a = nextUint32() >>> 5
      const b = nextUint32() >>> 6
      return (a * 67108864 + b) / 9007199254740992
    },
    nextNormal() {
      if (spare !== undefined) {
        const z = spare
        spare = undefined
        return z
      }
      const [c, s] = boxMullerPair(nextUint32(), nextUint32())
      spare = s
      return c
    }
  }
}
