// Exact test problem with correlations: x0 ~ N(μ, Σ) in n dimensions (one sample = n values).
//   D(x; σ) = μ + Σ(Σ + σ²I)⁻¹(x − μ) = μ + Q·diag(λ/(λ + σ²))·Qᵀ(x − μ),   Σ = Q·diag(λ)·Qᵀ
// Posterior of x0 given y = Hx0 + σ_y·e (H m×n dense):
//   mean = μ + ΣHᵀ(HΣHᵀ + σ_y²I)⁻¹(y − Hμ),   cov = Σ − ΣHᵀ(HΣHᵀ + σ_y²I)⁻¹HΣ
// Σ is diagonalised once by cyclic Jacobi rotations; small dense solves use Gaussian elimination.

import type { Denoiser, Tensor } from '../types'

export interface CorrelatedGaussian {
  readonly n: number
  readonly mu: Float64Array
  /** Σ, [n, n] row-major. */
  readonly cov: Float64Array
  /** Eigenvectors as columns of Q, [n, n] row-major, and eigenvalues λ. */
  readonly q: Float64Array
  readonly lambda: Float64Array
}

/** Symmetric eigendecomposition by cyclic Jacobi (Golub & Van Loan §8.5); fine for n ≲ 100. */
export function symmetricEigen(
  a: Float64Array,
  n: number
): { q: Float64Array; lambda: Float64Array } {
  const m = a.slice()
  const q = new Float64Array(n * n)
  for (let i = 0; i < n; i++) q[i * n + i] = 1
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] ** 2
    if (off < 1e-30) break
    for (let p = 0; p < n; p++) {
      for (let r = p + 1; r < n; r++) {
        const apr = m[p * n + r]
        if (Math.abs(apr) < 1e-300) continue
        const theta = (m[r * n + r] - m[p * n + p]) / (2 * apr)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]
          const akr = m[k * n + r]
          m[k * n + p] = c * akp - s * akr
          m[k * n + r] = s * akp + c * akr
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]
          const ark = m[r * n + k]
          m[p * n + k] = c * apk - s * ark
          m[r * n + k] = s * apk + c * ark
        }
        for (let k = 0; k < n; k++) {
          const qkp = q[k * n + p]
          const qkr = q[k * n + r]
          q[k * n + p] = c * qkp - s * qkr
          q[k * n + r] = s * qkp + c * qkr
        }
      }
    }
  }
  return { q, lambda: Float64Array.from({ length: n }, (_, i) => m[i * n + i]) }
}

/** Solves A X = B for dense A [m, m] and B [m, r] (partial pivoting); returns X [m, r]. */
export function solveDense(a: Float64Array, b: Float64Array, m: number, r: number): Float64Array {
  const A = a.slice()
  const X = b.slice()
  for (let col = 0; col < m; col++) {
    let piv = col
    for (let i = col + 1; i < m; i++)
      if (Math.abs(A[i * m + col]) > Math.abs(A[piv * m + col])) piv = i
    if (piv !== col) {
      for (let k = 0; k < m; k++)
        [A[col * m + k], A[piv * m + k]] = [A[piv * m + k], A[col * m + k]]
      for (let k = 0; k < r; k++)
        [X[col * r + k], X[piv * r + k]] = [X[piv * r + k], X[col * r + k]]
    }
    for (let i = col + 1; i < m; i++) {
      const f = A[i * m + col] / A[col * m + col]
      for (let k = col; k < m; k++) A[i * m + k] -= f * A[col * m + k]
      for (let k = 0; k < r; k++) X[i * r + k] -= f * X[col * r + k]
    }
  }
  for (let col = m - 1; col >= 0; col--) {
    for (let k = 0; k < r; k++) {
      let s = X[col * r + k]
      for (let j = col + 1; j < m; j++) s -= A[col * m + j] * X[j * r + k]
      X[col * r + k] = s / A[col * m + col]
    }
  }
  return X
}

export function correlatedGaussian(mu: Float64Array, cov: Float64Array): CorrelatedGaussian {
  const n = mu.length
  const { q, lambda } = symmetricEigen(cov, n)
  return { n, mu, cov, q, lambda }
}

/** Squared-exponential covariance on an h×w grid: a²·exp(−‖p_i − p_j‖²/(2ℓ²)) + δ·I. */
export function gridCovariance(
  h: number,
  w: number,
  a: number,
  ell: number,
  jitter: number
): Float64Array {
  const n = h * w
  const cov = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d2 = (Math.floor(i / w) - Math.floor(j / w)) ** 2 + ((i % w) - (j % w)) ** 2
      cov[i * n + j] = a * a * Math.exp(-d2 / (2 * ell * ell)) + (i === j ? jitter : 0)
    }
  }
  return cov
}

/** Exact D(x; σ) for x0 ~ N(μ, Σ); x is [B, n]. */
export function correlatedDenoiser(g: CorrelatedGaussian): Denoiser {
  return async (x: Tensor, sigma: number) => {
    const { n, q, lambda, mu } = g
    const out = new Float64Array(x.data.length)
    const c = new Float64Array(n)
    for (let b = 0; b < x.shape[0]; b++) {
      for (let i = 0; i < n; i++) {
        let s = 0
        for (let k = 0; k < n; k++) s += q[k * n + i] * (x.data[b * n + k] - mu[k])
        c[i] = (s * lambda[i]) / (lambda[i] + sigma * sigma)
      }
      for (let k = 0; k < n; k++) {
        let s = mu[k]
        for (let i = 0; i < n; i++) s += q[k * n + i] * c[i]
        out[b * n + k] = s
      }
    }
    return { shape: [...x.shape], data: out }
  }
}

/** Exact posterior mean and covariance of x0 given y = Hx0 + σ_y·e; H applied as a function. */
export function gaussianPosterior(
  g: CorrelatedGaussian,
  applyH: (x: Float64Array) => Float64Array,
  y: Float64Array,
  sigmaY: number
): { mean: Float64Array; cov: Float64Array } {
  const { n, mu, cov } = g
  const m = y.length
  // H as a dense m×n matrix, from its action on unit vectors.
  const H = new Float64Array(m * n)
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n)
    e[j] = 1
    const col = applyH(e)
    for (let i = 0; i < m; i++) H[i * n + j] = col[i]
  }
  // SHt = Σ Hᵀ [n, m]; S = H Σ Hᵀ + σ_y² I [m, m].
  const SHt = new Float64Array(n * m)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0
      for (let k = 0; k < n; k++) s += cov[i * n + k] * H[j * n + k]
      SHt[i * m + j] = s
    }
  const S = new Float64Array(m * m)
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = i === j ? sigmaY * sigmaY : 0
      for (let k = 0; k < n; k++) s += H[i * n + k] * SHt[k * m + j]
      S[i * m + j] = s
    }
  const Hmu = applyH(mu)
  const resid = Float64Array.from(y, (v, i) => v - Hmu[i])
  const a = solveDense(S, resid, m, 1)
  const mean = Float64Array.from(mu, (v, i) => {
    let s = v
    for (let j = 0; j < m; j++) s += SHt[i * m + j] * a[j]
    return s
  })
  // cov = Σ − SHt S⁻¹ SHtᵀ
  const SHtT = new Float64Array(m * n)
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) SHtT[j * n + i] = SHt[i * m + j]
  const K = solveDense(S, SHtT, m, n)
  const post = cov.slice()
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let k = 0; k < m; k++) s += SHt[i * m + k] * K[k * n + j]
      post[i * n + j] -= s
    }
  return { mean, cov: post }
}
