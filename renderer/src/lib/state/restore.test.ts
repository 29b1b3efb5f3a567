import { describe, expect, it } from 'vitest'
import { generateForm, img2imgForm, inpaintForm, upscaleForm } from '../../features/image/forms'
import { model, sampler } from '../testing/fixtures'
import { describeRestore, planRestore, type RestoreContext } from './restore'

const emoji = model({ resolutionBuckets: [{ width: 64, height: 64 }] })
const text = model({
  id: 'sd',
  name: 'SD',
  conditioning: { type: 'text', maxTokens: 77, input: 'ids' }
})
const ctx: RestoreContext = {
  models: [emoji, text],
  samplers: [sampler('euler'), sampler('euler-ancestral'), sampler('dpmpp-2m')],
  formModel: () => 'emoji',
  takes: (task, field) => {
    const forms = [generateForm, img2imgForm, inpaintForm, upscaleForm]
    const form = forms.find((f) => f.task === task)
    return form !== undefined && field in form.defaults()
  }
}
const ref = 'a'.repeat(64)

describe('planRestore from a studio recipe', () => {
  it('restores the job spec, dropping where it ran', () => {
    const json = JSON.stringify({
      studio: '0.1.0',
      task: 'image.inpaint',
      image: ref,
      mask: 'b'.repeat(64),
      model: 'emoji',
      label: 'cat',
      seed: 7,
      steps: 12,
      sampler: 'euler',
      count: 1,
      provider: 'cpu',
      deviceName: 'CPU',
      feather: 6,
      futureKnob: 3
    })
    const plan = planRestore({ studio: json }, ctx)
    expect(plan.kind).toBe('spec')
    if (plan.kind !== 'spec') return
    expect(plan.spec).toMatchObject({ task: 'image.inpaint', image: ref, feather: 6, seed: 7 })
    expect(plan.restored).toEqual(
      expect.arrayContaining(['task image.inpaint', 'input image', 'mask', 'seed 7', '12 steps'])
    )
    expect(plan.ignored).toEqual(['futureKnob'])
    expect(describeRestore(plan)).toMatch(/^Restored task image\.inpaint, .* Ignored futureKnob\.$/)
  })

  it('leaves out a model or sampler that is not here, and says so', () => {
    const json = JSON.stringify({
      task: 'image.generate',
      model: 'gone',
      sampler: 'mystery',
      seed: 1
    })
    const plan = planRestore({ studio: json }, ctx)
    if (plan.kind !== 'spec') throw new Error(plan.kind)
    expect(plan.spec.model).toBeUndefined()
    expect(plan.spec.sampler).toBeUndefined()
    expect(plan.ignored).toEqual([
      'model "gone" (not installed)',
      'sampler "mystery" (unknown here)'
    ])
  })

  it('falls back to the parameters text when the JSON does not parse as a job', () => {
    const plan = planRestore(
      { studio: '{"task":"video.extend"}', parameters: 'cat\nSteps: 5, Seed: 3, Sampler: Euler' },
      ctx
    )
    expect(plan.kind).toBe('values')
    const none = planRestore({ studio: '{"task":"video.extend"}' }, ctx)
    expect(none).toEqual({
      kind: 'none',
      reason: 'The recipe is for "video.extend", which this studio cannot run.'
    })
    expect(planRestore({ studio: 'nope' }, ctx).kind).toBe('none')
  })

  it('says so when a file carries no recipe', () => {
    expect(planRestore(undefined, ctx)).toMatchObject({ kind: 'none' })
    expect(planRestore({}, ctx)).toMatchObject({ kind: 'none' })
  })
})

describe('planRestore from A1111 parameters', () => {
  const a1111 =
    'a lighthouse at dusk\nNegative prompt: blurry\n' +
    'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: abc, Model: sd'

  it('fills a text model form and reports the rest as ignored', () => {
    const plan = planRestore({ parameters: a1111 }, ctx)
    if (plan.kind !== 'values') throw new Error(plan.kind)
    expect(plan.task).toBe('image.generate')
    expect(plan.values).toEqual({
      model: 'sd',
      prompt: 'a lighthouse at dusk',
      negativePrompt: 'blurry',
      steps: 20,
      sampler: 'euler-ancestral',
      guidance: 7,
      seed: 1,
      seedLocked: true
    })
    expect(plan.ignored).toEqual(['size 512x512 (SD makes 32×32)', 'Model hash'])
  })

  it('maps a prompt that names a class onto a class model, and a size it offers', () => {
    const plan = planRestore(
      { parameters: 'CAT\nSteps: 8, Sampler: DPM++ 2M Karras, CFG scale: 2, Seed: 5, Size: 64x64' },
      ctx
    )
    if (plan.kind !== 'values') throw new Error(plan.kind)
    expect(plan.values).toMatchObject({
      label: 'cat',
      sampler: 'dpmpp-2m',
      schedule: 'karras',
      size: '64x64'
    })
    expect(plan.ignored).toEqual([])
  })

  it('ignores a prompt a class model cannot take, an unknown sampler and a bad seed', () => {
    const plan = planRestore(
      { parameters: 'a castle\nSteps: 8, Sampler: Restart, Seed: -1, Clip skip: 2' },
      ctx
    )
    if (plan.kind !== 'values') throw new Error(plan.kind)
    expect(plan.values).toEqual({ steps: 8 })
    expect(plan.ignored).toEqual([
      'prompt (Emoji takes a class, not text)',
      'sampler "Restart" (none here like it)',
      'Seed: -1 (random)',
      'Clip skip'
    ])
  })

  it('takes the studio task and strength from its own parameters text', () => {
    const plan = planRestore(
      {
        parameters:
          'cat\nSteps: 10, Sampler: euler, Schedule type: karras, Seed: 4, Denoising strength: 0.4, Task: image.img2img'
      },
      ctx
    )
    if (plan.kind !== 'values') throw new Error(plan.kind)
    expect(plan.task).toBe('image.img2img')
    expect(plan.values).toMatchObject({ strength: 0.4, schedule: 'karras', label: 'cat' })
  })
})
