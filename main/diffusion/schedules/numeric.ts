// numpy-compatible building blocks, so timestep sets match diffusers bit for bit.

/** np.linspace(start, stop, n): start + i·step, last value forced to stop. */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n)
  if (n === 1) {
    out[0] = start
    return out
  }
  const step = (stop - start) / (n - 1)
  for (let i = 0; i < n; i++) out[i] = start + i * step
  out[n - 1] = stop
  return out
}

/** np.round: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** Float64Array with the values in reverse order. */
export function reversed(x: ArrayLike<number>): Float64Array {
  const n = x.length
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = x[n - 1 - i]
  return out
}

/** x followed by `tail`. */
export function append(x: ArrayLike<number>, ...tail: number[]): Float64Array {
  const out = new Float64Array(x.length + tail.length)
  out.set(Array.from(x))
  out.set(tail, x.length)
  return out
}
