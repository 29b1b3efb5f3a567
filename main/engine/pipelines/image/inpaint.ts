// Inpainting and outpainting, one readable loop (image.inpaint):
// image (+ outpaint border) and mask → composite weights w (mask, plus a linear feather band) → the box
// the model works on (the mask's bounds + padding, or the whole canvas) resized to the working size →
// sample with the method: a dedicated model (sample = [c_in·x, mask, masked image] channels), RePaint
// (Lugmayr et al. 2022) or mask blending (any model; latent models through the VAE) → decode → resize
// back → out = w·generated + (1 − w)·input. Pixels with w = 0 are never written: byte-identical.
// A dedicated model may take the hole filled classically instead of zeroed (manifest maskedImage
// 'harmonic-fill') and run a truncated chain (manifest chain; ES-DDPM): start from that fill noised to
// σ_start, where the first call regresses the hole, then only the low-noise tail σ_tail → σ_min.
import { StudioError, type ImageInpaintSpec } from '../../../contract'
import { nativeSize } from '../../../tasks/image/common'
import { chainSigmas } from '../../../tasks'
import { repaintKnobs } from '../../../tasks/image/inpaint'
import { createRepaint, maskBlendDenoiser } from '../../../diffusion/inverse'
import { rgbaToTensor, tensorToRgba, type RgbaImage } from '../../../codecs/image'
import { decodeMask, decodeRgba, resizeRgba } from '../../../codecs/image-io'
import { maxImagePixels } from '../../../codecs/limits'
import { harmonicFill } from '../../../codecs/fill'
import {
  compositeInto,
  coverage,
  cropBytes,
  cropPlane,
  extendCanvas,
  featherWeights,
  growToAspect,
  growToMultiple,
  padBox,
  weightBox,
  type Box
} from '../../../codecs/mask'
import type { PipelineContext } from '../context'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { runSampling } from '../common/sampling'
import { img2imgSteps } from './img2img'
import { imageDenoiser, imageJob, type ImageJob } from './job'
import { inputNotes, toGrey, writeImage } from './output'

/** Pixel models work at up to (this × their native side)² pixels (bigger boxes are scaled down). */
const pixelWorkFactor = 2

export async function inpaintImage(
  input: ImageInpaintSpec,
  context: PipelineContext
): Promise<void> {
  const job = await imageJob('image.inpaint', input, context)
  const { spec, sample, sampling, space, count, seeds } = job
  const method = spec.method as 'dedicated' | 'repaint' | 'blend'

  // 1. The canvas (outpainting extends it) and the mask over it, 255 = regenerate.
  const { canvas, mask, grey } = await canvasAndMask(spec, context)
  const { width: W, height: H } = canvas
  const weights = featherWeights(mask, W, H, spec.feather)
  const region = weightBox(weights, W, H)
  if (!region) {
    throw new StudioError(
      'bad-input',
      'The mask is empty (all black): there is nothing to inpaint. Paint the area to regenerate in white.'
    )
  }

  // 2. The box the model sees and the size it works at.
  const box = spec.maskedOnly ? workBox(job, region, spec.padding, W, H) : fullBox(W, H)
  const work = workingSize(job, box)
  const v = sample.vaeScale
  const h = work.height / v
  const w = work.width / v
  const crop: RgbaImage = {
    width: box.width,
    height: box.height,
    data: cropBytes(canvas.data, W, 4, box)
  }
  const cropPixels =
    crop.width === work.width && crop.height === work.height
      ? crop
      : await resizeRgba(crop, work.width, work.height)
  const cropWeights = cropPlane(weights, W, box)
  const own = job.manifest.imageInputs.inpaint
  const dedicated = method === 'dedicated' && own !== undefined
  const classical = dedicated && own.maskedImage === 'harmonic-fill'
  // The model regenerates every working pixel that touches a weighted pixel (1), keeps the rest (0). A
  // model started from a classical fill is given the painted core alone (mask ≥ 128): the feather
  // band keeps its pixels as known context, so the fill meets them, and the composite blends the band.
  const core = classical
    ? Float32Array.from(cropBytes(mask, W, 1, box), (m) => (m >= 128 ? 1 : 0))
    : undefined
  const hole = coverage(core ?? cropWeights, box.width, box.height, work.width, work.height).map(
    (m) => (m > 0 ? 1 : 0)
  )
  const holeSample = v > 1 ? coverage(hole, work.width, work.height, w, h) : hole
  const rgb = rgbaToTensor(
    cropPixels,
    space.latent || sample.channels === 3 ? 3 : 1,
    sample.pixelRange
  )
  const known = await space.encode(rgb, [
    1,
    rgb.length / (work.width * work.height),
    work.height,
    work.width
  ])

  // The dedicated model's masked image: the hole zeroed, or filled classically (the chain's start).
  const filled = classical
    ? harmonicFill(rgb, hole, rgb.length / hole.length, work.width, work.height)
    : undefined
  const masked =
    filled ?? Float32Array.from(rgb, (value, k) => (hole[k % hole.length] > 0 ? 0 : value))
  const maskedSample = dedicated
    ? space.latent
      ? await space.encode(masked, [1, 3, work.height, work.width])
      : masked
    : undefined

  // 3. Steps (strength < 1 keeps part of what is there: start from the input noised to σ_k). A
  // truncated chain starts from the filled image at σ_start (strength 1) or drops that first call.
  const run = img2imgSteps(sampling.steps, spec.strength)
  if (run === 0) {
    throw new StudioError(
      'invalid-request',
      `Strength ${spec.strength} of ${sampling.steps} steps leaves no step to run; raise the strength or the steps.`
    )
  }
  const chain = dedicated ? own.chain : undefined
  const all = chain ? chainSigmas(job.manifest, sampling, chain) : sampling.sigmas
  const sigmas = all.subarray(sampling.steps - run)
  const C = sample.channels
  const shape = [count, C, h, w]
  const noise = perImageNoise(seeds)
  const n = noise.randn(shape)
  const per = C * h * w
  const origin = spec.strength < 1 ? known : chain && maskedSample ? maskedSample : undefined
  const x = {
    shape,
    data: n.data.map((z, k) => (origin ? origin[k % per] : 0) + z * sigmas[0])
  }
  const knownTensor = { shape: [1, C, h, w], data: known }
  const keep = { shape: [1, 1, h, w], data: Float64Array.from(holeSample, (m) => 1 - m) }
  const keepAll = { shape: [1, C, h, w], data: repeatPlane(keep.data, C) }

  // 4. The denoiser for the method.
  let denoise
  let sampler
  if (maskedSample) {
    // [c_in·x, mask, masked image]: the masked image is the input with the hole set to 0 (or filled)
    // for pixel models, or its latents (latent models: the VAE sees the masked image, diffusers' rule).
    const extra = new Float32Array(holeSample.length + maskedSample.length)
    extra.set(holeSample)
    extra.set(maskedSample, holeSample.length)
    denoise = await imageDenoiser(context, job, run, {
      sampleChannels: 2 * C + 1,
      width: work.width,
      height: work.height,
      prepare: (input) => concatChannels(input.data, input.shape, extra, C + 1)
    })
  } else {
    const plain = await imageDenoiser(context, job, run, { width: work.width, height: work.height })
    if (method === 'blend') {
      denoise = maskBlendDenoiser(plain, {
        known: knownTensor,
        mask: keepAll,
        noise: { shape, data: n.data }
      })
    } else {
      denoise = plain
      const knobs = repaintKnobs(spec.samplerExtra)
      sampler = {
        name: 'repaint',
        sample: createRepaint({ known: knownTensor, mask: keepAll, ...knobs })
      }
    }
  }

  const result = await runSampling(context, {
    sampling,
    sigmas,
    denoise,
    x,
    noise,
    extra: spec.samplerExtra,
    preview: space.preview,
    ...(sampler ? { sampler } : {})
  })
  const pixels = await space.decode(result)

  // 5. Back into the canvas through the weights.
  let band = 0
  for (let b = 0; b < count; b++) {
    const generated = tensorToRgba(pixels.data, pixels.shape, b, sample.pixelRange)
    const sized =
      generated.width === box.width && generated.height === box.height
        ? generated
        : await resizeRgba(generated, box.width, box.height)
    const out = canvas.data.slice()
    if (grey) toGrey(sized.data)
    band = compositeInto(out, W, sized.data, weights, box).blended
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      width: W,
      height: H,
      stepsRun: run,
      inpaint: {
        box: [box.x, box.y, box.width, box.height],
        working: [work.width, work.height],
        featherBandPixels: band
      }
    })
    await writeImage(
      context,
      { width: W, height: H, data: out },
      { output: b, outputs: count, format: context.format },
      recipe
    )
  }
}

/**
 * The input decoded upright (extended by the outpainting border) and the mask at its size: the given
 * mask (resized with a warning when its size differs) plus 255 over the border.
 */
async function canvasAndMask(
  spec: ImageInpaintSpec,
  context: PipelineContext
): Promise<{ canvas: RgbaImage; mask: Uint8Array; grey: boolean }> {
  const bytes = await context.readInput(spec.image)
  const { grey } = await inputNotes(context, bytes)
  const image = await decodeRgba(bytes)
  const o = spec.outpaint
  const width = image.width + o.left + o.right
  const height = image.height + o.top + o.bottom
  if (width * height > maxImagePixels) {
    throw new StudioError(
      'bad-input',
      `Outpainting to ${width}×${height} passes the ${maxImagePixels.toLocaleString('en')}-pixel limit; extend less.`
    )
  }
  let given: Uint8Array | undefined
  if (spec.mask) {
    const bytes = await context.readInput(spec.mask)
    let decoded = await decodeMask(bytes)
    if (decoded.width !== image.width || decoded.height !== image.height) {
      context.emit({
        type: 'warning',
        message:
          `The mask is ${decoded.width}×${decoded.height} and the image ${image.width}×${image.height}: ` +
          'the mask was stretched to the image.'
      })
      decoded = await decodeMask(bytes, { width: image.width, height: image.height })
    }
    given = decoded.data
  }
  const canvas = o.left + o.top + o.right + o.bottom > 0 ? extendCanvas(image, o) : image
  const mask = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const ix = x - o.left
      const iy = y - o.top
      const inside = ix >= 0 && iy >= 0 && ix < image.width && iy < image.height
      mask[y * width + x] = inside ? (given ? given[iy * image.width + ix] : 0) : 255
    }
  }
  return { canvas, mask, grey }
}

const fullBox = (width: number, height: number): Box => ({ x: 0, y: 0, width, height })

/** The mask's box with padding, grown to the model's aspect (fixed-size models) or size multiple. */
function workBox(
  job: ImageJob<'image.inpaint'>,
  region: Box,
  padding: number,
  width: number,
  height: number
): Box {
  const padded = padBox(region, padding, width, height)
  const { sample } = job
  if (sample.sizeMultiple === 0) {
    const native = nativeSize(sample)
    return growToAspect(padded, native.width / native.height, width, height)
  }
  return growToMultiple(padded, sample.sizeMultiple * sample.vaeScale, width, height)
}

/**
 * The size the model works at: its native size (fixed-size models); for latent models the box scaled
 * to the native area (SD works best near its training size); for pixel models the box itself, scaled
 * down past (pixelWorkFactor × native side)². Sides are multiples of the model's size multiple.
 */
function workingSize(job: ImageJob<'image.inpaint'>, box: Box): { width: number; height: number } {
  const { sample } = job
  const native = nativeSize(sample)
  if (sample.sizeMultiple === 0) return native
  const m = Math.max(sample.sizeMultiple, sample.vaeScale)
  const area = box.width * box.height
  const target =
    sample.vaeScale > 1
      ? native.width * native.height
      : Math.min(area, pixelWorkFactor ** 2 * native.width * native.height)
  const s = Math.sqrt(target / area)
  const side = (v: number) => Math.max(m, Math.round((v * s) / m) * m)
  return { width: side(box.width), height: side(box.height) }
}

/** [B, C, h, w] followed, per row, by the same `extraChannels` planes: [B, C + extra, h, w]. */
function concatChannels(
  data: Float64Array,
  shape: readonly number[],
  extra: Float32Array,
  extraChannels: number
): { data: Float32Array; shape: number[] } {
  const [rows, channels, h, w] = shape
  const per = channels * h * w
  const total = per + extra.length
  if (extra.length !== extraChannels * h * w)
    throw new Error('extra planes do not match the sample')
  const out = new Float32Array(rows * total)
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < per; k++) out[r * total + k] = data[r * per + k]
    out.set(extra, r * total + per)
  }
  return { data: out, shape: [rows, channels + extraChannels, h, w] }
}

/** One plane repeated for C channels: [C·n]. */
function repeatPlane(plane: Float64Array, channels: number): Float64Array {
  const out = new Float64Array(plane.length * channels)
  for (let c = 0; c < channels; c++) out.set(plane, c * plane.length)
  return out
}
