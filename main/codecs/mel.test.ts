import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  griffinLim,
  invertMel,
  istft,
  logMel,
  melPower,
  melToMagnitude,
  stft,
  type MelConfig
} from './mel'

// The Python reference (native-models/train/audio/dsp.py, float64, stored as float32) on one held-out clip.
const dir = join(__dirname, '../../native-models/starter/digits-mel')
const spec = JSON.parse(readFileSync(join(dir, 'audio.json'), 'utf8')) as {
  sample_rate: number
  stft: { n_fft: number; hop_length: number; padding: { left: number }; n_frames: number }
  mel: { n_mels: number; f_min: number; f_max: number }
  log: { power_floor: number }
  affine: { log_lo: number; log_hi: number }
  inversion: { iterations: number; momentum: number }
}
const config: MelConfig = {
  sampleRate: spec.sample_rate,
  nFft: spec.stft.n_fft,
  hop: spec.stft.hop_length,
  pad: spec.stft.padding.left,
  mels: spec.mel.n_mels,
  fMin: spec.mel.f_min,
  fMax: spec.mel.f_max,
  powerFloor: spec.log.power_floor,
  logLo: spec.affine.log_lo,
  logHi: spec.affine.log_hi,
  iterations: spec.inversion.iterations,
  momentum: spec.inversion.momentum
}
const header = JSON.parse(readFileSync(join(dir, 'fixture/fixture.json'), 'utf8')) as {
  arrays: { name: string; offset: number; bytes: number }[]
}
const blob = readFileSync(join(dir, 'fixture/fixture.bin'))
const array = (name: string): Float32Array => {
  const a = header.arrays.find((x) => x.name === name)!
  return new Float32Array(
    blob.buffer.slice(blob.byteOffset + a.offset, blob.byteOffset + a.offset + a.bytes)
  )
}
/** Largest |a − b| relative to the largest |b|. */
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let err = 0
  let scale = 0
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]))
    scale = Math.max(scale, Math.abs(b[i]))
  }
  return err / scale
}

describe('mel pipeline and Griffin-Lim against the Python fixture', () => {
  const wave = Float64Array.from(array('wave'))
  const frames = spec.stft.n_frames

  it('STFT magnitude, mel power and normalised log-mel match dsp.py', () => {
    expect(wave.length).toBe(8192)
    const s = stft(config, wave)
    expect([s.freqs, s.frames]).toEqual([257, 64])
    const magnitude = Float64Array.from(s.re, (r, i) => Math.hypot(r, s.im[i]))
    expect(relErr(magnitude, array('stft_magnitude'))).toBeLessThan(1e-6)
    expect(relErr(melPower(config, wave), array('mel_power'))).toBeLessThan(1e-6)
    const mel = logMel(config, wave)
    expect(mel.length).toBe(64 * frames)
    expect(relErr(mel, array('log_mel'))).toBeLessThan(1e-6)
  })

  it('Griffin-Lim from the fixture log-mel gives the reference waveform and its log-mel', () => {
    const wave2 = invertMel(config, Float64Array.from(array('log_mel')), frames)
    expect(wave2.length).toBe(8192)
    expect(relErr(wave2, array('gl_wave'))).toBeLessThan(1e-3)
    const clipped = wave2.map((v) => Math.min(1, Math.max(-1, v)))
    // Bands near the power floor amplify the float32 rounding of the fixture's input: compare the mean.
    const ref = array('gl_log_mel')
    const mel = logMel(config, clipped)
    const mean = mel.reduce((s, v, i) => s + Math.abs(v - ref[i]), 0) / ref.length
    expect(mean).toBeLessThan(1e-3)
  })

  it('ISTFT inverts the STFT exactly, for clips of any whole number of hops', () => {
    const back = istft(config, stft(config, wave))
    expect(relErr(back, wave)).toBeLessThan(1e-12)
    const long = Float64Array.from({ length: 128 * 100 }, (_, i) => Math.sin(i / 7) * 0.5)
    const s = stft(config, long)
    expect(s.frames).toBe(100)
    expect(relErr(istft(config, s), long)).toBeLessThan(1e-12)
    // A clip that is not a whole number of hops is zero-padded to one.
    expect(stft(config, long.subarray(0, 128 * 99 + 5)).frames).toBe(100)
  })

  it('the pseudo-inverse magnitude gives back the mel power it came from (mel image → |X| → mel)', () => {
    const mel = logMel(config, wave)
    const magnitude = melToMagnitude(config, mel, frames)
    expect(magnitude.every((v) => v >= 0 && Number.isFinite(v))).toBe(true)
    // Zero-phase Griffin-Lim with no iterations still has the mel image's band energies, roughly.
    const zero = griffinLim(config, magnitude, frames, 0)
    expect(zero.length).toBe(8192)
  })
})
