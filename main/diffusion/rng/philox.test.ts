import { describe, expect, it } from 'vitest'
import { philox4x32 } from './philox'

// Random123 kat_vectors (philox4x32 lines): counter[4] key[2] → output[4].
const KAT: [number, number[], number[], number[]][] = [
  [7, [0, 0, 0, 0], [0, 0], [0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48]],
  [
    7,
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662]
  ],
  [
    7,
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a]
  ],
  [10, [0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [
    10,
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]
  ],
  [
    10,
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]
  ]
]

/** Straight BigInt transcription of the Random123 round, as an independent reference. */
function philoxBig(ctr: number[], key: number[], rounds: number): number[] {
  const mask = 0xffffffffn
  let [c0, c1, c2, c3] = ctr.map(BigInt)
  let [k0, k1] = key.map(BigInt)
  for (let r = 0; r < rounds; r++) {
    const p0 = 0xd2511f53n * c0
    const p1 = 0xcd9e8d57n * c2
    ;[c0, c1, c2, c3] = [(p1 >> 32n) ^ c1 ^ k0, p1 & mask, (p0 >> 32n) ^ c3 ^ k1, p0 & mask]
    k0 = (k0 + 0x9e3779b9n) & mask
    k1 = (k1 + 0xbb67ae85n) & mask
  }
  return [c0, c1, c2, c3].map(Number)
}

describe('Philox4x32 (Salmon et al. 2011)', () => {
  it.each(KAT)('matches the Random123 known answer, %i rounds, counter %j', (r, ctr, key, want) => {
    expect(philox4x32(ctr, key, r)).toEqual(want)
  })

  it('matches a BigInt reference on words that exercise every carry of the 64-bit product', () => {
    let s = 0x12345678
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0)
    for (let i = 0; i < 300; i++) {
      const ctr = [next(), next(), next(), next()]
      const key = [next(), next()]
      if (i % 3 === 0) ctr[0] = ctr[2] = 0xffffffff
      expect(philox4x32(ctr, key)).toEqual(philoxBig(ctr, key, 10))
    }
  })
})
