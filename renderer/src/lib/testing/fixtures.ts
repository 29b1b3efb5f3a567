import type {
  InstalledModel,
  JobRecord,
  JobSpec,
  ModelManifest,
  SamplerDescriptor
} from '../contract'

/** Small builders for unit tests. */

export function spec(over: Partial<JobSpec> = {}): JobSpec {
  return {
    task: 'image.generate',
    prompt: '',
    negativePrompt: '',
    seed: 42,
    samplerExtra: {},
    count: 1,
    device: 'auto',
    ...over
  } as JobSpec
}

export function record(id: string, over: Partial<JobRecord> = {}): JobRecord {
  return {
    schemaVersion: 2,
    id,
    spec: spec(),
    status: 'queued',
    createdAt: 1000,
    artifacts: [],
    warnings: [],
    inputNotes: [],
    ...over
  }
}

/** An image artifact. */
export function imageArtifact(index: number, over: Record<string, unknown> = {}) {
  return {
    kind: 'image' as const,
    index,
    path: `/o/${index}.png`,
    mime: 'image/png',
    width: 32,
    height: 32,
    role: 'output' as const,
    ...over
  }
}

/** An image preview of width × height whose bytes are all `fill`. */
export function imagePreview(width = 2, height = 2, fill = 0) {
  return {
    kind: 'image' as const,
    width,
    height,
    rgba: new Uint8Array(width * height * 4).fill(fill)
  }
}

export function model(
  over: Partial<ModelManifest> = {},
  status: InstalledModel['status'] = 'ready'
): InstalledModel {
  return {
    origin: 'starter',
    status,
    manifest: {
      schemaVersion: 1,
      id: 'emoji',
      name: 'Emoji',
      description: '',
      modality: 'image',
      tasks: ['image.generate', 'image.img2img'],
      licence: 'MIT',
      files: [{ path: 'unet.onnx', size: 1, sha256: '0'.repeat(64) }],
      components: {},
      parameterization: 'epsilon',
      schedule: {
        type: 'discrete',
        betaSchedule: 'linear',
        betaStart: 0.0001,
        betaEnd: 0.02,
        trainSteps: 1000,
        zeroTerminalSnr: false,
        timestepDtype: 'float32'
      },
      conditioning: { type: 'class', classes: ['cat', 'dog'], nullClass: 2, input: 'y' },
      sample: {
        kind: 'image',
        channels: 3,
        width: 32,
        height: 32,
        latentScale: 1,
        pixelRange: [-1, 1],
        vaeScale: 1,
        sizeMultiple: 0
      },
      defaults: { sampler: 'heun', steps: 18, guidance: 2.5, schedule: 'karras' },
      resolutionBuckets: [],
      imageInputs: {},
      memoryEstimateMB: 100,
      ...over
    }
  }
}

export function sampler(name: string, over: Partial<SamplerDescriptor> = {}): SamplerDescriptor {
  return {
    name,
    label: name.toUpperCase(),
    description: '',
    order: 1,
    callsPerStep: 1,
    stochastic: false,
    purpose: 'sample',
    reference: '',
    params: [],
    steps: { min: 1, default: 20 },
    ...over
  }
}
