// Gauss–Legendre quadrature (exact for polynomials of degree ≤ 2n − 1) and the Lagrange-basis
// integrals that linear multistep samplers (LMS, DEIS) use as coefficients.

const cache = new Map<number, { x: Float64Array; w: Float64Array }>()

/** Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1] (Newton on P_n, Golub-free). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const hit = cache.get(n)
  if (hit) return hit
  const x = new Float64Array(n)
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5))
    let dp = 0
    for (let it = 0; it < 100; it++) {
      let p0 = 1
      let p1 = z
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k
        p0 = p1
        p1 = p2
      }
      const pn = n === 0 ? 1 : n === 1 ? z : p1
      const pm = n === 1 ? 1 : p0
      dp = (n * (z * pn - pm)) / (z * z - 1)
      const dz = pn / dp
      z -= dz
      if (Math.abs(dz) < 1e-16) break
    }
    x[i] = z
    w[i] = 2 / ((1 - z * z) * dp * dp)
  }
  const rule = { x, w }
  cache.set(n, rule)
  return rule
}

/** ∫_a^b f(u) du by the n-point Gauss–Legendre rule. */
export function integrate(f: (u: number) => number, a: number, b: number, n = 8): number {
  const { x, w } = gaussLegendre(n)
  const half = (b - a) / 2
  const mid = (a + b) / 2
  let s = 0
  for (let i = 0; i < n; i++) s += w[i] * f(mid + half * x[i])
  return s * half
}

/** Lagrange basis polynomial L_j over `nodes`, evaluated at u. */
export function lagrangeBasis(nodes: ArrayLike<number>, j: number, u: number): number {
  let p = 1
  for (let k = 0; k < nodes.length; k++) {
    if (k !== j) p *= (u - nodes[k]) / (nodes[j] - nodes[k])
  }
  return p
}

/**
 * c_j = ∫_from^to L_j(σ) dσ over σ-nodes (k-diffusion linear_multistep_coeff): exact, since the
 * integrand is a polynomial of degree < nodes.length.
 */
export function lagrangeCoefficientsSigma(
  nodes: ArrayLike<number>,
  from: number,
  to: number
): number[] {
  const n = Math.max(1, Math.ceil(nodes.length / 2))
  return Array.from(nodes, (_, j) => integrate((s) => lagrangeBasis(nodes, j, s), from, to, n))
}

/**
 * c_j = ∫_from^to L_j(ln σ) dσ over ln σ-nodes (DEIS "logrho", Zhang & Chen 2023): substituting
 * σ = e^u gives ∫ L_j(u) e^u du, smooth, integrated with 8 Gauss–Legendre points. from, to > 0.
 */
export function lagrangeCoefficientsLogSigma(
  sigmaNodes: ArrayLike<number>,
  from: number,
  to: number
): number[] {
  const u = Array.from(sigmaNodes, Math.log)
  return u.map((_, j) =>
    integrate((v) => lagrangeBasis(u, j, v) * Math.exp(v), Math.log(from), Math.log(to), 8)
  )
}
