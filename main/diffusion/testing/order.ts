// Empirical order of convergence: error ≈ C·N^{-p} for N steps (or NFE).

/** Least-squares slope p of ln(error) against −ln(N). */
export function fitOrder(steps: readonly number[], errors: readonly number[]): number {
  const xs = steps.map((n) => -Math.log(n))
  const ys = errors.map((e) => Math.log(e))
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my)
    sxx += (xs[i] - mx) ** 2
  }
  return sxy / sxx
}

/** Slopes between consecutive points: ln(e_i / e_{i+1}) / ln(N_{i+1} / N_i). */
export function localOrders(steps: readonly number[], errors: readonly number[]): number[] {
  const out: number[] = []
  for (let i = 0; i + 1 < steps.length; i++) {
    out.push(Math.log(errors[i] / errors[i + 1]) / Math.log(steps[i + 1] / steps[i]))
  }
  return out
}
