import { describe, expect, it } from 'vitest'
import { ImageInputsSchema, type ModelManifest } from '../contract'
import { model, sampler, spec } from '../testing/fixtures'
import {
  buildSpec,
  carryExtra,
  emptyForm,
  modelCalls,
  modelDefaults,
  randomSeed,
  runCalls,
  sizesOf,
  stepsRun,
  upscaleScales,
  validateSpec,
  valuesFromSpec
} from './recipe'

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

describe('modelDefaults', () => {
  it("takes the manifest's sampler, steps, guidance, schedule and first class", () => {
    const values = modelDefaults(model(), samplers, emptyForm())
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
    const values = modelDefaults(m, samplers, { ...emptyForm(), label: 'dog' })
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
    const previous = { ...emptyForm(), inpaintMethod: 'repaint', upscaleMethod: 'ddrm' } as const
    expect(modelDefaults(inpainter, samplers, previous).inpaintMethod).toBe('auto')
    expect(modelDefaults(upscaler, samplers, previous).upscaleMethod).toBe('auto')
    expect(modelDefaults(model(), samplers, previous)).toMatchObject({
      inpaintMethod: 'repaint',
      upscaleMethod: 'ddrm'
    })
  })
})

describe('buildSpec', () => {
  it('sends label and guidance for class models, not the prompt', () => {
    const values = { ...modelDefaults(model(), samplers, emptyForm()), prompt: 'ignored', seed: 7 }
    const s = buildSpec('image.generate', values, model())
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
    const values = { ...emptyForm(), model: 'emoji', prompt: 'a fox', negativePrompt: 'blur' }
    expect(buildSpec('image.generate', values, text)).toMatchObject({
      prompt: 'a fox',
      negativePrompt: 'blur'
    })
    const uncond = model({ conditioning: { type: 'none' } })
    expect(buildSpec('image.generate', values, uncond).guidance).toBeUndefined()
  })

  it('passes the chosen size as width and height', () => {
    const s = buildSpec(
      'image.generate',
      { ...emptyForm(), model: 'emoji', size: '64x48' },
      model()
    )
    expect(s).toMatchObject({ width: 64, height: 48 })
  })
})

describe('validateSpec', () => {
  it('accepts a good spec and names the field of a bad one', () => {
    expect(
      validateSpec(buildSpec('image.generate', { ...emptyForm(), model: 'emoji' }, model())).ok
    ).toBe(true)
    const bad = validateSpec(
      buildSpec('image.generate', { ...emptyForm(), model: 'emoji', steps: 5000 }, model())
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
    const values = { ...emptyForm(), model: 'emoji', count: null as unknown as number }
    const result = validateSpec(buildSpec('image.generate', values, model()))
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.fields.count).toBe('Count is a whole number from 1 to 64.')
  })

  it('asks for the input image of image to image in plain words', () => {
    const result = validateSpec(
      buildSpec('image.img2img', { ...emptyForm(), model: 'emoji' }, model())
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.fields.image).toMatch(/Choose an input image/)
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
    const values = valuesFromSpec(s, emptyForm())
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
    expect(buildSpec('image.generate', values, model())).toMatchObject({
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
    expect(emptyForm('image.inpaint').strength).toBe(1)
    expect(emptyForm('image.img2img').strength).toBe(0.6)
    expect(stepsRun('image.inpaint', { steps: 20, strength: 0.5 })).toBe(10)
    expect(stepsRun('image.upscale', { steps: 20, strength: 0.5 })).toBe(20)
    // Completion runs the strength's share from a mirror start (auto may be one), all steps from noise.
    expect(stepsRun('point-cloud.complete', { steps: 13, strength: 0.5 })).toBe(6)
    expect(stepsRun('point-cloud.complete', { steps: 13, strength: 0.01 })).toBe(1)
    expect(
      stepsRun('point-cloud.complete', { steps: 13, strength: 0.5, completionStart: 'noise' })
    ).toBe(13)
  })

  it('builds an inpainting spec with its mask, method and outpainting frame', () => {
    const values = {
      ...emptyForm('image.inpaint'),
      model: 'emoji',
      image: ref,
      mask: maskRef,
      inpaintMethod: 'repaint' as const,
      feather: 8,
      maskedOnly: false,
      padding: 16,
      outpaintRight: 24,
      size: '64x64'
    }
    const built = buildSpec('image.inpaint', values, model())
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
    const back = valuesFromSpec(checked.spec, emptyForm('image.inpaint'))
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
    const values = { ...emptyForm('image.inpaint'), image: ref, feather: 999, outpaintTop: -1 }
    const result = validateSpec(buildSpec('image.inpaint', values, model()))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.fields.feather).toMatch(/0 to 256/)
    expect(result.fields.outpaint).toMatch(/0 to 2048/)
  })

  it("offers scales up to a super-resolution model's, starts at its own, sends its noise level", () => {
    expect(upscaleScales(sr)).toEqual({ preferred: 4, options: [2, 3, 4] })
    // DDRM with a 32-pixel model: the scales 32 divides by.
    expect(upscaleScales(model())).toEqual({ preferred: null, options: [2, 4, 8] })
    const values = modelDefaults(sr, samplers, { ...emptyForm('image.upscale'), scale: 2 })
    expect(values.scale).toBe(4)
    expect(values.noiseLevel).toBe(20)
    const built = buildSpec('image.upscale', { ...values, image: ref, tile: 256 }, sr)
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
    expect(buildSpec('image.upscale', { ...values, image: ref }, model())).not.toHaveProperty(
      'noiseLevel'
    )
    const checked = validateSpec(built)
    if (!checked.ok) throw new Error(checked.message)
    expect(valuesFromSpec(checked.spec, emptyForm('image.upscale'))).toMatchObject({
      scale: 4,
      tile: 256,
      noiseLevel: 20,
      image: ref
    })
  })

  it('keeps a scale DDRM can do, else picks ×4 or the nearest above', () => {
    const m = model()
    expect(modelDefaults(m, samplers, { ...emptyForm(), scale: 2 }).scale).toBe(2)
    expect(modelDefaults(m, samplers, { ...emptyForm(), scale: 3 }).scale).toBe(4)
  })
})

describe('point-cloud and molecule forms', () => {
  const ref = 'b'.repeat(64)

  it('starts each modality on its own first format', () => {
    expect(emptyForm('image.generate').format).toBe('png')
    expect(emptyForm('point-cloud.generate').format).toBe('ply')
    expect(emptyForm('molecule.conformer').format).toBe('sdf')
  })

  it('sends the partial cloud, its placement and the trajectory for completion', () => {
    const values = { ...emptyForm('point-cloud.complete'), partial: ref, trajectoryEvery: 0 }
    const s = buildSpec('point-cloud.complete', values, undefined)
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
    const missing = validateSpec(buildSpec('point-cloud.complete', emptyForm(), undefined))
    expect(!missing.ok && missing.fields.partial).toMatch(/partial point cloud/)
  })

  it('asks for more points per shape only when set (a dense stage), and reuses it', () => {
    const base = emptyForm('point-cloud.generate')
    expect('points' in buildSpec('point-cloud.generate', base, undefined)).toBe(false)
    const dense = buildSpec('point-cloud.generate', { ...base, points: 8192 }, undefined)
    expect(dense).toMatchObject({ points: 8192 })
    const check = validateSpec(dense)
    if (!check.ok) throw new Error(check.message)
    expect(valuesFromSpec(check.spec, base).points).toBe(8192)
  })

  it('leaves the atom count out when it comes from the training distribution', () => {
    const drawn = buildSpec('molecule.generate', emptyForm('molecule.generate'), undefined)
    expect('atoms' in drawn).toBe(false)
    const fixed = buildSpec(
      'molecule.generate',
      { ...emptyForm('molecule.generate'), atoms: 19 },
      undefined
    )
    expect(fixed).toMatchObject({ atoms: 19, trajectoryEvery: 1, format: 'sdf' })
  })

  it('trims the SMILES and names the field when it is empty', () => {
    const values = { ...emptyForm('molecule.conformer'), smiles: '  CCO \n' }
    expect(buildSpec('molecule.conformer', values, undefined)).toMatchObject({ smiles: 'CCO' })
    const empty = validateSpec(buildSpec('molecule.conformer', emptyForm(), undefined))
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
    const values = valuesFromSpec(conf.spec, emptyForm('molecule.conformer'))
    expect(values).toMatchObject({ smiles: 'CCO', count: 4, format: 'xyz', seedLocked: true })
    const fromFile = validateSpec({ task: 'molecule.conformer', molecule: ref })
    if (!fromFile.ok) throw new Error(fromFile.message)
    expect(valuesFromSpec(fromFile.spec, emptyForm())).toMatchObject({
      molecule: ref,
      conformerFrom: 'file'
    })
    const file = {
      ...emptyForm('molecule.conformer'),
      conformerFrom: 'file' as const,
      molecule: ref
    }
    expect(buildSpec('molecule.conformer', file, undefined)).toMatchObject({ molecule: ref })
    expect('smiles' in buildSpec('molecule.conformer', file, undefined)).toBe(false)
    const done = validateSpec({
      task: 'point-cloud.complete',
      partial: ref,
      placement: 'as-is',
      start: 'mirror',
      strength: 0.35
    })
    if (!done.ok) throw new Error(done.message)
    expect(valuesFromSpec(done.spec, emptyForm())).toMatchObject({
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
      ...modelDefaults(pixel, samplers, emptyForm('image.inpaint')),
      steps: 20,
      guidance: 2,
      samplerExtra: {}
    }
    // 20 levels, jumps of 5 resampled 4 times: 20 + 3 × 3 × 5 = 65 calls, × 2 with guidance.
    expect(runCalls('image.inpaint', values, pixel, samplers[1])).toBe(130)
    expect(
      runCalls('image.inpaint', { ...values, inpaintMethod: 'blend' }, pixel, samplers[1])
    ).toBe(80)
    expect(runCalls('image.generate', values, pixel, samplers[1])).toBe(80)
  })
})
