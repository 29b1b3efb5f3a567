// Exact IEEE 754 binary16 <-> binary32/64 conversion (round to nearest, ties to even), for models whose
// graphs take or return float16. Node 20 has no Float16Array, so halves travel as Uint16Array bits.

const f64 = new Float64Array(1)
const words = new Uint32Array(f64.buffer) // little-endian: words[1] holds sign, exponent, top mantissa

/** The half-precision bits nearest to `value` (ties to even; overflow to ±inf; NaN stays NaN). */
export function toHalfBits(value: number): number {
  f64[0] = value
  const hi = words[1]
  const sign = (hi >>> 16) & 0x8000
  const exp = (hi >>> 20) & 0x7ff
  const mant = (hi & 0xfffff) * 2 ** 32 + words[0] // the 52-bit significand, exact in a double
  if (exp === 0x7ff) return sign | 0x7c00 | (mant ? 0x200 : 0) // inf, or a quiet NaN
  const e = exp - 1023 + 15
  if (e >= 0x1f) return sign | 0x7c00 // overflow
  if (e < -10 || exp === 0) return sign // below half the smallest subnormal (or a double subnormal)
  // Keep 10 fraction bits (normal) or fewer (subnormal half), rounding the dropped bits to nearest even.
  const significand = e > 0 ? mant : mant + 2 ** 52
  const shift = e > 0 ? 42 : 43 - e
  const unit = 2 ** shift
  let half = Math.floor(significand / unit)
  const rest = significand - half * unit
  if (rest > unit / 2 || (rest === unit / 2 && half % 2 === 1)) half += 1
  return sign | ((e > 0 ? e << 10 : 0) + half) // a carry into the exponent is the right rounding
}

/** The exact value of half-precision bits. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exp = (bits >>> 10) & 0x1f
  const mant = bits & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant ? NaN : sign * Infinity
  return sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

/** Float32/Float64 values to half bits. */
export function toHalfArray(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i])
  return out
}

/** Half bits to Float32 (every half is exactly representable in float32). */
export function fromHalfArray(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length)
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i])
  return out
}
