import { describe, expect, it } from 'vitest'
import type { InstalledModel, ModelManifest } from '../contract'
import { fitsJob, validateJob } from '.'
import { JobSpecSchema } from '../contract'
import { pickModel } from './models'

function model(
  id: string,
  conditioning: ModelManifest['conditioning'],
  origin: InstalledModel['origin'] = 'starter',
  extra: Partial<ModelManifest> = {}
): InstalledModel {
  return {
    origin,
    status: 'ready',
    dir: `/models/${id}`,
    manifest: {
      id,
      tasks: ['image.generate', 'image.inpaint'],
      conditioning,
      imageInputs: {},
      ...extra
    } as unknown as ModelManifest
  } as unknown as InstalledModel
}

const emoji = model('emoji-32', { type: 'class', classes: ['a'], nullClass: 1, input: 'c' })
const photo = model('photo-inpaint', { type: 'none' }, 'starter', {
  tasks: ['image.inpaint'],
  imageInputs: { inpaint: { kind: 'concat' } }
})
const sd = model('my-sd15', { type: 'text', maxTokens: 77, input: 'e' }, 'imported')

describe('the default model of a job', () => {
  it('prefers a starter made for the task', () => {
    expect(pickModel('image.inpaint', [emoji, photo, sd], undefined).manifest.id).toBe(
      'photo-inpaint'
    )
  })

  it('takes a model that fits what the job gives: a prompt needs a text model, a label a class model', () => {
    const models = [emoji, photo, sd]
    const withPrompt = JobSpecSchema.parse({ task: 'image.generate', prompt: 'a fox' })
    expect(pickModel('image.generate', models, undefined, fitsJob(withPrompt)).manifest.id).toBe(
      'my-sd15'
    )
    const withLabel = JobSpecSchema.parse({
      task: 'image.inpaint',
      image: 'a'.repeat(64),
      mask: 'b'.repeat(64),
      label: 'a'
    })
    expect(pickModel('image.inpaint', models, undefined, fitsJob(withLabel)).manifest.id).toBe(
      'emoji-32'
    )
  })

  it('falls back to the first ready model when none fits, whose validation then says why', () => {
    const withPrompt = JobSpecSchema.parse({ task: 'image.generate', prompt: 'a fox' })
    expect(() => validateJob(withPrompt, [emoji])).toThrow(/takes a class label, not a prompt/)
  })
})
