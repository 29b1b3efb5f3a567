import { describe, expect, it } from 'vitest'
import { mapSampler, mapSchedule, parseA1111 } from './a1111'

const samplers = ['euler', 'euler-ancestral', 'dpmpp-2m', 'dpmpp-2m-sde', 'ddim', 'unipc-bh1']
const schedules = ['model', 'linspace', 'karras', 'exponential', 'trailing']

describe('parseA1111', () => {
  it('reads the classic three parts', () => {
    const p = parseA1111(
      'a cat in a hat, masterpiece\nNegative prompt: blurry, lowres\n' +
        'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: abc123'
    )
    expect(p.prompt).toBe('a cat in a hat, masterpiece')
    expect(p.negativePrompt).toBe('blurry, lowres')
    expect(p.settings).toEqual({
      Steps: '20',
      Sampler: 'Euler a',
      'CFG scale': '7',
      Seed: '1',
      Size: '512x512',
      'Model hash': 'abc123'
    })
  })

  it('keeps multi-line prompts and negative prompts, and CRLF line ends', () => {
    const p = parseA1111(
      'line one\r\nline two\r\nNegative prompt: bad\r\nworse\r\nSteps: 5, Sampler: DDIM, Seed: 9'
    )
    expect(p.prompt).toBe('line one\nline two')
    expect(p.negativePrompt).toBe('bad\nworse')
    expect(p.settings.Seed).toBe('9')
  })

  it('unquotes JSON-quoted values that hold commas', () => {
    const p = parseA1111(
      'x\nSteps: 30, Sampler: DPM++ 2M, Lora hashes: "a: 1, b: 2", Seed: 3, Version: v1.9.4'
    )
    expect(p.settings['Lora hashes']).toBe('a: 1, b: 2')
    expect(p.settings.Version).toBe('v1.9.4')
    expect(p.settings.Seed).toBe('3')
  })

  it('treats a last line with fewer than three settings as prompt', () => {
    const p = parseA1111('portrait\nstyle: oil')
    expect(p.prompt).toBe('portrait\nstyle: oil')
    expect(p.settings).toEqual({})
  })

  it('reads settings without a prompt, and an empty text', () => {
    const p = parseA1111('Steps: 4, Sampler: euler, Seed: 7, Task: image.generate')
    expect(p.prompt).toBe('')
    expect(p.settings.Task).toBe('image.generate')
    expect(parseA1111('')).toEqual({ prompt: '', negativePrompt: '', settings: {} })
  })

  it("reads this studio's own parameters text", () => {
    const p = parseA1111(
      'Smileys & Emotion\nSteps: 20, Sampler: dpmpp-2m, Schedule type: karras, CFG scale: 3, Seed: 7, ' +
        'Size: 32x32, Model: emoji-32, Task: image.generate, Device: cpu'
    )
    expect(p.prompt).toBe('Smileys & Emotion')
    expect(p.settings['Schedule type']).toBe('karras')
    expect(p.settings.Model).toBe('emoji-32')
  })
})

describe('mapSampler / mapSchedule', () => {
  it('maps A1111 names, old Karras suffixes and studio names', () => {
    expect(mapSampler('Euler a', samplers)).toEqual({ sampler: 'euler-ancestral' })
    expect(mapSampler('DPM++ 2M Karras', samplers)).toEqual({
      sampler: 'dpmpp-2m',
      schedule: 'karras'
    })
    expect(mapSampler('dpmpp-2m-sde', samplers)).toEqual({ sampler: 'dpmpp-2m-sde' })
    expect(mapSampler('UniPC', samplers)).toEqual({ sampler: 'unipc-bh1' })
    expect(mapSampler('Restart', samplers)).toBeNull()
    expect(mapSampler('LMS', samplers)).toBeNull()
  })

  it('maps schedule types', () => {
    expect(mapSchedule('Karras', schedules)).toBe('karras')
    expect(mapSchedule('SGM Uniform', schedules)).toBe('trailing')
    expect(mapSchedule('Automatic', schedules)).toBe('model')
    expect(mapSchedule('linspace', schedules)).toBe('linspace')
    expect(mapSchedule('Beta', schedules)).toBeNull()
  })
})
