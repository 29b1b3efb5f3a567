// Each task definition's `validate`, on the starter models' real manifests: a good spec is accepted with
// its model id and settled fields; each bad one is refused with its code and a message naming the fix.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  JobSpecSchema,
  ModelManifestSchema,
  StudioError,
  type ModelManifest,
  type RunnableTaskId,
  type SpecOf
} from '../contract'
import { projectRoot } from '../platform/paths'
import { taskDefinition } from '.'

const manifestOf = (id: string): ModelManifest =>
  ModelManifestSchema.parse(
    JSON.parse(
      readFileSync(join(projectRoot, 'native-models', 'starter', id, 'manifest.json'), 'utf8')
    )
  )
const emoji = manifestOf('emoji-32')
const photoInpaint = manifestOf('photo-inpaint')
const photoSr = manifestOf('photo-sr4')
const shapes = manifestOf('shapes-2k')
const edm = manifestOf('qm9-mini-edm')
const conf = manifestOf('qm9-mini-conf')

const ref = (c: string) => c.repeat(64)

function validate<T extends RunnableTaskId>(
  task: T,
  fields: Record<string, unknown>,
  manifest: ModelManifest
) {
  const spec = JobSpecSchema.parse({ task, ...fields }) as SpecOf<T>
  return taskDefinition(task).validate(spec, manifest)
}

/** The error a validation throws: its code and message. */
function refusal<T extends RunnableTaskId>(
  task: T,
  fields: Record<string, unknown>,
  manifest: ModelManifest
): { code: string; message: string } {
  try {
    validate(task, fields, manifest)
  } catch (error) {
    if (!(error instanceof StudioError)) throw error
    return { code: error.code, message: error.message }
  }
  throw new Error(`${task} accepted ${JSON.stringify(fields)}`)
}

describe('image.generate', () => {
  it('accepts a class and the native size, settling the model id and the label spelling', () => {
    const { spec, warnings } = validate(
      'image.generate',
      { label: 'animals & nature', width: 32, height: 32 },
      emoji
    )
    expect(spec).toMatchObject({ model: 'emoji-32', label: 'Animals & Nature', width: 32 })
    expect(warnings).toEqual([])
  })

  it('refuses a size the model does not make, a prompt on a class model, an unknown class', () => {
    expect(refusal('image.generate', { width: 64 }, emoji)).toEqual({
      code: 'invalid-request',
      message: expect.stringMatching(/makes 32×32 images; 64×32 was asked/)
    })
    expect(refusal('image.generate', { prompt: 'a cat' }, emoji).code).toBe('invalid-request')
    expect(refusal('image.generate', { label: 'Dinosaurs' }, emoji).message).toMatch(
      /Unknown label "Dinosaurs"/
    )
    expect(refusal('image.generate', {}, shapes)).toEqual({
      code: 'model-mismatch',
      message: 'Model "shapes-2k" is not an image model.'
    })
  })
})

describe('image.img2img', () => {
  it('accepts an input and a strength', () => {
    const { spec } = validate('image.img2img', { image: ref('a'), strength: 0.3 }, emoji)
    expect(spec).toMatchObject({ model: 'emoji-32', image: ref('a'), strength: 0.3 })
  })

  it('refuses a size the model does not make and a molecule model', () => {
    expect(
      refusal('image.img2img', { image: ref('a'), width: 33, height: 33 }, emoji).message
    ).toMatch(/33×33 was asked/)
    expect(refusal('image.img2img', { image: ref('a') }, conf).code).toBe('model-mismatch')
  })
})

describe('image.inpaint', () => {
  it('accepts a mask on the dedicated model and an outpainting border without one', () => {
    expect(
      validate('image.inpaint', { image: ref('a'), mask: ref('b') }, photoInpaint).spec
    ).toMatchObject({ model: 'photo-inpaint', mask: ref('b') })
    expect(
      validate('image.inpaint', { image: ref('a'), outpaint: { right: 16 } }, emoji).spec.outpaint
    ).toEqual({ left: 0, top: 0, right: 16, bottom: 0 })
  })

  it('refuses neither mask nor border, a method the model cannot run, RePaint knobs out of range', () => {
    expect(refusal('image.inpaint', { image: ref('a') }, emoji)).toEqual({
      code: 'invalid-request',
      message:
        'Inpainting needs a mask (white = regenerate) or an outpainting border; neither was given.'
    })
    const dedicated = refusal(
      'image.inpaint',
      { image: ref('a'), mask: ref('b'), method: 'dedicated' },
      emoji
    )
    expect(dedicated.code).toBe('invalid-request')
    expect(dedicated.message).toMatch(/emoji|inpaint/i)
    expect(
      refusal(
        'image.inpaint',
        { image: ref('a'), mask: ref('b'), method: 'repaint', samplerExtra: { jump_length: 99 } },
        emoji
      ).message
    ).toBe("RePaint's jump_length must be an integer from 1 to 50; 99 was given.")
  })
})

describe('image.upscale', () => {
  it("accepts the SR model's own scale, and DDRM's scales of the tile side", () => {
    expect(validate('image.upscale', { image: ref('a'), scale: 4 }, photoSr).spec).toMatchObject({
      model: 'photo-sr4',
      scale: 4
    })
    expect(validate('image.upscale', { image: ref('a'), scale: 2 }, emoji).spec.scale).toBe(2)
  })

  it('refuses a scale above the model, one DDRM cannot tile, a noise level, a bad tile', () => {
    expect(refusal('image.upscale', { image: ref('a'), scale: 8 }, photoSr).message).toMatch(
      /upscales up to ×4; ×8 was asked/
    )
    expect(refusal('image.upscale', { image: ref('a'), scale: 3 }, emoji).message).toMatch(
      /makes 32×32 tiles, which ×3 does not/
    )
    expect(
      refusal('image.upscale', { image: ref('a'), scale: 4, noiseLevel: 20 }, photoSr).message
    ).toBe('Model "photo-sr4" takes no noise level; leave --noise-level out.')
    expect(
      refusal('image.upscale', { image: ref('a'), scale: 2, tile: 64, tileOverlap: 40 }, emoji)
        .message
    ).toBe('Tile overlap 40 must be less than half the tile (64).')
  })
})

describe('point-cloud.generate', () => {
  it('accepts a class (any case) and a dense stage', () => {
    const { spec } = validate('point-cloud.generate', { label: 'CHAIR', points: 4096 }, shapes)
    expect(spec).toMatchObject({ model: 'shapes-2k', label: 'chair', points: 4096 })
  })

  it('refuses fewer points than the model makes, an unknown class, an image model', () => {
    expect(refusal('point-cloud.generate', { points: 100 }, shapes).message).toBe(
      'Model "shapes-2k" makes 2048 points per shape; ask for that many or more (a dense stage adds points).'
    )
    expect(refusal('point-cloud.generate', { label: 'sofa-bed' }, shapes).message).toMatch(
      /Unknown label "sofa-bed"/
    )
    expect(refusal('point-cloud.generate', {}, emoji)).toEqual({
      code: 'model-mismatch',
      message: 'Model "emoji-32" is not a point-cloud model.'
    })
  })
})

describe('point-cloud.complete', () => {
  it('accepts a partial cloud and a placement', () => {
    expect(
      validate('point-cloud.complete', { partial: ref('c'), placement: 'as-is' }, shapes).spec
    ).toMatchObject({ model: 'shapes-2k', partial: ref('c'), placement: 'as-is' })
  })

  it('refuses an unknown class and a molecule model', () => {
    expect(
      refusal('point-cloud.complete', { partial: ref('c'), label: 'dinosaur' }, shapes).message
    ).toMatch(/Unknown label "dinosaur"/)
    expect(refusal('point-cloud.complete', { partial: ref('c') }, edm).code).toBe('model-mismatch')
  })
})

describe('molecule.generate', () => {
  it('accepts the histogram and a fixed atom count', () => {
    expect(validate('molecule.generate', {}, edm).spec.model).toBe('qm9-mini-edm')
    expect(validate('molecule.generate', { atoms: 19 }, edm).spec.atoms).toBe(19)
  })

  it('refuses more atoms than the model makes and a conformer model', () => {
    expect(refusal('molecule.generate', { atoms: 40 }, edm).message).toBe(
      'Model "qm9-mini-edm" makes molecules of at most 29 atoms (hydrogens included); 40 were asked.'
    )
    expect(refusal('molecule.generate', {}, conf)).toEqual({
      code: 'model-mismatch',
      message:
        'Model "qm9-mini-conf" finds conformers of a given molecule; it does not generate molecules.'
    })
  })
})

describe('molecule.conformer', () => {
  it('accepts a SMILES and a molecule file', () => {
    expect(validate('molecule.conformer', { smiles: 'CCO' }, conf).spec).toMatchObject({
      model: 'qm9-mini-conf',
      smiles: 'CCO'
    })
    expect(validate('molecule.conformer', { molecule: ref('d') }, conf).spec.molecule).toBe(
      ref('d')
    )
  })

  it('refuses both or neither, a malformed SMILES, an element the model lacks, a generator', () => {
    const one = 'Conformers need one molecule: a SMILES or a MOL/SDF file (not both, not neither).'
    expect(refusal('molecule.conformer', {}, conf).message).toBe(one)
    expect(refusal('molecule.conformer', { smiles: 'CCO', molecule: ref('d') }, conf).message).toBe(
      one
    )
    expect(refusal('molecule.conformer', { smiles: 'C(' }, conf).code).toBe('bad-input')
    const sulphur = refusal('molecule.conformer', { smiles: 'CCS' }, conf)
    expect(sulphur.message).toMatch(/S/)
    expect(refusal('molecule.conformer', { smiles: 'CCO' }, edm).code).toBe('model-mismatch')
  })
})
