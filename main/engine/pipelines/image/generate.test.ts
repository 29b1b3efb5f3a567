// Every generating sampler runs on the bundled starter model through the real pipeline and runtime.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  JobSpecSchema,
  SettingsSchema,
  type EngineJobUpdate,
  type ImageGenerateSpec
} from '../../../contract'
import { modelRoots } from '../../../platform/paths'
import { ModelRegistry } from '../../../models/registry'
import { samplers } from '../../../diffusion/registry'
import { Runtime } from '../../runtime'
import { decodePng } from '../../../codecs/png'
import { createPipelineContext } from '../context'
import { generateImage } from './generate'

const out = mkdtempSync(join(tmpdir(), 'generate-'))
const registry = new ModelRegistry(modelRoots())
let runtime: Runtime

beforeAll(async () => {
  runtime = await Runtime.create({ device: 'cpu', cpuThreads: 0, memoryBudgetMB: 512 })
})
afterAll(async () => {
  await runtime.release()
  rmSync(out, { recursive: true, force: true })
})

async function generate(spec: Partial<ImageGenerateSpec>, stem: string) {
  const updates: EngineJobUpdate[] = []
  const parsed = JobSpecSchema.parse({ task: 'image.generate', model: 'emoji-32', ...spec })
  if (parsed.task !== 'image.generate') throw new Error('unreachable')
  await generateImage(
    parsed,
    createPipelineContext({
      runtime,
      registry,
      settings: SettingsSchema.parse({ previewEvery: 0 }),
      outputDir: out,
      fileStem: stem,
      emit: (u) => updates.push(u)
    })
  )
  return updates
}

describe('image generation on the starter model', () => {
  const generating = samplers.filter((s) => s.purpose !== 'invert')

  it.each(generating.map((s) => [s.name]))('%s writes a finite, non-flat image', async (name) => {
    const updates = await generate(
      { sampler: name, steps: 4, seed: 3, label: 'Smileys & Emotion' },
      name
    )
    const artifact = updates.find((u) => u.type === 'artifact')
    expect(artifact?.type === 'artifact' && artifact.artifact.path).toBe(join(out, `${name}.png`))
    const png = decodePng(readFileSync(join(out, `${name}.png`)))
    expect(JSON.parse(png.text['diffusion-studio']).sampler).toBe(name)
    expect(new Set(png.data).size).toBeGreaterThan(8)
    expect(updates.filter((u) => u.type === 'step').length).toBeGreaterThan(0)
  })

  it('guidance batches both branches in one call per step', async () => {
    const model = await registry.resolve('emoji-32')
    const session = await runtime.component(model, 'denoiser', { batch: 2 })
    const before = session.stats.calls
    await generate({ sampler: 'euler', steps: 5, guidance: 3, label: 'Flags' }, 'cfg')
    expect(session.stats.calls - before).toBe(5)
  })

  it('every named schedule produces an image', async () => {
    for (const schedule of [
      'model',
      'trailing',
      'leading',
      'karras',
      'exponential',
      'polyexponential',
      'vp'
    ] as const) {
      const updates = await generate(
        { sampler: 'euler', steps: 4, schedule },
        `schedule-${schedule}`
      )
      expect(updates.some((u) => u.type === 'artifact')).toBe(true)
    }
  })
})
