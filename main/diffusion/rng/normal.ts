// Uniform words → standard normals, Box–Muller (Box & Muller 1958) in float64.
// From a pair of uint32 words (a, b):
//   u = (a + 1) · 2^-32 ∈ (0, 1]   (never 0, so ln u is finite; |z| ≤ sqrt(64 ln 2) ≈ 6.66)
//   φ = b · 2^-32     ∈ [0, 1)
//   r = sqrt(-2 ln u),  z_cos = r · cos(2π φ),  z_sin = r · sin(2π φ)
// A Philox block (w0, w1, w2, w3) gives four normals in this order:
//   z_cos(w0, w1), z_sin(w0, w1), z_cos(w2, w3), z_sin(w2, w3).
// Math.log/cos/sin are not correctly rounded by spec, so another runtime may differ in the last ulp.

const TWO_POW_M32 = 2 ** -32
const TWO_PI = 2 * Math.PI

/** Four normals from one Philox block `w[wo..wo+3]`, written to out[o..o+3] (truncated at `end`). */
export function boxMuller4(
  w: Uint32Array,
  wo: number,
  out: Float64Array,
  o: number,
  end: number
): void {
  const r0 = Math.sqrt(-2 * Math.log((w[wo] + 1) * TWO_POW_M32))
  const t0 = TWO_PI * w[wo + 1] * TWO_POW_M32
  out[o] = r0 * Math.cos(t0)
  if (o + 1 < end) out[o + 1] = r0 * Math.sin(t0)
  if (o + 2 >= end) return
  const r1 = Math.sqrt(-2 * Math.log((w[wo + 2] + 1) * TWO_POW_M32))
  const t1 = TWO_PI * w[wo + 3] * TWO_POW_M32
  out[o + 2] = r1 * Math.cos(t1)
  if (o + 3 < end) out[o + 3] = r1 * Math.sin(t1)
}

/** The normal pair of two words (a, b): [z_cos, z_sin]. */
export function boxMullerPair(a: number, b: number): [number, number] {
  const r = Math.sqrt(-2 * Math.log(((a >>> 0) + 1) * TWO_POW_M32))
  const t = TWO_PI * (b >>> 0) * TWO_POW_M32
  return [r * Math.cos(t), r * Math.sin(t)]
}
