// A small seeded generator for sampling point indices. Not the diffusion noise (that is Philox in
// diffusion/rng): geometry only needs reproducible index choices, the same on every machine.

/**
 * Uniform floats in [0, 1) from a 32-bit seed: SplitMix32 mixing of the seed (Steele et al. 2014's
 * finaliser constants, as in MurmurHash3) feeding mulberry32 (T. Ettinger, 2017), 2^32 period.
 * Any safe integer seed works; seeds that differ in any bit give unrelated streams.
 * @throws RangeError for a seed that is not a safe integer.
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`the seed must be an integer; got ${seed}`)
  const low = seed >>> 0
  const high = Math.floor(seed / 2 ** 32) >>> 0
  let state = mix32(low ^ mix32(high + 0x9e3779b9))
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

function mix32(x: number): number {
  let z = x | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/** A uniform integer in [0, n) from `random` (n ≤ 2^32). */
export function randomBelow(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n))
}
