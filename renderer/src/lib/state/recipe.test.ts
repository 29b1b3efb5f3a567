import { describe, expect, it } from 'vitest'
import {
  ImageInputsSchema,
  JobSpecSchema,
  describeRange,
  numberRange,
  type JobSpec,
  type ModelManifest,
  type RunnableTaskId,
  type SpecOf
} from '../contract'
import {
  generateForm,
  img2imgForm,
  inpaintForm,
  upscaleForm,
  upscaleScales
} from '../../features/image/forms'
import { conformerForm, generateForm as moleculeGenerateForm } from '../../features/molecule/forms'
import {
  completeForm,
  generateForm as pointCloudGenerateForm
} from '../../features/point-cloud/forms'
import { model, sampler, spec } from '../testing/fixtures'
import {
  buildSpec,
  carryExtra,
  emptyForm,
  fieldLimits,
  fieldRule,
  modelCalls,
  modelDefaults,
  randomSeed,
  runCalls,
  sizesOf,
  stepsRun,
  validateSpec,
  valuesFromSpec,
  type TaskFormDefinition
} from './recipe'

const forms = {
  'image.generate': generateForm,
  'image.img2img': img2imgForm,
  'image.inpaint': inpaintForm,
  'image.upscale': upscaleForm,
  'point-cloud.generate': pointCloudGenerateForm,
  'point-cloud.complete': completeForm,
  'molecule.generate': moleculeGenerateForm,
  'molecule.conformer': conformerForm
}

const samplers = [
  sampler('euler'),
  sampler('heun', { order: 2, callsPerStep: 2 }),
  sampler('ddim', {
    stochastic: true,
    params: [
      { name: 'eta', description: '', default: 0, min: 0, max: 1 },
      { name: 'clip', description: '', default: true }
    ]
  })
]

/** The values "Reuse recipe" gives a fresh form of the spec's task. */
const reuse = (s: JobSpec): Record<string, unknown> => {
  const form = forms[s.task as keyof typeof forms] as TaskFormDefinition<RunnableTaskId, object>
  return valuesFromSpec(form, s, emptyForm(form))
}

describe('modelDefaults', () => {
  it("takes the manifest's sampler, steps, guidance, schedule and first class", () => {
    const values = modelDefaults(generateForm, model(), samplers, emptyForm(generateForm))
    expect(values).toMatchObject({
      model: 'emoji',
      sampler: 'heun',
      steps: 18,
      guidance: 2.5,
      schedule: 'karras',
      label: 'cat'
    })
  })

  it('keeps the chosen class when the new model has it, and falls back to a known sampler', () => {
    const m = model({ defaults: { sampler: 'nope', steps: 5, guidance: 1, schedule: 'karras' } })
    const values = modelDefaults(generateForm, m, samplers, {
      ...emptyForm(generateForm),
      label: 'dog'
    })
    expect(values.label).toBe('dog')
    expect(values.sampler).toBe('euler')
    expect(values.schedule).toBe('karras')
  })

  it('drops a method the new model cannot run (the field offers only what it can), keeps one it can', () => {
    const inpainter = model({
      tasks: ['image.inpaint'],
      imageInputs: { inpaint: { kind: 'concat' } }
    })
    const upscaler = model({
      tasks: ['image.upscale'],
      imageInputs: { upscale: { scale: 4, lowRes: { kind: 'input', input: 'low_res' } } }
    } as Partial<ModelManifest>)
    const inpaint = { ...emptyForm(inpaintForm), inpaintMethod: 'repaint' } as const
    const upscale = { ...emptyForm(upscaleForm), upscaleMethod: 'ddrm' } as const
    expect(modelDefaults(inpaintForm, inpainter, samplers, inpaint).inpaintMethod).toBe('auto')
    expect(modelDefaults(upscaleForm, upscaler, samplers, upscale).upscaleMethod).toBe('auto')
    expect(modelDefaults(inpaintForm, model(), samplers, inpaint).inpaintMethod).toBe('repaint')
    expect(modelDefaults(upscaleForm, model(), samplers, upscale).upscaleMethod).toBe('ddrm')
  })
})

describe('buildSpec', () => {
  it('sends label and guidance for class models, not the prompt', () => {
    const values = {
      ...modelDefaults(generateForm, model(), samplers, emptyForm(generateForm)),
      prompt: 'ignored',
      seed: 7
    }
    const s = buildSpec(forms['image.generate'], values, model())
    expect(s).toMatchObject({
      task: 'image.generate',
      model: 'emoji',
      label: 'cat',
      guidance: 2.5,
      seed: 7
    })
    expect('prompt' in s).toBe(false)
  })

  it('sends prompts for text models and leaves guidance out for unconditional ones', () => {
    const text = model({ conditioning: { type: 'text', maxTokens: 77, input: 'ids' } })
    const values = {
      ...emptyForm(generateForm),
      model: 'emoji',
      prompt: 'a fox',
      negativePrompt: 'blur'
    }
    expect(buildSpec(forms['image.generate'], values, text)).toMatchObject({
      prompt: 'a fox',
      negativePrompt: 'blur'
    })
    const uncond = model({ conditioning: { type: 'none' } })
    expect(buildSpec(forms['image.generate'], values, uncond).guidance).toBeUndefined()
  })

  it('passes the chosen size as width and height', () => {
    const s = buildSpec(
      forms['image.generate'],
      { ...emptyForm(generateForm), model: 'emoji', size: '64x48' },
      model()
    )
    expect(s).toMatchObject({ width: 64, height: 48 })
  })
})

describe('validateSpec', () => {
  it('accepts a good spec and names the field of a bad one', () => {
    expect(
      validateSpec(
        buildSpec(forms['image.generate'], { ...emptyForm(generateForm), model: 'emoji' }, model())
      ).ok
    ).toBe(true)
    const bad = validateSpec(
      buildSpec(
        forms['image.generate'],
        { ...emptyForm(generateForm), model: 'emoji', steps: 5000 },
        model()
      )
    )
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(Object.keys(bad.fields)).toEqual(['steps'])
      // Plain words, not schema text.
      expect(bad.fields.steps).toBe('Steps is a whole number from 1 to 1000.')
      expect(bad.message).not.toMatch(/expected|Too big|<=/)
    }
  })

  it('rejects a cleared number field (null from an empty input)', () => {
    const values = { ...emptyForm(generateForm), model: 'emoji', count: null as unknown as number }
    const result = validateSpec(buildSpec(forms['image.generate'], values, model()))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.fields.count).toBe('Count is a whole number from 1 to 64.')
  })

  it('asks for the input image of image to image in plain words', () => {
    const result = validateSpec(
      buildSpec(img2imgForm, { ...emptyForm(img2imgForm), model: 'emoji' }, model())
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.fields.image).toMatch(/Choose an input image/)
  })
})

describe('field hints and limits come from the spec schemas', () => {
  it('names each typed field with the range or length its schema declares', () => {
    expect(fieldRule('image.generate', ['steps'])).toBe('Steps is a whole number from 1 to 1000.')
    expect(fieldRule('image.generate', ['seed'])).toBe('The seed is a whole number of at least 0.')
    expect(fieldRule('image.img2img', ['strength'])).toBe('Strength is a number above 0, up to 1.')
    expect(fieldRule('image.inpaint', ['outpaint', 'top'])).toBe(
      'Each side of the outpainting frame (pixels) is a whole number from 0 to 2048.'
    )
    expect(fieldRule('image.generate', ['prompt'])).toBe(
      'The prompt can be at most 4000 characters.'
    )
    expect(fieldRule('molecule.conformer', ['smiles'])).toBe(
      'Enter a molecule as SMILES (at most 500 characters).'
    )
    expect(fieldRule('point-cloud.complete', ['partial'])).toMatch(/Choose a partial point cloud/)
  })

  it('follows the schema: every numeric field of every task, its range as the schema gives it', () => {
    for (const option of JobSpecSchema.options) {
      const task = option.shape.task.value
      for (const [key, field] of Object.entries(option.shape)) {
        const range = numberRange(field as never)
        // Width and height are picked from the model's sizes, not typed.
        if (!range || key === 'width' || key === 'height') continue
        expect(fieldRule(task, [key]), `${task} ${key}`).toContain(describeRange(range))
        expect(fieldLimits(task, [key])).toEqual({ min: range.min, max: range.max })
      }
    }
    expect(fieldLimits('image.upscale', ['tile'])).toEqual({ min: 0, max: 4096 })
    expect(fieldLimits('image.generate', ['prompt'])).toEqual({})
  })
})

describe('valuesFromSpec (reuse recipe)', () => {
  it('restores every field and locks the seed', () => {
    const s = spec({
      model: 'emoji',
      label: 'dog',
      seed: 99,
      steps: 30,
      sampler: 'ddim',
      samplerExtra: { eta: 0.5 },
      schedule: 'exponential',
      guidance: 4,
      count: 2,
      width: 64,
      height: 64
    })
    const values = valuesFromSpec(
      generateForm,
      s as SpecOf<'image.generate'>,
      emptyForm(generateForm)
    )
    expect(values).toMatchObject({
      model: 'emoji',
      label: 'dog',
      seed: 99,
      seedLocked: true,
      steps: 30,
      sampler: 'ddim',
      samplerExtra: { eta: 0.5 },
      schedule: 'exponential',
      guidance: 4,
      count: 2,
      size: '64x64'
    })
    // And the round trip gives the same spec back.
    expect(buildSpec(forms['image.generate'], values, model())).toMatchObject({
      seed: 99,
      steps: 30,
      sampler: 'ddim',
      label: 'dog',
      width: 64
    })
  })
})

describe('sampler parameters', () => {
  it('defaults new parameters and carries over matching ones', () => {
    const ddim = samplers[2]
    expect(carryExtra({}, ddim)).toEqual({ eta: 0, clip: true })
    expect(carryExtra({ eta: 0.7, clip: 'x', other: 1 }, ddim)).toEqual({ eta: 0.7, clip: true })
    expect(carryExtra({ eta: 0.7 }, samplers[0])).toEqual({})
  })

  it('counts model calls: steps × calls per step × 2 with guidance', () => {
    expect(modelCalls(20, samplers[1], false)).toBe(40)
    expect(modelCalls(20, samplers[1], true)).toBe(80)
    expect(modelCalls(20, undefined, false)).toBe(20)
  })
})

describe('misc', () => {
  it('rolls seeds in [0, 2^32)', () => {
    expect(randomSeed(() => 0)).toBe(0)
    expect(randomSeed(() => 0.999999999999)).toBe(2 ** 32 - 1)
  })

  it('lists the native size first, then buckets', () => {
    const m = model({
      resolutionBuckets: [
        { width: 64, height: 64 },
        { width: 32, height: 32 }
      ]
    })
    expect(sizesOf(m).map((s) => s.key)).toEqual(['', '64x64'])
  })
})

describe('inpainting and upscaling forms', () => {
  const ref = 'c'.repeat(64)
  const maskRef = 'd'.repeat(64)
  const sr = model({
    id: 'sr4',
    conditioning: { type: 'none' },
    imageInputs: ImageInputsSchema.parse({
      upscale: {
        scale: 4,
        lowRes: { kind: 'input', input: 'low_res' },
        noiseLevel: { input: 'noise_level', default: 20, max: 350 }
      }
    })
  })

  it('starts inpainting at strength 1 and image to image at 0.6', () => {
    expect(emptyForm(forms['image.inpaint']).strength).toBe(1)
    expect(emptyForm(img2imgForm).strength).toBe(0.6)
    expect(stepsRun(inpaintForm, { ...emptyForm(inpaintForm), steps: 20, strength: 0.5 })).toBe(10)
    expect(stepsRun(img2imgForm, { ...emptyForm(img2imgForm), steps: 20, strength: 0.5 })).toBe(10)
    expect(stepsRun(upscaleForm, { ...emptyForm(upscaleForm), steps: 20 })).toBe(20)
    // Completion runs the strength's share from a mirror start (auto may be one), all steps from noise.
    const complete = { ...emptyForm(completeForm), steps: 13, strength: 0.5 }
    expect(stepsRun(completeForm, complete)).toBe(6)
    expect(stepsRun(completeForm, { ...complete, strength: 0.01 })).toBe(1)
    expect(stepsRun(completeForm, { ...complete, completionStart: 'noise' })).toBe(13)
  })

  it('builds an inpainting spec with its mask, method and outpainting frame', () => {
    const values = {
      ...emptyForm(forms['image.inpaint']),
      model: 'emoji',
      image: ref,
      mask: maskRef,
      inpaintMethod: 'repaint' as const,
      feather: 8,
      maskedOnly: false,
      padding: 16,
      outpaintRight: 24
    }
    const built = buildSpec(forms['image.inpaint'], values, model())
    expect(built).toMatchObject({
      task: 'image.inpaint',
      image: ref,
      mask: maskRef,
      method: 'repaint',
      feather: 8,
      maskedOnly: false,
      padding: 16,
      outpaint: { left: 0, top: 0, right: 24, bottom: 0 },
      strength: 1
    })
    expect(built).not.toHaveProperty('width')
    const checked = validateSpec(built)
    expect(checked.ok).toBe(true)
    if (!checked.ok) return
    // Reuse gives the same values back.
    const back = reuse(checked.spec)
    expect(back).toMatchObject({
      image: ref,
      mask: maskRef,
      inpaintMethod: 'repaint',
      feather: 8,
      maskedOnly: false,
      outpaintRight: 24
    })
  })

  it('names a bad feather or outpainting side in plain words', () => {
    const values = {
      ...emptyForm(forms['image.inpaint']),
      image: ref,
      feather: 999,
      outpaintTop: -1
    }
    const result = validateSpec(buildSpec(forms['image.inpaint'], values, model()))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.fields.feather).toMatch(/0 to 256/)
    expect(result.fields.outpaint).toMatch(/0 to 2048/)
  })

  it("offers scales up to a super-resolution model's, starts at its own, sends its noise level", () => {
    expect(upscaleScales(sr)).toEqual({ preferred: 4, options: [2, 3, 4] })
    // DDRM with a 32-pixel model: the scales 32 divides by.
    expect(upscaleScales(model())).toEqual({ preferred: null, options: [2, 4, 8] })
    const values = modelDefaults(upscaleForm, sr, samplers, {
      ...emptyForm(forms['image.upscale']),
      scale: 2
    })
    expect(values.scale).toBe(4)
    expect(values.noiseLevel).toBe(20)
    const built = buildSpec(forms['image.upscale'], { ...values, image: ref, tile: 256 }, sr)
    expect(built).toMatchObject({
      task: 'image.upscale',
      image: ref,
      scale: 4,
      method: 'auto',
      tile: 256,
      tileOverlap: 32,
      noiseLevel: 20
    })
    expect(built).not.toHaveProperty('guidance')
    // A model without a noise level gets none.
    expect(
      buildSpec(forms['image.upscale'], { ...values, image: ref }, model())
    ).not.toHaveProperty('noiseLevel')
    const checked = validateSpec(built)
    if (!checked.ok) throw new Error(checked.message)
    expect(reuse(checked.spec)).toMatchObject({
      scale: 4,
      tile: 256,
      noiseLevel: 20,
      image: ref
    })
  })

  it('keeps a scale DDRM can do, else picks ×4 or the nearest above', () => {
    const m = model()
    expect(
      modelDefaults(upscaleForm, m, samplers, { ...emptyForm(upscaleForm), scale: 2 }).scale
    ).toBe(2)
    expect(
      modelDefaults(upscaleForm, m, samplers, { ...emptyForm(upscaleForm), scale: 3 }).scale
    ).toBe(4)
  })
})

describe('point-cloud and molecule forms', () => {
  const ref = 'b'.repeat(64)

  it('starts each modality on its own first format', () => {
    expect(emptyForm(forms['image.generate']).format).toBe('png')
    expect(emptyForm(forms['point-cloud.generate']).format).toBe('ply')
    expect(emptyForm(forms['molecule.conformer']).format).toBe('sdf')
  })

  it('sends the partial cloud, its placement and the trajectory for completion', () => {
    const values = { ...emptyForm(forms['point-cloud.complete']), partial: ref, trajectoryEvery: 0 }
    const s = buildSpec(forms['point-cloud.complete'], values, undefined)
    expect(s).toMatchObject({
      task: 'point-cloud.complete',
      partial: ref,
      placement: 'auto',
      start: 'auto',
      strength: 0.5,
      trajectoryEvery: 0,
      format: 'ply'
    })
    expect(validateSpec(s).ok).toBe(true)
    const missing = validateSpec(buildSpec(completeForm, emptyForm(completeForm), undefined))
    expect(!missing.ok && missing.fields.partial).toMatch(/partial point cloud/)
  })

  it('asks for more points per shape only when set (a dense stage), and reuses it', () => {
    const base = emptyForm(forms['point-cloud.generate'])
    expect('points' in buildSpec(forms['point-cloud.generate'], base, undefined)).toBe(false)
    const dense = buildSpec(forms['point-cloud.generate'], { ...base, points: 8192 }, undefined)
    expect(dense).toMatchObject({ points: 8192 })
    const check = validateSpec(dense)
    if (!check.ok) throw new Error(check.message)
    expect(reuse(check.spec).points).toBe(8192)
  })

  it('leaves the atom count out when it comes from the training distribution', () => {
    const drawn = buildSpec(
      forms['molecule.generate'],
      emptyForm(forms['molecule.generate']),
      undefined
    )
    expect('atoms' in drawn).toBe(false)
    const fixed = buildSpec(
      forms['molecule.generate'],
      { ...emptyForm(forms['molecule.generate']), atoms: 19 },
      undefined
    )
    expect(fixed).toMatchObject({ atoms: 19, trajectoryEvery: 1, format: 'sdf' })
  })

  it('trims the SMILES and names the field when it is empty', () => {
    const values = { ...emptyForm(forms['molecule.conformer']), smiles: '  CCO \n' }
    expect(buildSpec(forms['molecule.conformer'], values, undefined)).toMatchObject({
      smiles: 'CCO'
    })
    const empty = validateSpec(buildSpec(conformerForm, emptyForm(conformerForm), undefined))
    expect(!empty.ok && empty.fields.smiles).toMatch(/SMILES/)
  })

  it('reuses a conformer and a completion recipe', () => {
    const conf = validateSpec({
      task: 'molecule.conformer',
      smiles: 'CCO',
      count: 4,
      format: 'xyz'
    })
    if (!conf.ok) throw new Error(conf.message)
    const values = reuse(conf.spec)
    expect(values).toMatchObject({ smiles: 'CCO', count: 4, format: 'xyz', seedLocked: true })
    const fromFile = validateSpec({ task: 'molecule.conformer', molecule: ref })
    if (!fromFile.ok) throw new Error(fromFile.message)
    expect(reuse(fromFile.spec)).toMatchObject({
      molecule: ref,
      conformerFrom: 'file'
    })
    const file = {
      ...emptyForm(forms['molecule.conformer']),
      conformerFrom: 'file' as const,
      molecule: ref
    }
    expect(buildSpec(forms['molecule.conformer'], file, undefined)).toMatchObject({ molecule: ref })
    expect('smiles' in buildSpec(forms['molecule.conformer'], file, undefined)).toBe(false)
    const done = validateSpec({
      task: 'point-cloud.complete',
      partial: ref,
      placement: 'as-is',
      start: 'mirror',
      strength: 0.35
    })
    if (!done.ok) throw new Error(done.message)
    expect(reuse(done.spec)).toMatchObject({
      partial: ref,
      placement: 'as-is',
      completionStart: 'mirror',
      strength: 0.35,
      format: 'ply'
    })
  })
})

describe('runCalls', () => {
  it("counts RePaint's resampling where inpainting runs RePaint, the sampler's calls elsewhere", () => {
    const pixel = model({ tasks: ['image.inpaint'] })
    const values = {
      ...modelDefaults(inpaintForm, pixel, samplers, emptyForm(inpaintForm)),
      steps: 20,
      guidance: 2,
      samplerExtra: {}
    }
    // 20 levels, jumps of 5 resampled 4 times: 20 + 3 × 3 × 5 = 65 calls, × 2 with guidance.
    expect(runCalls(forms['image.inpaint'], values, pixel, samplers[1])).toBe(130)
    expect(
      runCalls(forms['image.inpaint'], { ...values, inpaintMethod: 'blend' }, pixel, samplers[1])
    ).toBe(80)
    expect(
      runCalls(generateForm, { ...emptyForm(generateForm), ...values }, pixel, samplers[1])
    ).toBe(80)
  })
})
