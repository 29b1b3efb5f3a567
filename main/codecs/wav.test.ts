import { describe, expect, it } from 'vitest'
import { StudioError } from '../contract'
import { monoMix, readWav, resample, writeWav } from './wav'

const tone = (n: number, rate: number, hz = 440) =>
  Float64Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate))

describe('WAV codec', () => {
  it('PCM16 round trip is bit for bit, with the recipe in INFO ICMT', () => {
    const x = Float64Array.from(tone(8000, 8000), (v) => Math.round(v * 32768) / 32768 + 0)
    const bytes = writeWav({
      sampleRate: 8000,
      bitDepth: '16',
      channels: [x],
      comment: '{"task":"audio.generate"}'
    })
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('RIFF')
    const back = readWav(bytes)
    expect(back.sampleRate).toBe(8000)
    expect(back.bitDepth).toBe('16')
    expect(back.comment).toBe('{"task":"audio.generate"}')
    expect(Array.from(back.channels[0])).toEqual(Array.from(x))
    // Written again at its own depth: the same bytes.
    expect(Buffer.from(writeWav(back)).equals(Buffer.from(bytes))).toBe(true)
  })

  it('float32 round trip keeps float32 values exactly; PCM16 clips at full scale', () => {
    const x = Float64Array.from([0.1, -0.25, 0.999, -1, 1.5, -2].map(Math.fround))
    const f = readWav(writeWav({ sampleRate: 16000, bitDepth: '32f', channels: [x] }))
    expect(f.bitDepth).toBe('32f')
    expect(Array.from(f.channels[0])).toEqual(Array.from(x))
    const p = readWav(writeWav({ sampleRate: 16000, bitDepth: '16', channels: [x] }))
    expect(p.channels[0][4]).toBe(32767 / 32768)
    expect(p.channels[0][5]).toBe(-1)
  })

  it('stereo files keep both channels; the mono mix is their mean', () => {
    const l = Float64Array.from([0.5, 0.25, 0])
    const r = Float64Array.from([0, 0.25, -0.5])
    const back = readWav(writeWav({ sampleRate: 8000, bitDepth: '16', channels: [l, r] }))
    expect(back.channels.map((c) => Array.from(c))).toEqual([Array.from(l), Array.from(r)])
    expect(Array.from(monoMix(back.channels))).toEqual([0.25, 0.25, -0.25])
  })

  it('refuses files that are not WAV, truncated WAVs and empty ones with a typed error', () => {
    const bad = [
      new TextEncoder().encode('not a wav file at all'),
      writeWav({ sampleRate: 8000, bitDepth: '16', channels: [tone(100, 8000)] }).subarray(0, 30),
      new Uint8Array(0)
    ]
    for (const bytes of bad) {
      let caught: unknown
      try {
        readWav(bytes, 'clip.wav')
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(StudioError)
      expect((caught as StudioError).code).toBe('bad-input')
      expect((caught as StudioError).message).toMatch(/^clip\.wav/)
    }
  })

  it('resampling keeps a tone below both Nyquists and its length scales with the rate', () => {
    const x = tone(44100, 44100, 440)
    const y = resample(x, 44100, 8000)
    expect(y.length).toBe(8000)
    const ref = tone(8000, 8000, 440)
    let err = 0
    for (let i = 200; i < 7800; i++) err = Math.max(err, Math.abs(y[i] - ref[i]))
    expect(err).toBeLessThan(5e-3)
    // A tone above the target Nyquist is removed.
    const high = resample(tone(44100, 44100, 6000), 44100, 8000)
    expect(Math.max(...high.subarray(200, 7800).map(Math.abs))).toBeLessThan(0.01)
  })
})
