// Builds a folder in the diffusers/optimum ONNX layout with tiny random-weight graphs (real .onnx files,
// external data included), for import, registry and download tests.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  tinyDenoiser,
  tinyTextEncoder,
  tinyVaeDecoder,
  tinyVaeEncoder,
  writeOnnx
} from '../../onnx/testing/tiny-models'

export interface FixtureOptions {
  /** 'diffusers' (script export: unet/weights.pb) or 'optimum' (unet/model.onnx_data). */
  layout?: 'diffusers' | 'optimum'
  timestep?: 'int64' | 'float32'
  /** A 9-channel inpainting UNet. */
  inpaint?: boolean
  scheduler?: Record<string, unknown> | null
  licence?: string
}

/** Writes the folder and returns the relative paths it holds. */
export function writeDiffusersFolder(dir: string, options: FixtureOptions = {}): string[] {
  const layout = options.layout ?? 'diffusers'
  const put = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
    return path
  }
  const paths: string[] = []
  const json = (path: string, value: unknown) =>
    paths.push(put(path, JSON.stringify(value, null, 2)))
  json('model_index.json', {
    _class_name: options.inpaint
      ? 'OnnxStableDiffusionInpaintPipeline'
      : 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.6.0',
    text_encoder: ['diffusers', 'OnnxRuntimeModel'],
    unet: ['diffusers', 'OnnxRuntimeModel'],
    vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
    vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
    scheduler: ['diffusers', 'PNDMScheduler'],
    tokenizer: ['transformers', 'CLIPTokenizer']
  })
  const external = layout === 'diffusers' ? 'weights.pb' : 'model.onnx_data'
  const unet = tinyDenoiser({
    external,
    timestep: options.timestep ?? 'int64',
    ...(options.inpaint ? { inChannels: 9 } : {})
  })
  for (const f of writeOnnx(dir, 'unet/model.onnx', unet)) paths.push(f.path)
  for (const f of writeOnnx(dir, 'text_encoder/model.onnx', tinyTextEncoder())) paths.push(f.path)
  for (const f of writeOnnx(dir, 'vae_encoder/model.onnx', tinyVaeEncoder())) paths.push(f.path)
  for (const f of writeOnnx(dir, 'vae_decoder/model.onnx', tinyVaeDecoder())) paths.push(f.path)
  if (options.scheduler !== null) {
    json(
      'scheduler/scheduler_config.json',
      options.scheduler ?? {
        _class_name: 'PNDMScheduler',
        _diffusers_version: '0.6.0',
        beta_end: 0.012,
        beta_schedule: 'scaled_linear',
        beta_start: 0.00085,
        num_train_timesteps: 1000,
        set_alpha_to_one: false,
        skip_prk_steps: true,
        steps_offset: 1,
        trained_betas: null
      }
    )
  }
  json('tokenizer/tokenizer_config.json', {
    model_max_length: 77,
    do_lower_case: true,
    tokenizer_class: 'CLIPTokenizer'
  })
  json('tokenizer/vocab.json', { '!': 0, '<|startoftext|>': 49406, '<|endoftext|>': 49407 })
  paths.push(put('tokenizer/merges.txt', '#version: 0.2\n'))
  paths.push(
    put(
      'README.md',
      `---\nlicense: ${options.licence ?? 'creativeml-openrail-m'}\n---\n# Tiny test model\n`
    )
  )
  // Present in hub repos, never copied: PyTorch weights and git metadata.
  put('unet/diffusion_pytorch_model.safetensors', 'not used by the ONNX graphs')
  put('.gitattributes', '*.onnx filter=lfs\n')
  return paths.sort()
}
