// The window and the command line on the real starter models: the same job gets the same model, and no
// starter's defaults (as the window fills them in, or as the CLI leaves them out) trip a warning.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  JobSpecSchema,
  fewStepsWarning,
  runnableTaskIds,
  type InstalledModel,
  type JobSpecInput,
  type RunnableTaskId
} from '../contract'
import { ModelRegistry } from '../models/registry'
import { projectRoot } from '../platform/paths'
import {
  buildSpec,
  emptyForm,
  modelDefaults,
  startingModel,
  type TaskFormDefinitions
} from '../../renderer/src/lib/state/recipe'
import * as audio from '../../renderer/src/features/audio/forms'
import * as image from '../../renderer/src/features/image/forms'
import * as molecule from '../../renderer/src/features/molecule/forms'
import * as pointCloud from '../../renderer/src/features/point-cloud/forms'
import * as video from '../../renderer/src/features/video/forms'
import { samplerDescriptors, validateJob } from '.'

const ref = (c: string) => c.repeat(64)

/** What a job of each task needs besides sampling (as the CLI's required options give it). */
const inputsOf: Record<RunnableTaskId, Record<string, unknown>> = {
  'image.generate': {},
  'image.img2img': { image: ref('a') },
  'image.inpaint': { image: ref('a'), mask: ref('b') },
  'image.upscale': { image: ref('a') },
  'point-cloud.generate': {},
  'point-cloud.complete': { partial: ref('c') },
  'molecule.generate': {},
  'molecule.conformer': { smiles: 'CCO' },
  'audio.generate': {},
  'audio.inpaint': { source: ref('d'), region: { start: 0.1, end: 0.5 } },
  'audio.extend': { source: ref('d'), seconds: 1 },
  'video.generate': {}
}

/** The window's form of each task (the panels' definitions). */
const forms: TaskFormDefinitions = {
  'image.generate': image.generateForm,
  'image.img2img': image.img2imgForm,
  'image.inpaint': image.inpaintForm,
  'image.upscale': image.upscaleForm,
  'point-cloud.generate': pointCloud.generateForm,
  'point-cloud.complete': pointCloud.completeForm,
  'molecule.generate': molecule.generateForm,
  'molecule.conformer': molecule.conformerForm,
  'audio.generate': audio.generateForm,
  'audio.inpaint': audio.inpaintForm,
  'audio.extend': audio.extendForm,
  'video.generate': video.generateForm
}

let models: InstalledModel[] = []
let userDir = ''
beforeAll(async () => {
  userDir = mkdtempSync(join(tmpdir(), 'studio-defaults-'))
  const registry = new ModelRegistry({
    starter: join(projectRoot, 'native-models', 'starter'),
    user: userDir
  })
  models = await registry.list()
})
afterAll(() => rmSync(userDir, { recursive: true, force: true }))

describe('the default model: one rule for the window and the command line', () => {
  it('every task opens in the window on the model the CLI picks for the same job', () => {
    expect(models.filter((m) => m.status === 'ready').length).toBeGreaterThan(3)
    const chosen: Record<string, string | undefined> = {}
    for (const task of runnableTaskIds) {
      const cli = JobSpecSchema.parse({ task, ...inputsOf[task] })
      const cliModel = validateJob(cli, models).spec.model
      const windowModel = startingModel(task, models, null)?.manifest.id
      expect(windowModel, task).toBe(cliModel)
      chosen[task] = windowModel
    }
    // The photo models for the photo tasks (the emoji model would tile a photo into hundreds of 32 px tiles).
    expect(chosen['image.inpaint']).toBe('photo-inpaint')
    expect(chosen['image.upscale']).toBe('photo-sr4')
    expect(chosen['image.generate']).toBe('emoji-32')
  })

  it('a model the user chose is kept; a remembered default follows the rule', () => {
    const emoji = { model: 'emoji-32', modelChosen: true }
    expect(startingModel('image.inpaint', models, emoji)?.manifest.id).toBe('emoji-32')
    const remembered = { model: 'emoji-32', modelChosen: false }
    expect(startingModel('image.inpaint', models, remembered)?.manifest.id).toBe('photo-inpaint')
    // A chosen model that cannot do the task falls back to the default.
    const other = { model: 'shapes-2k', modelChosen: true }
    expect(startingModel('image.upscale', models, other)?.manifest.id).toBe('photo-sr4')
  })
})

describe('no starter default trips a warning', () => {
  const samplers = samplerDescriptors()
  const pairs = () =>
    models.flatMap((m) =>
      runnableTaskIds.filter((t) => m.manifest.tasks.includes(t)).map((t) => [m, t] as const)
    )

  it('every starter × task, as the window fills the form: no warning beside Steps, none from the studio', () => {
    expect(pairs().length).toBeGreaterThanOrEqual(9)
    for (const [model, task] of pairs()) {
      const what = `${model.manifest.id} × ${task}`
      const form = forms[task]
      const values = modelDefaults(form, model, samplers, emptyForm(form))
      const sampler = samplers.find((s) => s.name === values.sampler)
      expect(sampler, what).toBeDefined()
      expect(fewStepsWarning(sampler!, values.steps, model.manifest.defaults), what).toBe('')
      const spec = JobSpecSchema.parse({
        ...buildSpec(form, values, model),
        ...inputsOf[task]
      } as JobSpecInput)
      expect(validateJob(spec, models).warnings, what).toEqual([])
    }
  })

  it('every starter × task, as the CLI leaves the sampling options out: no warning', () => {
    for (const [model, task] of pairs()) {
      const spec = JobSpecSchema.parse({ task, model: model.manifest.id, ...inputsOf[task] })
      expect(validateJob(spec, models).warnings, `${model.manifest.id} × ${task}`).toEqual([])
    }
  })

  it('below the model’s own step count, or with another sampler below its measured minimum, it warns', () => {
    const heun = samplers.find((s) => s.name === 'heun')!
    const defaults = { sampler: 'heun', steps: 13 }
    expect(fewStepsWarning(heun, 13, defaults)).toBe('')
    expect(fewStepsWarning(heun, 12, defaults)).toBe(
      'Heun usually needs 20+ steps for clean results; 12 may leave noise.'
    )
    expect(fewStepsWarning(heun, 13, { sampler: 'euler', steps: 13 })).toBe(
      'Heun usually needs 20+ steps for clean results; 13 may leave noise.'
    )
    expect(fewStepsWarning(heun, 20, { sampler: 'euler', steps: 13 })).toBe('')
  })
})
