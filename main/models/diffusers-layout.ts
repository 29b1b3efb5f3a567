// Reads a diffusers/optimum ONNX folder (model_index.json, unet/model.onnx + weights.pb or
// model.onnx_data, text_encoder/, vae_encoder/, vae_decoder/, tokenizer/, scheduler/) into a manifest
// draft: components with the I/O read from the graphs, the training schedule from scheduler_config.json.
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  StudioError,
  type Component,
  type ComponentRole,
  type ModelManifest,
  type TaskId
} from '../contract'
import {
  checkExternalData,
  inspectOnnx,
  sessionMemoryFactor,
  type OnnxGraphInfo
} from '../onnx/inspect'
import { readRegularFile } from '../platform/regular-file'
import { listFiles, readJsonFile } from './files'

/** A manifest without its file hashes, and where each file comes from. */
export interface ManifestDraft {
  /** Where the draft came from: a diffusers/optimum folder, a sidecar, or a studio manifest. */
  kind?: 'diffusers' | 'sidecar' | 'studio'
  manifest: Omit<ModelManifest, 'files'>
  files: { path: string; size: number; from: string }[]
  warnings: string[]
  /** Files left out (framework weights that the ONNX graphs do not use). */
  skipped: string[]
}

/** Folder -> role, in order of preference (`vae` holds the decoder in the x4 upscaler export). */
const folderRoles: [string, ComponentRole][] = [
  ['unet', 'denoiser'],
  ['transformer', 'denoiser'],
  ['text_encoder', 'text-encoder'],
  ['text_encoder_2', 'text-encoder-2'],
  ['vae_encoder', 'vae-encoder'],
  ['vae_decoder', 'vae-decoder'],
  ['vae', 'vae-decoder'],
  ['safety_checker', 'safety-checker']
]

/** PyTorch/Flax weights that sit beside ONNX exports in hub repos; never needed by the studio. */
const frameworkWeights = /\.(safetensors|bin|ckpt|pt|pth|msgpack|h5|ot)$/i

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await readJsonFile(path)) as Record<string, unknown>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )

/** The licence from a hub README's front matter (`license: creativeml-openrail-m`). */
export function licenceFromReadme(text: string): string | undefined {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1]
  const field = (key: string) =>
    front && new RegExp(`^${key}:\\s*["']?([^"'\\r\\n]+)["']?\\s*$`, 'm').exec(front)?.[1]?.trim()
  const id = field('licen[cs]e')
  if (!id) return undefined
  // `license: other` with `license_name: …` (hub cards of custom licences, e.g. SD-Turbo's).
  const named = field('licen[cs]e_name')
  if (id.toLowerCase() === 'other' && named) return named
  const known: Record<string, string> = {
    'creativeml-openrail-m': 'CreativeML OpenRAIL-M',
    'openrail++': 'CreativeML Open RAIL++-M',
    mit: 'MIT',
    'apache-2.0': 'Apache-2.0',
    'bsd-3-clause': 'BSD-3-Clause'
  }
  return known[id.toLowerCase()] ?? id
}

/** A manifest id from a folder or file name: lowercase, [a-z0-9._-], at most 64 characters. */
export function slugId(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '')
  return slug || 'model'
}

const betaSchedules: Record<string, 'linear' | 'scaled-linear' | 'cosine'> = {
  linear: 'linear',
  scaled_linear: 'scaled-linear',
  squaredcos_cap_v2: 'cosine'
}
const parameterizations: Record<string, ModelManifest['parameterization']> = {
  epsilon: 'epsilon',
  v_prediction: 'v',
  sample: 'x0'
}

/**
 * The score-SDE schedulers (Song et al. 2021), which have no beta table: VE is continuous in σ (the UNet is
 * fed σ and outputs the score); VP is read as diffusers' ScoreSdeVpPipeline ran it — the UNet fed t·999 and
 * its output taken as ε (score = −output/std) — which is a 1000-step linear DDPM schedule with
 * β ∈ [β_min, β_max]/1000 (the discretisation of the VP SDE).
 */
function scoreSdeSchedule(
  className: string,
  c: Record<string, unknown>,
  timestepDtype: 'float32' | 'int64'
): (Pick<ModelManifest, 'schedule' | 'parameterization'> & { warnings: string[] }) | undefined {
  const num = (key: string, fallback: number) =>
    typeof c[key] === 'number' && Number.isFinite(c[key]) && (c[key] as number) > 0
      ? (c[key] as number)
      : fallback
  if (className === 'ScoreSdeVeScheduler') {
    return {
      parameterization: 'score',
      schedule: {
        type: 'continuous',
        sigmaMin: num('sigma_min', 0.01),
        sigmaMax: num('sigma_max', 1348),
        sigmaData: 0.5
      },
      warnings: []
    }
  }
  if (className === 'ScoreSdeVpScheduler') {
    return {
      parameterization: 'epsilon',
      schedule: {
        type: 'discrete',
        betaSchedule: 'linear',
        betaStart: num('beta_min', 0.1) / 1000,
        betaEnd: num('beta_max', 20) / 1000,
        trainSteps: 1000,
        zeroTerminalSnr: false,
        timestepDtype
      },
      warnings: [
        'ScoreSdeVpScheduler: the UNet is taken to be fed t·999 and to predict the noise, as diffusers’ ScoreSdeVpPipeline ran it (a 1000-step linear schedule β_min/1000–β_max/1000)'
      ]
    }
  }
  return undefined
}

/** The training schedule and parameterization from a diffusers scheduler_config.json. */
export function scheduleFromDiffusers(
  config: Record<string, unknown> | undefined,
  timestepDtype: 'float32' | 'int64'
): Pick<ModelManifest, 'schedule' | 'parameterization'> & { warnings: string[] } {
  const warnings: string[] = []
  const c = config ?? {}
  const score = scoreSdeSchedule(String(c._class_name ?? ''), c, timestepDtype)
  if (score) return score
  if (!config)
    warnings.push(
      'no scheduler/scheduler_config.json: assumed the SD schedule (scaled_linear 0.00085–0.012, 1000 steps, epsilon)'
    )
  const num = (key: string, fallback: number) =>
    typeof c[key] === 'number' ? (c[key] as number) : fallback
  const rawSchedule = typeof c.beta_schedule === 'string' ? c.beta_schedule : 'scaled_linear'
  const betaSchedule = betaSchedules[rawSchedule]
  if (!betaSchedule)
    warnings.push(`beta_schedule ${rawSchedule} is not supported; assumed scaled_linear`)
  if (Array.isArray(c.trained_betas))
    warnings.push('trained_betas is not supported; the beta range was used instead')
  const rawPrediction = typeof c.prediction_type === 'string' ? c.prediction_type : 'epsilon'
  const parameterization = parameterizations[rawPrediction]
  if (!parameterization)
    warnings.push(`prediction_type ${rawPrediction} is not supported; assumed epsilon`)
  const spacing = c.timestep_spacing
  return {
    parameterization: parameterization ?? 'epsilon',
    schedule: {
      type: 'discrete',
      betaSchedule: betaSchedule ?? 'scaled-linear',
      betaStart: num('beta_start', 0.00085),
      betaEnd: num('beta_end', 0.012),
      trainSteps: num('num_train_timesteps', 1000),
      zeroTerminalSnr: c.rescale_betas_zero_snr === true,
      timestepDtype,
      ...(spacing === 'leading' || spacing === 'linspace' || spacing === 'trailing'
        ? { timestepSpacing: spacing }
        : {}),
      ...(typeof c.steps_offset === 'number' ? { stepsOffset: c.steps_offset } : {})
    },
    warnings
  }
}

/**
 * What the UNet is conditioned on: a prompt (a text encoder and `encoder_hidden_states`), a class
 * (`class_labels`: names from model_index.json's `id2label`, as DiT writes them, else "0" … "K−1" from
 * `num_class_embeds`; an embedding beyond the named classes is the unconditional one), or nothing.
 */
function conditioningOf(
  text: { maxTokens: number; input: string } | undefined,
  classInput: { name: string } | undefined,
  modelIndex: Record<string, unknown> | undefined,
  unetConfig: Record<string, unknown> | undefined,
  warnings: string[]
): ModelManifest['conditioning'] {
  if (text) return { type: 'text', ...text }
  if (!classInput) return { type: 'none' }
  const id2label = modelIndex?.id2label
  const named =
    id2label && typeof id2label === 'object'
      ? Object.entries(id2label as Record<string, unknown>)
          .filter(([k, v]) => /^\d+$/.test(k) && typeof v === 'string' && v.length > 0)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([, v]) => (v as string).slice(0, 64))
      : []
  const embeds =
    typeof unetConfig?.num_class_embeds === 'number' ? unetConfig.num_class_embeds : undefined
  const classes =
    named.length > 0 ? named : Array.from({ length: Math.max(1, embeds ?? 1) }, (_, k) => String(k))
  if (embeds !== undefined && embeds > classes.length) {
    return { type: 'class', classes, nullClass: classes.length, input: classInput.name }
  }
  warnings.push(
    'the UNet takes class labels but declares no unconditional class: guidance above 1 would mix with class 0, so keep guidance at 1'
  )
  return { type: 'class', classes, nullClass: 0, input: classInput.name }
}

/** Builds the manifest draft of a diffusers/optimum ONNX folder. */
export async function describeDiffusersFolder(
  dir: string,
  options: { id?: string; name?: string; licence?: string } = {}
): Promise<ManifestDraft> {
  const modelIndex = await readJson(join(dir, 'model_index.json'))
  const className = typeof modelIndex?._class_name === 'string' ? modelIndex._class_name : ''
  const warnings: string[] = []
  const components: Partial<Record<ComponentRole, Component>> = {}
  const externalFiles = new Set<string>()
  let onnxBytes = 0
  let unetInfo: OnnxGraphInfo | undefined

  for (const [folder, role] of folderRoles) {
    const rel = `${folder}/model.onnx`
    const file = join(dir, rel)
    if (components[role] || !(await exists(file))) continue
    const graph = await inspectOnnx(file)
    await checkExternalData(file, graph.info)
    const externalData = graph.externalFiles.map((location) => `${folder}/${location}`)
    externalData.forEach((p) => externalFiles.add(p))
    for (const p of [rel, ...externalData]) onnxBytes += (await stat(join(dir, p))).size
    if (
      Object.keys(graph.info.opsets).some(
        (d) => d !== '' && d !== 'ai.onnx' && d !== 'com.microsoft'
      )
    ) {
      warnings.push(
        `${rel} uses custom operator domains (${Object.keys(graph.info.opsets).join(', ')}); onnxruntime-node may not load it`
      )
    }
    components[role] = { file: rel, externalData, inputs: graph.inputs, outputs: graph.outputs }
    if (role === 'denoiser') unetInfo = graph.info
  }
  const unet = components.denoiser
  if (!unet) {
    throw new StudioError(
      'bad-input',
      `${dir} has no unet/model.onnx (or transformer/model.onnx), so it is not a diffusion model in the diffusers ONNX layout. Export it with optimum (optimum-cli export onnx) or choose the folder that holds model_index.json.`
    )
  }
  if (await exists(join(dir, 'tokenizer'))) {
    components.tokenizer = { file: 'tokenizer', externalData: [], inputs: [], outputs: [] }
  }

  const unetGraph = unetInfo
  const timestep = unet.inputs.find((i) => i.name === 'timestep')
  const scheduler = await readJson(join(dir, 'scheduler', 'scheduler_config.json'))
  const {
    schedule,
    parameterization,
    warnings: scheduleWarnings
  } = scheduleFromDiffusers(scheduler, timestep?.dtype === 'int64' ? 'int64' : 'float32')
  warnings.push(...scheduleWarnings)

  const unetConfig = await readJson(join(dir, 'unet', 'config.json'))
  const vaeConfig =
    (await readJson(join(dir, 'vae_decoder', 'config.json'))) ??
    (await readJson(join(dir, 'vae', 'config.json')))
  const sampleInput = unet.inputs.find((i) => i.name === 'sample') ?? unet.inputs[0]
  const outChannels = unet.outputs[0]?.shape[1]
  // The channel axis is often declared symbolic: then conv_in's weight [out, in, k, k] says it.
  const inChannels =
    typeof sampleInput?.shape[1] === 'number'
      ? sampleInput.shape[1]
      : (unetGraph?.convInDims?.[1] ??
        (typeof unetConfig?.in_channels === 'number' ? unetConfig.in_channels : undefined))
  const channels =
    typeof outChannels === 'number'
      ? outChannels
      : typeof unetConfig?.out_channels === 'number'
        ? unetConfig.out_channels
        : 4
  const isXl = Boolean(components['text-encoder-2'])
  const fixedHeight = typeof sampleInput?.shape[2] === 'number' ? sampleInput.shape[2] : undefined
  const fixedWidth = typeof sampleInput?.shape[3] === 'number' ? sampleInput.shape[3] : undefined
  // UNet2DModel's sample_size is a side or [height, width].
  const configured = unetConfig?.sample_size
  const [configHeight, configWidth] =
    typeof configured === 'number'
      ? [configured, configured]
      : Array.isArray(configured) && configured.every((v) => typeof v === 'number')
        ? [configured[0] as number, (configured[1] ?? configured[0]) as number]
        : [undefined, undefined]
  const height = configHeight ?? fixedHeight ?? (isXl ? 128 : 64)
  const width = configWidth ?? fixedWidth ?? height

  const upscaler = /Upscale/.test(className) || inChannels === channels + 3
  const inpaint = !upscaler && (/Inpaint/.test(className) || inChannels === 2 * channels + 1)
  // Latent or pixel space is told by what the folder holds: a UNet without a VAE decoder to turn its
  // samples into pixels works on pixels (DDPM, DDIM, score-SDE and the rest of the UNet2DModel family).
  const pixel = !components['vae-decoder'] && !upscaler
  if (pixel && channels === 4) {
    throw new StudioError(
      'bad-input',
      `${dir} has a UNet that works on 4-channel latents but no vae_decoder/ (or vae/) to turn them into pixels. Export the VAE decoder with the UNet, or choose the complete folder.`
    )
  }
  if (inChannels === undefined)
    warnings.push(
      "the UNet's input channels are not declared and conv_in.weight was not found: assumed a plain text-to-image UNet"
    )
  const hasText = Boolean(components['text-encoder'])
  const tasks: TaskId[] = upscaler
    ? ['image.upscale']
    : inpaint
      ? ['image.inpaint']
      : pixel
        ? // A pixel model edits images as it is: img2img, RePaint and DDRM need no encoder.
          ['image.generate', 'image.img2img', 'image.inpaint', 'image.upscale']
        : [
            'image.generate',
            ...(components['vae-encoder'] ? (['image.img2img', 'image.inpaint'] as TaskId[]) : [])
          ]
  if (inpaint && !pixel && !components['vae-encoder'])
    warnings.push('an inpainting UNet without vae_encoder/: it cannot see the image it inpaints')

  const noiseInput = unet.inputs.find((i) => i.name === 'class_labels')
  const lowResScheduler = await readJson(join(dir, 'low_res_scheduler', 'scheduler_config.json'))
  const maxNoise =
    typeof modelIndex?.max_noise_level === 'number' ? modelIndex.max_noise_level : 350
  const lowResBetas = lowResScheduler?.beta_schedule
  const imageInputs: ModelManifest['imageInputs'] = {
    ...(inpaint ? { inpaint: { kind: 'concat' as const } } : {}),
    ...(upscaler
      ? {
          upscale: {
            scale: 4,
            lowRes: { kind: 'concat' as const },
            ...(noiseInput
              ? {
                  noiseLevel: {
                    input: noiseInput.name,
                    default: 20,
                    max: maxNoise,
                    betaSchedule:
                      typeof lowResBetas === 'string'
                        ? (betaSchedules[lowResBetas] ?? 'linear')
                        : 'linear',
                    betaStart:
                      typeof lowResScheduler?.beta_start === 'number'
                        ? lowResScheduler.beta_start
                        : 0.0001,
                    betaEnd:
                      typeof lowResScheduler?.beta_end === 'number'
                        ? lowResScheduler.beta_end
                        : 0.02,
                    trainSteps:
                      typeof lowResScheduler?.num_train_timesteps === 'number'
                        ? lowResScheduler.num_train_timesteps
                        : 1000
                  }
                }
              : {})
          }
        }
      : {})
  }
  // LCM: w enters as timestep_cond (its sinusoidal embedding), not as a second batch.
  const timestepCond = unet.inputs.find((i) => i.name === 'timestep_cond')
  const condDim =
    typeof timestepCond?.shape[1] === 'number'
      ? timestepCond.shape[1]
      : typeof unetConfig?.time_cond_proj_dim === 'number'
        ? unetConfig.time_cond_proj_dim
        : 256
  const guidanceEmbedding = timestepCond ? { input: timestepCond.name, dim: condDim } : undefined

  const tokenizerConfig = await readJson(join(dir, 'tokenizer', 'tokenizer_config.json'))
  const maxLength = tokenizerConfig?.model_max_length
  const maxTokens =
    typeof maxLength === 'number' && maxLength > 0 && maxLength <= 1024 ? maxLength : 77
  const contextInput = unet.inputs.find((i) => i.name === 'encoder_hidden_states')

  const readme = await readRegularFile(join(dir, 'README.md')).then(
    (b) => b.toString('utf8'),
    (error: unknown) => {
      if (error instanceof StudioError) throw error
      return ''
    }
  )
  const licence = options.licence ?? licenceFromReadme(readme)
  if (!licence)
    warnings.push(
      'no licence found (README.md front matter): recorded as unknown; check the model card'
    )

  const schedulerClass = typeof scheduler?._class_name === 'string' ? scheduler._class_name : ''
  const name = options.name ?? basename(dir)
  const lcm = /LCM/.test(schedulerClass) || Boolean(guidanceEmbedding)
  const fewStep = /turbo/i.test(name)
  // Few-step models sample from the last training step: trailing spacing (SD-Turbo's EulerDiscrete
  // "trailing"; LCM's skipping schedule over 50 original steps is close to it at 1–8 steps).
  if ((lcm || fewStep) && schedule.type === 'discrete' && schedule.timestepSpacing !== 'trailing') {
    schedule.timestepSpacing = 'trailing'
    warnings.push(
      lcm
        ? "LCM's own timesteps (every 20th of 1000, from the top) are approximated by trailing spacing"
        : 'few-step model: timesteps spaced from the last training step (trailing)'
    )
  }
  const conditioning = conditioningOf(
    hasText && contextInput ? { maxTokens, input: contextInput.name } : undefined,
    upscaler ? undefined : unet.inputs.find((i) => i.name === 'class_labels'),
    modelIndex,
    unetConfig,
    warnings
  )
  // Guidance needs a condition: an unconditional model (and a class model, by default) runs w = 1.
  const guidance = conditioning.type === 'text' ? (upscaler ? 9 : 7.5) : 1
  const defaults = lcm
    ? { sampler: 'lcm', steps: 4, guidance: 8, schedule: 'model' as const }
    : fewStep
      ? { sampler: 'euler-ancestral', steps: 1, guidance: 0, schedule: 'model' as const }
      : schedule.type === 'continuous'
        ? { sampler: 'heun', steps: 35, guidance, schedule: 'model' as const }
        : pixel && schedulerClass === 'DDIMScheduler'
          ? { sampler: 'ddim', steps: 50, guidance, schedule: 'model' as const }
          : { sampler: 'dpmpp-2m', steps: 25, guidance, schedule: 'model' as const }
  const downsamples = Array.isArray(unetConfig?.block_out_channels)
    ? unetConfig.block_out_channels.length - 1
    : undefined

  const scalingFactor = vaeConfig?.scaling_factor
  const latentScale =
    typeof scalingFactor === 'number'
      ? scalingFactor
      : upscaler
        ? 0.08333
        : isXl
          ? 0.13025
          : 0.18215

  // Files: everything except hidden files and framework weights the graphs do not reference.
  const files: ManifestDraft['files'] = []
  const skipped: string[] = []
  for (const path of await listFiles(dir)) {
    const hidden = path.split('/').some((part) => part.startsWith('.'))
    if (hidden || path === 'manifest.json') continue
    if (frameworkWeights.test(path) && !externalFiles.has(path)) {
      skipped.push(path)
      continue
    }
    files.push({ path, size: (await stat(join(dir, path))).size, from: join(dir, path) })
  }

  return {
    kind: 'diffusers',
    manifest: {
      schemaVersion: 1,
      id: options.id ?? slugId(name),
      name,
      description: `${className ? `Imported ${className}` : 'Imported'} (diffusers ONNX layout${pixel ? ', pixel space' : ''})`,
      modality: 'image',
      tasks,
      licence: licence ?? 'unknown (see the model card)',
      components,
      parameterization,
      schedule,
      conditioning,
      sample: pixel
        ? {
            kind: 'image',
            channels,
            width,
            height,
            latentScale: 1,
            pixelRange: [-1, 1],
            vaeScale: 1,
            // Fully convolutional at any multiple of its downsampling, where the graph allows sizes.
            sizeMultiple:
              fixedHeight === undefined && downsamples !== undefined ? 2 ** downsamples : 0
          }
        : {
            kind: 'image',
            channels,
            width,
            height,
            latentScale,
            pixelRange: [-1, 1],
            vaeScale: upscaler ? 4 : 8,
            sizeMultiple: upscaler ? 4 : 8
          },
      defaults,
      resolutionBuckets: [],
      imageInputs,
      ...(guidanceEmbedding ? { guidanceEmbedding } : {}),
      memoryEstimateMB: Math.max(64, Math.ceil((onnxBytes * sessionMemoryFactor) / (1024 * 1024)))
    },
    files,
    warnings,
    skipped
  }
}
