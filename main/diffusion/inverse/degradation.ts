// Linear degradations y = H·x with a known SVD H = U·Σ·Vᵀ (Kawar et al. 2022, DDRM §3, and its
// `functions/svd_replacement.py`), applied per sample: x is one sample flattened to n values, y to m.
// Σ is m×n with Σ_ii = singulars[i] for i < k = singulars.length (all > 0) and zero elsewhere, so
// spectral coordinates 0..k−1 are observed and k..n−1 are not.

export interface LinearDegradation {
  /** n: values per input sample. */
  readonly inSize: number
  /** m: values per observation. */
  readonly outSize: number
  /** Nonzero singular values s_0..s_{k−1}, k ≤ min(m, n). */
  readonly singulars: Float64Array
  /** y = H x: [n] → [m]. */
  H(x: Float64Array): Float64Array
  /** Hᵀ y: [m] → [n]. */
  Ht(y: Float64Array): Float64Array
  /** Spectral → data: V z, [n] → [n]. */
  V(z: Float64Array): Float64Array
  /** Data → spectral: Vᵀ x, [n] → [n]. */
  Vt(x: Float64Array): Float64Array
  /** U z, [m] → [m]. */
  U(z: Float64Array): Float64Array
  /** Uᵀ y, [m] → [m]. */
  Ut(y: Float64Array): Float64Array
}

const copy = (v: Float64Array): Float64Array => v.slice()

/** H = I (denoising; pair with σ_y > 0 in DDRM). */
export function identityDegradation(n: number): LinearDegradation {
  return {
    inSize: n,
    outSize: n,
    singulars: new Float64Array(n).fill(1),
    H: copy,
    Ht: copy,
    V: copy,
    Vt: copy,
    U: copy,
    Ut: copy
  }
}

/**
 * Inpainting: H keeps the entries where mask = 1 (in index order). Singular values 1; V is the
 * permutation (kept entries first, then missing), U = I.
 */
export function inpaintingDegradation(mask: ArrayLike<number>): LinearDegradation {
  const n = mask.length
  const kept: number[] = []
  const missing: number[] = []
  for (let i = 0; i < n; i++) (mask[i] === 1 ? kept : missing).push(i)
  if (kept.length + missing.length !== n || Array.from(mask).some((v) => v !== 0 && v !== 1)) {
    throw new RangeError('mask must hold 0 (missing) or 1 (known)')
  }
  const order = [...kept, ...missing]
  const m = kept.length
  return {
    inSize: n,
    outSize: m,
    singulars: new Float64Array(m).fill(1),
    H: (x) => Float64Array.from(kept, (i) => x[i]),
    Ht: (y) => {
      const x = new Float64Array(n)
      kept.forEach((i, j) => (x[i] = y[j]))
      return x
    },
    V: (z) => {
      const x = new Float64Array(n)
      order.forEach((i, j) => (x[i] = z[j]))
      return x
    },
    Vt: (x) => Float64Array.from(order, (i) => x[i]),
    U: copy,
    Ut: copy
  }
}

/**
 * ×k average pooling of [C, Hgt, Wdt] images (per channel, non-overlapping k×k blocks; y is
 * [C, Hgt/k, Wdt/k]). Per block the row (1/k²)·1ᵀ has the SVD 1·(1/k)·uᵀ with u = 1/k (unit, k² long),
 * so every singular value is 1/k and U = I. V maps per block through the Householder reflection
 * P = I − 2wwᵀ/wᵀw, w = e₁ − u (P = Pᵀ = P⁻¹, P e₁ = u): spectral coordinate b (< m) is uᵀ·block_b,
 * coordinates m + b(k² − 1) + j are the other k² − 1 components of block b.
 */
export function averagePoolDegradation(
  channels: number,
  height: number,
  width: number,
  k: number
): LinearDegradation {
  if (!Number.isInteger(k) || k < 1 || height % k !== 0 || width % k !== 0) {
    throw new RangeError(`×${k} pooling needs sides divisible by ${k}`)
  }
  const hb = height / k
  const wb = width / k
  const blocks = channels * hb * wb
  const kk = k * k
  const n = channels * height * width
  // Pixel indices of each block, row-major within the block.
  const pix = new Int32Array(blocks * kk)
  for (let c = 0, b = 0; c < channels; c++) {
    for (let bi = 0; bi < hb; bi++) {
      for (let bj = 0; bj < wb; bj++, b++) {
        for (let r = 0; r < k; r++) {
          for (let q = 0; q < k; q++)
            pix[b * kk + r * k + q] = c * height * width + (bi * k + r) * width + bj * k + q
        }
      }
    }
  }
  const u = 1 / k
  const w = new Float64Array(kk).fill(-u)
  w[0] += 1
  const ww = w.reduce((a, v) => a + v * v, 0)
  /** out = P·v for one block (in place safe). */
  const reflect = (v: Float64Array): void => {
    if (ww === 0) return
    let dot = 0
    for (let j = 0; j < kk; j++) dot += w[j] * v[j]
    const f = (2 * dot) / ww
    for (let j = 0; j < kk; j++) v[j] -= f * w[j]
  }
  const block = new Float64Array(kk)
  return {
    inSize: n,
    outSize: blocks,
    singulars: new Float64Array(blocks).fill(1 / k),
    H: (x) => {
      const y = new Float64Array(blocks)
      for (let b = 0; b < blocks; b++) {
        let s = 0
        for (let j = 0; j < kk; j++) s += x[pix[b * kk + j]]
        y[b] = s / kk
      }
      return y
    },
    Ht: (y) => {
      const x = new Float64Array(n)
      for (let b = 0; b < blocks; b++) for (let j = 0; j < kk; j++) x[pix[b * kk + j]] = y[b] / kk
      return x
    },
    Vt: (x) => {
      const z = new Float64Array(n)
      for (let b = 0; b < blocks; b++) {
        for (let j = 0; j < kk; j++) block[j] = x[pix[b * kk + j]]
        reflect(block)
        z[b] = block[0]
        for (let j = 1; j < kk; j++) z[blocks + b * (kk - 1) + j - 1] = block[j]
      }
      return z
    },
    V: (z) => {
      const x = new Float64Array(n)
      for (let b = 0; b < blocks; b++) {
        block[0] = z[b]
        for (let j = 1; j < kk; j++) block[j] = z[blocks + b * (kk - 1) + j - 1]
        reflect(block)
        for (let j = 0; j < kk; j++) x[pix[b * kk + j]] = block[j]
      }
      return x
    },
    U: copy,
    Ut: copy
  }
}
