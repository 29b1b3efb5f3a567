// The mel-spectrogram representation of audio models and its inversion by Griffin-Lim, in float64:
// STFT (periodic Hann, zero padding of `pad` samples each side, unnormalised DFT), HTK mel filterbank
// (peak-1 triangles, torchaudio melscale_fbanks norm=None), log10 with a power floor, an affine map of
// [logLo, logHi] onto [-1, 1]; back by the filterbank's pseudo-inverse and the fast Griffin-Lim of
// Perraudin et al. 2013 (torchaudio's momentum form). Pinned against the Python reference
// (native-models/train/audio/dsp.py) by its fixture.

/** Everything that fixes the representation (the manifest's audio sample). */
export interface MelConfig {
  readonly sampleRate: number
  readonly nFft: number
  readonly hop: number
  /** Zeros added on both sides before framing: frame t spans x[hop·t − pad, hop·t − pad + nFft). */
  readonly pad: number
  readonly mels: number
  readonly fMin: number
  readonly fMax: number
  readonly powerFloor: number
  readonly logLo: number
  readonly logHi: number
  readonly iterations: number
  readonly momentum: number
}

/** A complex spectrogram [freq nFft/2+1, frames], row-major, real and imaginary parts apart. */
export interface Spectrogram {
  readonly re: Float64Array
  readonly im: Float64Array
  readonly freqs: number
  readonly frames: number
}

/** In-place iterative radix-2 complex FFT of length n (a power of two); sign −1 forward, +1 inverse (unscaled). */
function fft(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
  const n = re.length
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1
    for (; j & bit; bit >>= 1) j ^= bit
    j ^= bit
    if (i < j) {
      ;[re[i], re[j]] = [re[j], re[i]]
      ;[im[i], im[j]] = [im[j], im[i]]
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (sign * 2 * Math.PI) / len
    const wr = Math.cos(angle)
    const wi = Math.sin(angle)
    for (let i = 0; i < n; i += len) {
      let cr = 1
      let ci = 0
      for (let k = 0; k < len / 2; k++) {
        const a = i + k
        const b = a + len / 2
        const tr = re[b] * cr - im[b] * ci
        const ti = re[b] * ci + im[b] * cr
        re[b] = re[a] - tr
        im[b] = im[a] - ti
        re[a] += tr
        im[a] += ti
        const nr = cr * wr - ci * wi
        ci = cr * wi + ci * wr
        cr = nr
      }
    }
  }
}

const cache = new Map<string, Prepared>()

interface Prepared {
  readonly window: Float64Array
  /** [mels, freqs] */
  readonly filterbank: Float64Array
  /** [freqs, mels]: fbᵀ (fb fbᵀ)⁻¹ */
  readonly pinv: Float64Array
}

function prepared(config: MelConfig): Prepared {
  const key = JSON.stringify(config)
  const hit = cache.get(key)
  if (hit) return hit
  const { nFft, mels } = config
  if (nFft & (nFft - 1)) throw new RangeError(`nFft must be a power of two, not ${nFft}`)
  const window = Float64Array.from(
    { length: nFft },
    (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / nFft)
  )
  const fb = melFilterbank(config)
  const freqs = nFft / 2 + 1
  // (fb fbᵀ)⁻¹ by Gauss-Jordan on the [mels, mels] Gram matrix, then fbᵀ times it.
  const gram = new Float64Array(mels * mels)
  for (let i = 0; i < mels; i++)
    for (let j = 0; j < mels; j++) {
      let s = 0
      for (let k = 0; k < freqs; k++) s += fb[i * freqs + k] * fb[j * freqs + k]
      gram[i * mels + j] = s
    }
  const inv = invert(gram, mels)
  const pinv = new Float64Array(freqs * mels)
  for (let k = 0; k < freqs; k++)
    for (let j = 0; j < mels; j++) {
      let s = 0
      for (let i = 0; i < mels; i++) s += fb[i * freqs + k] * inv[i * mels + j]
      pinv[k * mels + j] = s
    }
  const value = { window, filterbank: fb, pinv }
  cache.set(key, value)
  return value
}

function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a)
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) out[i * n + i] = 1
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r
    if (m[p * n + c] === 0) throw new RangeError('the mel filterbank is rank-deficient')
    for (let k = 0; k < n; k++) {
      ;[m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]]
      ;[out[c * n + k], out[p * n + k]] = [out[p * n + k], out[c * n + k]]
    }
    const d = m[c * n + c]
    for (let k = 0; k < n; k++) {
      m[c * n + k] /= d
      out[c * n + k] /= d
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue
      const f = m[r * n + c]
      if (f === 0) continue
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= f * m[c * n + k]
        out[r * n + k] -= f * out[c * n + k]
      }
    }
  }
  return out
}

const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700)
const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1)

/**
 * HTK mel triangles, peak 1, no area normalisation (torchaudio `melscale_fbanks`, norm=None, htk).
 * @returns [mels, nFft/2 + 1]
 */
export function melFilterbank(config: MelConfig): Float64Array {
  const { nFft, mels, sampleRate, fMin, fMax } = config
  const freqs = nFft / 2 + 1
  const lo = hzToMel(fMin)
  const hi = hzToMel(fMax)
  const points = Array.from({ length: mels + 2 }, (_, i) =>
    melToHz(lo + ((hi - lo) * i) / (mels + 1))
  )
  const fb = new Float64Array(mels * freqs)
  for (let k = 0; k < freqs; k++) {
    const f = ((sampleRate / 2) * k) / (freqs - 1)
    for (let j = 0; j < mels; j++) {
      const down = (f - points[j]) / (points[j + 1] - points[j])
      const up = (points[j + 2] - f) / (points[j + 2] - points[j + 1])
      fb[j * freqs + k] = Math.max(0, Math.min(down, up))
    }
  }
  return fb
}

/** Frames of a clip of `samples` samples: one per hop (samples rounded up to a whole hop). */
export function framesFor(config: MelConfig, samples: number): number {
  return Math.ceil(samples / config.hop)
}

/**
 * STFT of x (zero-padded to frames·hop, then `pad` zeros each side).
 * @param x [samples] @returns complex [nFft/2 + 1, frames]
 */
export function stft(
  config: MelConfig,
  x: ArrayLike<number>,
  frames = framesFor(config, x.length)
): Spectrogram {
  const { nFft, hop, pad } = config
  const { window } = prepared(config)
  const freqs = nFft / 2 + 1
  const re = new Float64Array(freqs * frames)
  const im = new Float64Array(freqs * frames)
  const fr = new Float64Array(nFft)
  const fi = new Float64Array(nFft)
  const length = Math.min(x.length, frames * hop)
  for (let t = 0; t < frames; t++) {
    const start = t * hop - pad
    for (let n = 0; n < nFft; n++) {
      const i = start + n
      fr[n] = i >= 0 && i < length ? x[i] * window[n] : 0
      fi[n] = 0
    }
    fft(fr, fi, -1)
    for (let k = 0; k < freqs; k++) {
      re[k * frames + t] = fr[k]
      im[k * frames + t] = fi[k]
    }
  }
  return { re, im, freqs, frames }
}

/**
 * Least-squares inverse STFT (Griffin & Lim 1984): windowed inverse DFTs overlap-added, divided by Σ w².
 * @returns [frames·hop] samples
 */
export function istft(config: MelConfig, spec: Spectrogram): Float64Array {
  const { nFft, hop, pad } = config
  const { window } = prepared(config)
  const { frames, freqs } = spec
  const total = frames * hop
  const padded = new Float64Array(total + 2 * pad + nFft)
  const norm = new Float64Array(padded.length)
  const fr = new Float64Array(nFft)
  const fi = new Float64Array(nFft)
  for (let t = 0; t < frames; t++) {
    // Hermitian-extend the half spectrum, inverse FFT (numpy irfft ignores the imaginary parts of DC and Nyquist).
    for (let k = 0; k < freqs; k++) {
      fr[k] = spec.re[k * frames + t]
      fi[k] = k === 0 || k === freqs - 1 ? 0 : spec.im[k * frames + t]
    }
    for (let k = freqs; k < nFft; k++) {
      fr[k] = fr[nFft - k]
      fi[k] = -fi[nFft - k]
    }
    fft(fr, fi, 1)
    for (let n = 0; n < nFft; n++) {
      padded[t * hop + n] += (fr[n] / nFft) * window[n]
      norm[t * hop + n] += window[n] * window[n]
    }
  }
  const out = new Float64Array(total)
  for (let i = 0; i < total; i++)
    out[i] = norm[i + pad] > 1e-12 ? padded[i + pad] / norm[i + pad] : 0
  return out
}

/** Mel power of x: filterbank · |STFT|². @returns [mels, frames] */
export function melPower(config: MelConfig, x: ArrayLike<number>, frames?: number): Float64Array {
  const s = stft(config, x, frames)
  const { filterbank } = prepared(config)
  const out = new Float64Array(config.mels * s.frames)
  for (let j = 0; j < config.mels; j++)
    for (let k = 0; k < s.freqs; k++) {
      const w = filterbank[j * s.freqs + k]
      if (w === 0) continue
      for (let t = 0; t < s.frames; t++) {
        const i = k * s.frames + t
        out[j * s.frames + t] += w * (s.re[i] * s.re[i] + s.im[i] * s.im[i])
      }
    }
  return out
}

/** Mel power → the model's normalised log-mel: clip((log10(max(P, floor)) − lo)/(hi − lo)·2 − 1, −1, 1). */
export function normaliseMel(config: MelConfig, power: ArrayLike<number>): Float64Array {
  const { powerFloor, logLo, logHi } = config
  return Float64Array.from(power, (p) => {
    const l = Math.log10(Math.max(p, powerFloor))
    return Math.min(1, Math.max(-1, ((l - logLo) / (logHi - logLo)) * 2 - 1))
  })
}

/** x [samples] → normalised log-mel [mels, frames] in [−1, 1] (the model's image). */
export function logMel(config: MelConfig, x: ArrayLike<number>, frames?: number): Float64Array {
  return normaliseMel(config, melPower(config, x, frames))
}

/**
 * Normalised log-mel [mels, frames] → linear magnitude [nFft/2 + 1, frames]: the inverse affine map,
 * 10^L, the filterbank's pseudo-inverse, clamped at 0, square root.
 */
export function melToMagnitude(
  config: MelConfig,
  mel: ArrayLike<number>,
  frames: number
): Float64Array {
  const { pinv } = prepared(config)
  const { mels, logLo, logHi } = config
  const freqs = config.nFft / 2 + 1
  const power = Float64Array.from(mel, (v) => 10 ** (((v + 1) / 2) * (logHi - logLo) + logLo))
  const out = new Float64Array(freqs * frames)
  for (let k = 0; k < freqs; k++)
    for (let t = 0; t < frames; t++) {
      let s = 0
      for (let j = 0; j < mels; j++) s += pinv[k * mels + j] * power[j * frames + t]
      out[k * frames + t] = Math.sqrt(Math.max(s, 0))
    }
  return out
}

/**
 * Fast Griffin-Lim (Perraudin, Balazs & Søndergaard 2013; torchaudio's form), zero initial phase:
 * rebuilt = STFT(ISTFT(A·angles)); angles = rebuilt − t_prev·α/(1+α), normalised; t_prev = rebuilt.
 * @param magnitude [nFft/2 + 1, frames] @returns [frames·hop] samples
 */
export function griffinLim(
  config: MelConfig,
  magnitude: Float64Array,
  frames: number,
  iterations = config.iterations
): Float64Array {
  const freqs = config.nFft / 2 + 1
  const size = freqs * frames
  let ar = new Float64Array(size).fill(1)
  let ai = new Float64Array(size)
  let pr: Float64Array = new Float64Array(size)
  let pi: Float64Array = new Float64Array(size)
  const k = config.momentum / (1 + config.momentum)
  const apply = () => {
    const re = new Float64Array(size)
    const im = new Float64Array(size)
    for (let i = 0; i < size; i++) {
      re[i] = magnitude[i] * ar[i]
      im[i] = magnitude[i] * ai[i]
    }
    return { re, im, freqs, frames }
  }
  for (let n = 0; n < iterations; n++) {
    const rebuilt = stft(config, istft(config, apply()), frames)
    const nr = new Float64Array(size)
    const ni = new Float64Array(size)
    for (let i = 0; i < size; i++) {
      const r = rebuilt.re[i] - pr[i] * k
      const m = rebuilt.im[i] - pi[i] * k
      const abs = Math.hypot(r, m) + 1e-16
      nr[i] = r / abs
      ni[i] = m / abs
    }
    ar = nr
    ai = ni
    pr = rebuilt.re
    pi = rebuilt.im
  }
  return istft(config, apply())
}

/** Normalised log-mel [mels, frames] → waveform [frames·hop] (pseudo-inverse + fast Griffin-Lim). */
export function invertMel(config: MelConfig, mel: ArrayLike<number>, frames: number): Float64Array {
  return griffinLim(config, melToMagnitude(config, mel, frames), frames)
}
