// Philox4x32-10 counter-based generator: Salmon, Moraes, Dror & Shaw, "Parallel random numbers:
// as easy as 1, 2, 3" (SC'11), §4.2 and the Random123 reference code.
//
// Block function, all words uint32 and all arithmetic mod 2^32:
//   state (c0, c1, c2, c3) = counter, key (k0, k1)
//   repeat R = 10 times (the key is bumped between rounds, i.e. R - 1 times):
//     (hi0, lo0) = M0 · c0  as a 64-bit product,  M0 = 0xD2511F53
//     (hi1, lo1) = M1 · c2,                       M1 = 0xCD9E8D57
//     (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
//     (k0, k1) += (W0, W1) = (0x9E3779B9, 0xBB67AE85)
//   output = (c0, c1, c2, c3)
// The high word of the 32×32 product is formed exactly from 16-bit partial products (see mulhi);
// the low word is Math.imul.

const M0 = 0xd2511f53
const M1 = 0xcd9e8d57
const W0 = 0x9e3779b9
const W1 = 0xbb67ae85
const M0_LO = M0 & 0xffff
const M0_HI = M0 >>> 16
const M1_LO = M1 & 0xffff
const M1_HI = M1 >>> 16

/**
 * High 32 bits of a · m for uint32 a and the constant m = mHi·2^16 + mLo, from four 16×16-bit partial
 * products (each below 2^32, so every intermediate is an exact integer):
 *   a·m = aH·mHi·2^32 + (aH·mLo + aL·mHi)·2^16 + aL·mLo.
 */
function mulhi(a: number, mHi: number, mLo: number): number {
  const aL = a & 0xffff
  const aH = a >>> 16
  const p1 = aH * mLo
  const p2 = aL * mHi
  const mid = ((aL * mLo) >>> 16) + (p1 & 0xffff) + (p2 & 0xffff)
  return (aH * mHi + (p1 >>> 16) + (p2 >>> 16) + (mid >>> 16)) >>> 0
}

/**
 * Philox4x32-R block: writes the 4 output words of (counter c0..c3, key k0,k1) to out[offset..offset+3].
 * R = 10 is the standard generator; other R only exist for the published 7-round test vectors.
 */
export function philox4x32Into(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  offset = 0,
  rounds = 10
): void {
  c0 >>>= 0
  c1 >>>= 0
  c2 >>>= 0
  c3 >>>= 0
  k0 >>>= 0
  k1 >>>= 0
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0
      k1 = (k1 + W1) >>> 0
    }
    const hi0 = mulhi(c0, M0_HI, M0_LO)
    const lo0 = Math.imul(c0, M0) >>> 0
    const hi1 = mulhi(c2, M1_HI, M1_LO)
    const lo1 = Math.imul(c2, M1) >>> 0
    c0 = (hi1 ^ c1 ^ k0) >>> 0
    c1 = lo1
    c2 = (hi0 ^ c3 ^ k1) >>> 0
    c3 = lo0
  }
  out[offset] = c0
  out[offset + 1] = c1
  out[offset + 2] = c2
  out[offset + 3] = c3
}

/** Philox4x32-R of one counter/key pair: counter [4] and key [2] uint32 words → [4] words. */
export function philox4x32(
  counter: readonly number[],
  key: readonly number[],
  rounds = 10
): [number, number, number, number] {
  const out = new Uint32Array(4)
  philox4x32Into(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out, 0, rounds)
  return [out[0], out[1], out[2], out[3]]
}
