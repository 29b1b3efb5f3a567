// Image generation for pixel-space models: one readable loop.
// seeds → noise x = n·σ_0 [B, C, H, W] → sampler over D(x; σ) → pixels → PNG with the recipe.
import { join } from 'node:path'
import { StudioError, type ImageGenerateSpec, type ModelManifest } from '../../../contract'
import { studioVersion } from '../../../app/version'
import { writeFileAtomic } from '../../../storage/atomic-file'
import { createDenoiser } from '../../diffusion/denoisers'
import { findSampler, samplerNames } from '../../diffusion/registry'
import { buildSigmas } from '../../diffusion/schedules'
import type { StepInfo, Tensor } from '../../diffusion/types'
import { tensorToRgba } from '../../tensor/image'
import { encodePng } from '../../tensor/png'
import type { PipelineContext } from '../context'
import { denoiserModel, guidanceBranches } from '../denoiser-model'
import { denoiserSpecFor, scheduleFor } from '../model-schedule'
import { perImageNoise } from '../seeded-noise'
import { runWarnings } from '../preflight-warnings'

function classIndex(manifest: ModelManifest, label: string | undefined): number | undefined {
  if (label === undefined || manifest.conditioning.type !== 'class') return undefined
  const index = manifest.conditioning.classes.indexOf(label)
  if (index < 0) throw new StudioError('invalid-request', `Unknown label "${label}".`)
  return index
}

export async function generateImage(
  spec: ImageGenerateSpec,
  context: PipelineContext
): Promise<void> {
  const model = await context.registry.resolve(spec.model ?? '')
  const { manifest } = model
  const samplerName = spec.sampler ?? manifest.defaults.sampler
  const sampler = findSampler(samplerName)
  if (!sampler) {
    throw new StudioError(
      'unknown-sampler',
      `Unknown sampler "${samplerName}". Available: ${samplerNames().join(', ')}.`
    )
  }
  const steps = spec.steps ?? manifest.defaults.steps
  const guidance = spec.guidance ?? manifest.defaults.guidance
  const scheduleName = spec.schedule ?? manifest.defaults.schedule
  const sigmas = buildSigmas(scheduleFor(manifest, scheduleName), steps)
  const { channels, width, height } = manifest.sample
  const count = spec.count
  const shape = [count, channels, height, width]

  const cfg = { label: classIndex(manifest, spec.label), scale: guidance }
  const batch = count * guidanceBranches(manifest, cfg)
  const run = { batch, steps, callsPerStep: sampler.callsPerStep, calibration: context.calibration }
  for (const message of runWarnings(manifest, context.settings, run)) {
    context.emit({ type: 'warning', message })
  }
  const session = await context.runtime.component(model, 'denoiser', { batch })
  const network = denoiserModel(session, manifest, cfg)
  const denoise = createDenoiser(network, denoiserSpecFor(manifest))

  const seeds = Array.from({ length: count }, (_, b) => spec.seed + b)
  const noise = perImageNoise(seeds)
  const start = noise.randn(shape)
  const x: Tensor = { shape, data: start.data.map((v) => v * sigmas[0]) }

  const every = context.settings.previewEvery
  const onStep = (info: StepInfo) => {
    const last = info.i === info.n - 1
    const preview =
      every > 0 && (info.i % every === 0 || last)
        ? tensorToRgba(info.denoised.data, info.denoised.shape, 0, manifest.pixelRange)
        : undefined
    context.emit({
      type: 'step',
      i: info.i + 1,
      n: info.n,
      preview: preview && {
        width: preview.width,
        height: preview.height,
        rgbaBase64: Buffer.from(preview.data).toString('base64')
      }
    })
  }
  const result = await sampler
    .sample(denoise, x, sigmas, { noise, onStep, signal: context.signal, extra: spec.samplerExtra })
    .catch((error: unknown) => {
      // Samplers reject bad knobs (a malformed Γ table, an impossible σ list) with RangeError.
      if (error instanceof RangeError) {
        throw new StudioError('invalid-request', `Sampler "${sampler.name}": ${error.message}`)
      }
      throw error
    })

  const execution = context.runtime.execution
  for (let b = 0; b < count; b++) {
    const recipe = {
      studio: studioVersion,
      task: spec.task,
      model: manifest.id,
      prompt: spec.prompt,
      negativePrompt: spec.negativePrompt,
      label: spec.label,
      seed: seeds[b],
      steps,
      sampler: sampler.name,
      samplerExtra: spec.samplerExtra,
      schedule: scheduleName,
      guidance,
      width,
      height,
      provider: execution.provider,
      device: execution.deviceName,
      ...(execution.fallbackReason ? { fallbackReason: execution.fallbackReason } : {})
    }
    const summary =
      `${spec.label ?? spec.prompt}\nSteps: ${steps}, Sampler: ${sampler.name}, Schedule: ${scheduleName}, ` +
      `CFG scale: ${guidance}, Seed: ${seeds[b]}, Size: ${width}x${height}, Model: ${manifest.id}, ` +
      `Device: ${execution.provider}`
    const png = encodePng(tensorToRgba(result.data, result.shape, b, manifest.pixelRange), {
      parameters: summary,
      'diffusion-studio': JSON.stringify(recipe)
    })
    const path = join(context.outputDir, `${context.fileStem}${count > 1 ? `-${b + 1}` : ''}.png`)
    await writeFileAtomic(path, png)
    context.emit({
      type: 'artifact',
      artifact: { path, mime: 'image/png', width, height, index: b }
    })
  }
}
