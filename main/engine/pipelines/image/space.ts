// Pixels ↔ the model's sample space: the identity for pixel models; for latent models the VAE
// (latents = latentScale · E(x), x = D(latents / latentScale)), one image at a time so memory stays
// that of one image. Previews of latents use a fixed linear latent → RGB map instead of the decoder.
import * as ort from 'onnxruntime-node'
import { StudioError, type ImageSample, type Preview } from '../../../contract'
import type { ResolvedModel } from '../../../models/registry'
import type { Tensor } from '../../../diffusion/types'
import { shapeOverrides } from '../../runtime'
import { tensorToRgba } from '../../../codecs/image'
import type { PipelineContext } from '../context'
import { assertFinite } from '../common/network'

export interface SampleSpace {
  readonly latent: boolean
  /** Pixels [B, 3, H, W] in the sample's pixel range → samples [B, C, H/v, W/v]. */
  encode(pixels: Float32Array, shape: readonly number[]): Promise<Float64Array>
  /** Samples [B, C, h, w] → pixels [B, 3, h·v, w·v] in the pixel range. */
  decode(x: Tensor): Promise<Tensor>
  /** A cheap RGBA preview of image 0 of an x0 estimate. */
  preview(x0: Tensor): Preview
}

/**
 * Stable Diffusion's latent → RGB factors (4 × 3; ComfyUI `latent_formats.SD15`), for previews only:
 * rgb ≈ Σ_c latent_c · F[c] in about [−1, 1].
 */
const sd15LatentRgb = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177]
]

/** An RGB preview of latents [B, C, h, w] (C = 4: the SD factors; else the first channels). */
export function latentPreview(x0: Tensor): Preview {
  const [, channels, h, w] = x0.shape
  const plane = h * w
  const rgb = new Float64Array(3 * plane)
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let v = 0
      if (channels === 4)
        for (let k = 0; k < 4; k++) v += x0.data[k * plane + p] * sd15LatentRgb[k][c]
      else v = x0.data[Math.min(c, channels - 1) * plane + p]
      rgb[c * plane + p] = v
    }
  }
  const rgba = tensorToRgba(rgb, [1, 3, h, w], 0, [-1, 1])
  return { kind: 'image', width: w, height: h, rgba: rgba.data }
}

/** The sample space of an image model. */
export function sampleSpace(
  context: PipelineContext,
  model: ResolvedModel,
  sample: ImageSample
): SampleSpace {
  if (sample.vaeScale === 1) {
    return {
      latent: false,
      encode: (pixels) => Promise.resolve(Float64Array.from(pixels)),
      decode: (x) => Promise.resolve(x),
      preview: (x0) => {
        const rgba = tensorToRgba(x0.data, x0.shape, 0, sample.pixelRange)
        return { kind: 'image', width: rgba.width, height: rgba.height, rgba: rgba.data }
      }
    }
  }
  const { manifest } = model
  const scale = sample.latentScale
  const v = sample.vaeScale
  return {
    latent: true,
    async encode(pixels, shape) {
      const component = manifest.components['vae-encoder']
      if (!component) {
        throw new StudioError(
          'model-mismatch',
          `Model "${manifest.id}" has no VAE encoder, so it cannot take an input image.`
        )
      }
      const [batch, , height, width] = shape
      const one = [1, 3, height, width]
      const input = component.inputs[0]
      const session = await context.runtime.component(
        model,
        'vae-encoder',
        shapeOverrides(component, { [input.name]: one })
      )
      const per = 3 * height * width
      const c = sample.channels
      const plane = (height / v) * (width / v)
      const out = new Float64Array(batch * c * plane)
      for (let b = 0; b < batch; b++) {
        const feed = new ort.Tensor('float32', pixels.slice(b * per, (b + 1) * per), one)
        const result = await session.run({ [input.name]: feed })
        const first = result[component.outputs[0]?.name ?? session.outputs[0].name]
        // latent_sample [1, C, h, w], or optimum's latent_parameters [1, 2C, h, w] (mean, log σ²).
        const data = first.data as Float32Array
        if (data.length < c * plane) {
          throw new StudioError(
            'model-mismatch',
            `The VAE encoder of "${manifest.id}" returned [${first.dims.join(', ')}]; ` +
              `[1, ${c}, ${height / v}, ${width / v}] or more channels were expected.`
          )
        }
        assertFinite(data.subarray(0, c * plane), 'The VAE encoder')
        for (let k = 0; k < c * plane; k++) out[b * c * plane + k] = data[k] * scale
      }
      return out
    },
    async decode(x) {
      const component = manifest.components['vae-decoder']
      if (!component) {
        throw new StudioError('model-mismatch', `Model "${manifest.id}" has no VAE decoder.`)
      }
      const [batch, c, h, w] = x.shape
      const one = [1, c, h, w]
      const input = component.inputs[0]
      const session = await context.runtime.component(
        model,
        'vae-decoder',
        shapeOverrides(component, { [input.name]: one })
      )
      const per = c * h * w
      const outPer = 3 * h * v * w * v
      const out = new Float64Array(batch * outPer)
      for (let b = 0; b < batch; b++) {
        const latent = new Float32Array(per)
        for (let k = 0; k < per; k++) latent[k] = x.data[b * per + k] / scale
        const result = await session.run({ [input.name]: new ort.Tensor('float32', latent, one) })
        const data = result[component.outputs[0]?.name ?? session.outputs[0].name]
          .data as Float32Array
        if (data.length !== outPer) {
          throw new StudioError(
            'model-mismatch',
            `The VAE decoder of "${manifest.id}" returned ${data.length} values for a ${w}×${h} latent; ` +
              `${outPer} (×${v}) were expected.`
          )
        }
        assertFinite(data, 'The VAE decoder')
        out.set(data, b * outPer)
      }
      return { shape: [batch, 3, h * v, w * v], data: out }
    },
    preview: latentPreview
  }
}
