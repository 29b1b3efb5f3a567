// Audio and video through the real runtime on tiny stand-ins of their contracts: WAV out with the
// recipe, chunked and looped clips, regions regenerated with every sample outside byte-identical,
// clips continued, bad regions and files refused, clips as animated WebP.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StudioError } from '../../contract'
import { ModelRegistry } from '../../models/registry'
import { writeTinyAvModel } from '../../onnx/testing/tiny-models'
import { InputStore } from '../../storage/inputs'
import { Runtime } from '../runtime'
import { inputValidators } from '../../codecs/input-validators'
import { readWav, writeWav, type WavBitDepth } from '../../codecs/wav'
import { runJob } from './testing/run-job'

const work = mkdtempSync(join(tmpdir(), 'audio-video-'))
const out = join(work, 'out')
const inputs = new InputStore(join(work, 'inputs'), inputValidators)
mkdirSync(out, { recursive: true })
const registry = new ModelRegistry({ starter: join(work, 'none'), user: join(work, 'models') })
let runtime: Runtime

beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 1, memoryBudgetMB: 512 })
  writeTinyAvModel(join(work, 'models'), 'tiny-audio', 'audio')
  writeTinyAvModel(join(work, 'models'), 'tiny-video', 'video')
})
afterAll(async () => {
  await runtime.release()
  rmSync(work, { recursive: true, force: true })
})

const bench = () => ({ runtime, registry, outputDir: out, inputsDir: inputs.dir })
const recipeOf = (bytes: Uint8Array) =>
  JSON.parse(readWav(bytes).comment ?? '{}') as Record<string, unknown>

/** A clip of a tone with a little noise, `seconds` long at `rate`, as WAV bytes. */
function toneWav(
  seconds: number,
  rate: number,
  bitDepth: WavBitDepth = '16',
  channels = 1
): Uint8Array {
  const n = Math.round(seconds * rate)
  const make = (phase: number) =>
    Float64Array.from({ length: n }, (_, i) => {
      const v = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate + phase) + 0.01 * Math.sin(i * 1.7)
      return bitDepth === '16' ? Math.round(v * 32768) / 32768 : Math.fround(v)
    })
  return writeWav({
    sampleRate: rate,
    bitDepth,
    channels: Array.from({ length: channels }, (_, c) => make(c))
  })
}

async function refused(spec: Record<string, unknown>): Promise<StudioError> {
  try {
    await runJob(bench(), spec, 'refused')
  } catch (error) {
    expect(error).toBeInstanceOf(StudioError)
    return error as StudioError
  }
  throw new Error('the job ran')
}

describe('audio.generate', () => {
  it('one window: a PCM16 WAV of frames·hop samples at the model rate, the recipe in ICMT', async () => {
    const run = await runJob(bench(), { task: 'audio.generate', label: 'two', seed: 4 }, 'one')
    const wav = readWav(run.bytes)
    expect(wav.sampleRate).toBe(2000)
    expect(wav.bitDepth).toBe('16')
    expect(wav.channels[0].length).toBe(16 * 16)
    const recipe = recipeOf(run.bytes)
    expect(recipe).toMatchObject({ task: 'audio.generate', label: 'two', seed: 4, frames: 16 })
    expect(String(recipe.inversion)).toMatch(/^griffin-lim \(4 iterations/)
    const artifact = run.updates.find((u) => u.type === 'artifact')
    expect(artifact?.type === 'artifact' && artifact.artifact).toMatchObject({
      kind: 'audio',
      sampleRate: 2000,
      channels: 1,
      seconds: 0.128
    })
  })

  it('longer than the window runs overlapping windows; float32 on request; the same seed gives the same clip', async () => {
    const spec = { task: 'audio.generate', label: 'one', seconds: 0.5, encoding: 'float32' }
    const a = await runJob(bench(), spec, 'long-a')
    const b = await runJob(bench(), spec, 'long-b')
    expect(a.warnings.join(' ')).toMatch(/longer than model "tiny-audio"'s window of 0\.128 s/)
    const wav = readWav(a.bytes)
    expect(wav.bitDepth).toBe('32f')
    expect(wav.channels[0].length).toBe(Math.ceil((0.5 * 2000) / 16) * 16)
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true)
  })

  it('a loop of any length runs (circular windows); a loop under 8 frames is refused', async () => {
    const run = await runJob(bench(), { task: 'audio.generate', seconds: 0.3, loop: true }, 'loop')
    expect(readWav(run.bytes).channels[0].length).toBe(Math.ceil((0.3 * 2000) / 16) * 16)
    expect(recipeOf(run.bytes)).toMatchObject({ loop: true })
    const error = await refused({ task: 'audio.generate', seconds: 0.02, loop: true })
    expect(error.message).toMatch(/under 8 frames/)
  })
})

describe('audio.inpaint', () => {
  const region = { start: 0.1, end: 0.2, feather: 0.01 }

  it('every sample outside the region is the input’s, byte for byte; the recipe records the region', async () => {
    const bytes = toneWav(0.4, 2000)
    const source = (await inputs.add('audio', bytes, 'tone.wav')).ref
    const run = await runJob(
      bench(),
      { task: 'audio.inpaint', source, region, samplerExtra: { resample_count: 1 } },
      'inpaint'
    )
    const input = readWav(bytes).channels[0]
    const output = readWav(run.bytes).channels[0]
    expect(output.length).toBe(input.length)
    let changed = 0
    for (let i = 0; i < input.length; i++) {
      if (i < 200 || i >= 400) expect(output[i], `sample ${i}`).toBe(input[i])
      else if (output[i] !== input[i]) changed++
    }
    expect(changed).toBeGreaterThan(100)
    // The data chunk outside the region is the same bytes (PCM16 in, PCM16 out).
    const dataAt = (b: Uint8Array) => Buffer.from(b).indexOf('data') + 8
    const a = Buffer.from(bytes).subarray(dataAt(bytes))
    const o = Buffer.from(run.bytes).subarray(dataAt(run.bytes))
    expect(o.subarray(0, 400).equals(a.subarray(0, 400))).toBe(true)
    expect(o.subarray(800, 1600).equals(a.subarray(800, 1600))).toBe(true)
    expect(recipeOf(run.bytes)).toMatchObject({
      task: 'audio.inpaint',
      region: { start: 0.1, end: 0.2, feather: 0.01, samples: [200, 400], featherSamples: 20 }
    })
  })

  it('a clip at another rate is resampled for the model with a warning; float32 and stereo are kept', async () => {
    const bytes = toneWav(0.4, 4000, '32f', 2)
    const source = (await inputs.add('audio', bytes, 'stereo.wav')).ref
    const run = await runJob(
      bench(),
      { task: 'audio.inpaint', source, region, samplerExtra: { resample_count: 1 } },
      'inpaint-4k'
    )
    const warning = run.updates.find((u) => u.type === 'warning')
    expect(warning?.type === 'warning' && warning.message).toMatch(/4000 Hz.*2000 Hz.*resampled/)
    const input = readWav(bytes)
    const output = readWav(run.bytes)
    expect([output.sampleRate, output.bitDepth, output.channels.length]).toEqual([4000, '32f', 2])
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < 400; i++) expect(output.channels[c][i]).toBe(input.channels[c][i])
  })

  it('refuses regions outside the clip or under one frame, and files that are not audio', async () => {
    const source = (await inputs.add('audio', toneWav(0.4, 2000), 'tone.wav')).ref
    const run = (r: Record<string, number>) => refused({ task: 'audio.inpaint', source, region: r })
    expect((await run({ start: 0.5, end: 0.6 })).message).toMatch(
      /starts at 0.5 s, after the clip ends \(0\.400 s\)/
    )
    expect((await run({ start: 0.1, end: 0.9 })).message).toMatch(/past the clip's end/)
    expect((await run({ start: 0.1, end: 0.104 })).message).toMatch(
      /shorter than one frame of the model \(8\.0 ms\)/
    )
    await expect(
      inputs.add('audio', new TextEncoder().encode('RIFF....WAVEjunk'), 'bad.wav')
    ).rejects.toThrow(/bad\.wav|not a readable WAV/)
  })
})

describe('audio.extend', () => {
  it('continues a clip by N seconds; the input comes first, unchanged', async () => {
    const bytes = toneWav(0.3, 2000)
    const source = (await inputs.add('audio', bytes, 'tone.wav')).ref
    const run = await runJob(
      bench(),
      { task: 'audio.extend', source, seconds: 0.25, samplerExtra: { resample_count: 1 } },
      'extend'
    )
    const input = readWav(bytes).channels[0]
    const output = readWav(run.bytes).channels[0]
    expect(output.length).toBe(600 + 500)
    expect(Array.from(output.subarray(0, 600))).toEqual(Array.from(input))
    expect(recipeOf(run.bytes)).toMatchObject({
      task: 'audio.extend',
      seconds: 0.25,
      heldFrames: 16
    })
  })
})

describe('video.generate', () => {
  it('writes an animated WebP of the frames at the fps, looping; more frames run windows', async () => {
    const run = await runJob(
      bench(),
      { task: 'video.generate', label: 'three', frames: 10, fps: 12 },
      'clip'
    )
    const meta = await sharp(run.bytes, { pages: -1 }).metadata()
    expect([meta.pages, meta.pageHeight, meta.width, meta.loop]).toEqual([10, 4, 4, 0])
    expect(meta.delay).toEqual(new Array(10).fill(83))
    expect(Buffer.from(meta.xmp ?? []).toString()).toContain('video.generate')
    expect(run.warnings.join(' ')).toMatch(
      /10 frames are more than model "tiny-video"'s window of 4/
    )
  })

  it('a PNG strip holds the frames stacked; loops of any length run', async () => {
    const run = await runJob(
      bench(),
      { task: 'video.generate', frames: 6, loop: true, format: 'png' },
      'strip'
    )
    const meta = await sharp(run.bytes).metadata()
    expect([meta.width, meta.height]).toEqual([4, 24])
  })
})
