// WAV files through wavefile (PCM 8/16/24/32-bit and float 32/64 in; PCM16 or float32 out), the recipe
// in the INFO chunk's ICMT tag. Samples are held as float64 in [−1, 1) by exact maps (integer i ↔
// i / 2^(bits−1)), so a file read and written at its own bit depth keeps every sample bit for bit.
import wavefile from 'wavefile'
import { StudioError } from '../contract'

/** Bit depth codes of wavefile: integer PCM, or float ('32f', '64'). */
export type WavBitDepth = '8' | '16' | '24' | '32' | '32f' | '64'

export interface WavAudio {
  readonly sampleRate: number
  readonly bitDepth: WavBitDepth
  /** One array per channel, [samples] each, in [−1, 1]. */
  readonly channels: readonly Float64Array[]
  /** The ICMT tag (this studio's recipe JSON), when present. */
  readonly comment?: string
}

const depths: readonly WavBitDepth[] = ['8', '16', '24', '32', '32f', '64']

interface Fmt {
  readonly audioFormat: number
  readonly numChannels: number
  readonly sampleRate: number
}

/** Integer depth → (scale, offset): v = (i − offset) / scale; 8-bit WAV is unsigned. */
function intMap(depth: WavBitDepth): { scale: number; offset: number } | undefined {
  if (depth === '32f' || depth === '64') return undefined
  const bits = Number(depth)
  return { scale: 2 ** (bits - 1), offset: bits === 8 ? 128 : 0 }
}

/**
 * Decodes a WAV file.
 * @throws StudioError bad-input for anything that is not an uncompressed PCM or float WAV with samples.
 */
export function readWav(bytes: Uint8Array, name = 'The audio file'): WavAudio {
  const wav = new wavefile.WaveFile()
  try {
    wav.fromBuffer(bytes)
  } catch (error) {
    throw new StudioError(
      'bad-input',
      `${name} is not a readable WAV file (${(error as Error).message}). Give a WAV (PCM or float).`
    )
  }
  const fmt = wav.fmt as Fmt
  const depth = wav.bitDepth as WavBitDepth
  // 1 = PCM, 3 = IEEE float, 65534 = WAVE_FORMAT_EXTENSIBLE (PCM or float by its bit depth).
  if (![1, 3, 65534].includes(fmt.audioFormat) || !depths.includes(depth)) {
    throw new StudioError(
      'bad-input',
      `${name} is a compressed or unusual WAV (format ${fmt.audioFormat}, ${wav.bitDepth} bits); give PCM (8/16/24/32-bit) or float (32/64-bit).`
    )
  }
  if (!(fmt.sampleRate >= 1000 && fmt.sampleRate <= 384000)) {
    throw new StudioError('bad-input', `${name} has a sample rate of ${fmt.sampleRate} Hz.`)
  }
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[]
  const channels = fmt.numChannels === 1 ? [raw as Float64Array] : (raw as Float64Array[])
  if (channels.length === 0 || channels[0].length === 0) {
    throw new StudioError('bad-input', `${name} holds no samples.`)
  }
  const map = intMap(depth)
  const out = channels.map((c) =>
    map ? Float64Array.from(c, (i) => (i - map.offset) / map.scale) : Float64Array.from(c)
  )
  for (const c of out) {
    for (let i = 0; i < c.length; i++) {
      if (!Number.isFinite(c[i])) {
        throw new StudioError('bad-input', `${name} holds a non-finite sample at ${i}.`)
      }
    }
  }
  const comment = wav.getTag('ICMT') ?? undefined
  return {
    sampleRate: fmt.sampleRate,
    bitDepth: depth,
    channels: out,
    ...(comment ? { comment } : {})
  }
}

/**
 * Encodes a WAV file at `bitDepth` (values clipped to the format's range; integers rounded), with
 * `comment` (the recipe JSON) in the INFO chunk's ICMT tag.
 */
export function writeWav(audio: WavAudio): Uint8Array {
  const map = intMap(audio.bitDepth)
  const channels = audio.channels.map((c) =>
    map
      ? Float64Array.from(
          c,
          (v) =>
            Math.min(map.scale - 1, Math.max(-map.scale, Math.round(v * map.scale))) + map.offset
        )
      : audio.bitDepth === '32f'
        ? Float64Array.from(c, (v) => Math.fround(v))
        : c
  )
  const wav = new wavefile.WaveFile()
  wav.fromScratch(
    channels.length,
    audio.sampleRate,
    audio.bitDepth,
    channels.length === 1 ? channels[0] : channels
  )
  if (audio.comment) wav.setTag('ICMT', audio.comment)
  return wav.toBuffer()
}

/** The mono mix of a clip: the mean of its channels. */
export function monoMix(channels: readonly Float64Array[]): Float64Array {
  if (channels.length === 1) return channels[0]
  const out = new Float64Array(channels[0].length)
  for (const c of channels) for (let i = 0; i < out.length; i++) out[i] += c[i] / channels.length
  return out
}

/**
 * Band-limited resampling by a Kaiser-windowed sinc (16 zero crossings, β = 8.6, cut-off 0.95 of the
 * lower Nyquist): x at `from` Hz → round(len · to / from) samples at `to` Hz.
 */
export function resample(x: Float64Array, from: number, to: number): Float64Array {
  if (from === to) return Float64Array.from(x)
  const ratio = to / from
  const n = Math.round(x.length * ratio)
  const cutoff = 0.95 * Math.min(1, ratio)
  const zeros = 16
  const half = Math.ceil(zeros / cutoff)
  const beta = 8.6
  const i0 = (v: number) => {
    let sum = 1
    let term = 1
    for (let k = 1; k < 30; k++) {
      term *= (v / (2 * k)) ** 2
      sum += term
    }
    return sum
  }
  const norm = i0(beta)
  // The window tabulated over |u| ∈ [0, 1], linearly interpolated.
  const table = Float64Array.from({ length: 4097 }, (_, k) => {
    const u = k / 4096
    return i0(beta * Math.sqrt(Math.max(0, 1 - u * u))) / norm
  })
  const out = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    const t = j / ratio
    const centre = Math.floor(t)
    let s = 0
    for (let i = Math.max(0, centre - half + 1); i <= Math.min(x.length - 1, centre + half); i++) {
      const d = t - i
      const u = (Math.abs(d) / half) * 4096
      if (u >= 4096) continue
      const k = Math.floor(u)
      const w = table[k] + (table[k + 1] - table[k]) * (u - k)
      const arg = Math.PI * cutoff * d
      s += x[i] * cutoff * (arg === 0 ? 1 : Math.sin(arg) / arg) * w
    }
    out[j] = s
  }
  return out
}
