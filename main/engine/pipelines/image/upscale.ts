// Super-resolution in overlapping tiles, one readable loop (image.upscale):
// input → tile grid (input tiles t = T/scale, overlap, edges repeated) → per tile: the low-resolution
// tile conditions the sampler, by the model's own input (a conditional pixel model, SR3 style), by
// concatenation with a noise level (the latent ×4 upscaler, through its VAE), or by DDRM's consistency
// with ×scale average pooling (Kawar et al. 2022, any pixel model) → output tile T → feathered blend
// into a one-tile-row band → finished rows into the output. Memory: one band, one tile's tensors.
// A model with a truncated chain (manifest imageInputs.upscale.chain; ES-DDPM / ResShift style) starts
// each tile from its bilinear upsample noised to σ_start: the first call regresses the HR tile, the
// remaining steps run only the low-noise tail σ_tail → σ_min.
import * as ort from 'onnxruntime-node'
import { StudioError, type ImageUpscaleSpec } from '../../../contract'
import { nativeSize } from '../../../tasks/image/common'
import { chainSigmas } from '../../../tasks'
import { alphasCumprod, betasOf } from '../../../diffusion/schedules'
import { averagePoolDegradation, createDdrm } from '../../../diffusion/inverse'
import { hasAlpha, rgbaToTensor, withAlpha, type RgbaImage } from '../../../codecs/image'
import { bilinearResize } from '../../../codecs/fill'
import { decodeRgba, resizeRgba } from '../../../codecs/image-io'
import { maxImagePixels } from '../../../codecs/limits'
import { BandAccumulator, tileAt, tileGrid, tileWeights } from '../../../codecs/tiles'
import type { PipelineContext } from '../context'
import { perImageNoise } from '../common/noise'
import { recipeOf } from '../common/recipe'
import { runSampling } from '../common/sampling'
import { imageDenoiser, imageJob, type ImageJob } from './job'
import { inputNotes, toGrey, writeImage } from './output'

/** Largest automatic output tile (pixels per side) for fully convolutional models. */
const maxAutoTile = 512

export async function upscaleImage(
  input: ImageUpscaleSpec,
  context: PipelineContext
): Promise<void> {
  const job = await imageJob('image.upscale', input, context)
  const { spec, sample, sampling, space, count, seeds, manifest } = job
  // A super-resolution model runs at its own scale; a smaller one asked is a resize of its output.
  const s =
    spec.method === 'model' ? (manifest.imageInputs.upscale?.scale ?? spec.scale) : spec.scale
  const bytes = await context.readInput(spec.image)
  const { grey } = await inputNotes(context, bytes)
  const source = await decodeRgba(bytes)
  const outW = source.width * s
  const outH = source.height * s
  if (outW * outH > maxImagePixels) {
    throw new StudioError(
      'bad-input',
      `×${s} of ${source.width}×${source.height} is ${outW}×${outH}, past the ${maxImagePixels.toLocaleString('en')}-pixel limit; upscale a smaller image or use a smaller scale.`
    )
  }

  // 1. The grid, in input pixels: the model's tile (fixed-size models, DDRM) or one from the budget.
  const T = outputTile(job, spec, context.settings.memoryBudgetMB)
  const fixed = spec.method === 'ddrm' || sample.sizeMultiple === 0
  const grid = tileGrid(source.width, source.height, T / s, Math.round(spec.tileOverlap / s), {
    multiple: Math.max(1, (sample.sizeMultiple * sample.vaeScale) / s),
    fixed
  })
  const t = grid.tile
  const To = t * s
  const tiles = grid.cols * grid.rows
  const stepsPerTile = sampling.steps

  // 2. One denoiser for every tile (same size), built for the method.
  const tileRun = await tileSampler(job, context, t, To)

  const outputs = Array.from({ length: count }, () => ({
    width: outW,
    height: outH,
    data: new Uint8Array(outW * outH * 4)
  }))
  const bands = outputs.map((o) => new BandAccumulator(o, grid.paddedWidth * s, To))
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const k = r * grid.cols + c
      const low = tileAt(source, c * grid.stride, r * grid.stride, t)
      const tileSeeds = seeds.map((seed) => (seed + k * 1_000_003) % 4294967296)
      const result = await tileRun(low, tileSeeds, {
        stage: tiles > 1 ? `tile ${k + 1} of ${tiles}` : undefined,
        stepOffset: k * stepsPerTile,
        stepTotal: tiles * stepsPerTile,
        what: tiles > 1 ? `tile ${k + 1} of ${tiles}` : undefined
      })
      const pixels = await space.decode(result)
      const weights = tileWeights(
        To,
        grid.overlap * s,
        { left: c > 0, right: c < grid.cols - 1, top: r > 0, bottom: r < grid.rows - 1 },
        s
      )
      // Pixels in 0–255, unrounded: the blend rounds once.
      const [lo, hi] = sample.pixelRange
      const plane = To * To
      const grey = pixels.shape[1] === 1
      for (let b = 0; b < count; b++) {
        const base = b * pixels.shape[1] * plane
        const value = (k: number, ch: number) =>
          ((pixels.data[base + (grey ? 0 : ch) * plane + k] - lo) * 255) / (hi - lo)
        bands[b].add(value, weights, c * grid.stride * s, r * grid.stride * s)
      }
    }
    const next = r === grid.rows - 1 ? grid.paddedHeight * s : (r + 1) * grid.stride * s
    bands.forEach((band) => band.advance(next))
  }

  // 3. The tiles saw premultiplied colour (rgbaToTensor), so a colour hidden under α = 0 did not
  // bleed into the visible edge; alpha (if any) is upscaled as an image and the colour divided by it.
  // Then files with the recipe.
  const W = source.width * spec.scale
  const H = source.height * spec.scale
  const alpha = hasAlpha(source) ? await resizeRgba(source, W, H) : undefined
  for (let b = 0; b < count; b++) {
    const out = s === spec.scale ? outputs[b] : await resizeRgba(outputs[b], W, H, 'lanczos3')
    if (alpha) withAlpha(out, alpha)
    if (grey) toGrey(out.data)
    const recipe = recipeOf(spec, sampling, seeds[b], context.runtime.execution, {
      width: W,
      height: H,
      tiles: { count: tiles, size: To, overlap: grid.overlap * s },
      ...(s !== spec.scale ? { modelScale: s } : {})
    })
    await writeImage(context, out, { output: b, outputs: count, format: context.format }, recipe)
  }
}

type TileRun = (
  low: RgbaImage,
  seeds: readonly number[],
  progress: { stage?: string; stepOffset: number; stepTotal: number; what?: string }
) => Promise<{ shape: readonly number[]; data: Float64Array }>

/**
 * The sampling of one tile for the job's method: low-res tile (t × t) → sample at the output tile
 * (To × To pixels; To / vaeScale for latent models).
 */
async function tileSampler(
  job: ImageJob<'image.upscale'>,
  context: PipelineContext,
  t: number,
  To: number
): Promise<TileRun> {
  const { spec, sample, sampling, manifest, count } = job
  const C = sample.channels
  const v = sample.vaeScale
  const side = To / v
  const shape = [count, C, side, side]
  const lowTensor = (low: RgbaImage) =>
    rgbaToTensor(low, sample.channels === 1 && v === 1 ? 1 : 3, sample.pixelRange)
  // The σ list: the schedule's, or the truncated chain's (σ_start, then the tail from σ_tail).
  const own = manifest.imageInputs.upscale
  const chain = spec.method === 'model' ? own?.chain : undefined
  const sigmas = chain ? chainSigmas(manifest, sampling, chain) : sampling.sigmas
  /** Samples one tile from x = start + σ₀·n (start: 0, or the truncated chain's estimate [C·side²]). */
  const sampleTile = async (
    denoise: Parameters<typeof runSampling>[1]['denoise'],
    seeds: readonly number[],
    progress: Parameters<TileRun>[2],
    sampler?: Parameters<typeof runSampling>[1]['sampler'],
    start?: Float32Array
  ) => {
    const noise = perImageNoise(seeds)
    const sigma0 = sigmas[0]
    const per = C * side * side
    const x = {
      shape,
      data: noise.randn(shape).data.map((z, k) => (start ? start[k % per] : 0) + z * sigma0)
    }
    return runSampling(context, {
      sampling,
      sigmas,
      denoise,
      x,
      noise,
      extra: spec.samplerExtra,
      preview: job.space.preview,
      ...(progress.stage ? { stage: progress.stage } : {}),
      stepOffset: progress.stepOffset,
      stepTotal: progress.stepTotal,
      ...(progress.what ? { what: progress.what } : {}),
      ...(sampler ? { sampler } : {})
    })
  }

  if (spec.method === 'ddrm') {
    // y = H x with H the ×scale average pooling, per channel; the low-res tile is y.
    const degradation = averagePoolDegradation(C, To, To, spec.scale)
    const denoise = await imageDenoiser(context, job, sampling.steps, { width: To, height: To })
    return (low, seeds, progress) => {
      const y = { shape: [1, degradation.outSize], data: Float64Array.from(lowTensor(low)) }
      const ddrm = createDdrm({ degradation, y })
      return sampleTile(denoise, seeds, progress, { name: 'ddrm', sample: ddrm })
    }
  }

  if (!own) throw new StudioError('internal', `Model "${manifest.id}" has no upscale inputs.`)
  if (own.lowRes.kind === 'input') {
    // A conditional pixel model: the low-res tile is a graph input of its own, [rows, 3, t, t].
    const name = own.lowRes.input
    let current: Float32Array = new Float32Array(0)
    const denoise = await imageDenoiser(context, job, sampling.steps, {
      width: To,
      height: To,
      staticFeeds: (rows) => ({
        [name]: new ort.Tensor('float32', repeat(current, rows), [rows, 3, t, t])
      })
    })
    return async (low, seeds, progress) => {
      current = lowTensor(low)
      // The chain's start: the tile's bilinear upsample (what the model was trained to start from).
      const start = chain
        ? bilinearResize(current, current.length / (t * t), t, t, To, To)
        : undefined
      const x = await sampleTile(denoise, seeds, progress, undefined, start)
      return own.degradation === 'area' ? areaConsistent(x, current, own.scale) : x
    }
  }

  // The latent ×4 upscaler: sample = [latents (C), low-res image noised to the level (3)] at t × t.
  const level = own.noiseLevel
  const noiseLevel = spec.noiseLevel ?? level?.default ?? 0
  const abar = level
    ? alphasCumprod(
        betasOf(
          level.betaSchedule === 'cosine'
            ? { kind: 'cosine', steps: level.trainSteps }
            : {
                kind: level.betaSchedule,
                betaStart: level.betaStart,
                betaEnd: level.betaEnd,
                steps: level.trainSteps
              }
        )
      )[Math.min(noiseLevel, level.trainSteps - 1)]
    : 1
  let image: Float32Array = new Float32Array(0)
  const denoise = await imageDenoiser(context, job, sampling.steps, {
    sampleChannels: C + 3,
    width: To,
    height: To,
    prepare: (x) => {
      const [rows, channels, h, w] = x.shape
      const per = channels * h * w
      const out = new Float32Array(rows * (per + image.length))
      for (let r = 0; r < rows; r++) {
        const base = r * (per + image.length)
        for (let k = 0; k < per; k++) out[base + k] = x.data[r * per + k]
        out.set(image, base + per)
      }
      return { data: out, shape: [rows, channels + 3, h, w] }
    },
    ...(level
      ? {
          staticFeeds: (rows: number) => ({
            [level.input]: new ort.Tensor(
              'int64',
              new BigInt64Array(rows).fill(BigInt(noiseLevel)),
              [rows]
            )
          })
        }
      : {})
  })
  if (t !== side) throw new StudioError('internal', `low-res tile ${t} ≠ latent tile ${side}`)
  return (low, seeds, progress) => {
    // diffusers low_res_scheduler.add_noise: √ᾱ·x + √(1 − ᾱ)·ε, ε seeded per tile.
    const lr = lowTensor(low)
    const eps = perImageNoise([(seeds[0] ^ 0x5bd1e995) >>> 0]).randn([1, 3, t, t]).data
    image = Float32Array.from(
      lr,
      (value, k) => Math.sqrt(abar) * value + Math.sqrt(1 - abar) * eps[k]
    )
    return sampleTile(denoise, seeds, progress)
  }
}

/**
 * The output tile side: the user's, else the model's native size (fixed-size models and DDRM), else from
 * the memory budget (the model's estimate scaled by area) up to maxAutoTile, a multiple of what the model
 * and the scale need.
 */
function outputTile(
  job: ImageJob<'image.upscale'>,
  spec: ImageUpscaleSpec,
  budgetMB: number
): number {
  const { sample, manifest, count } = job
  const native = nativeSize(sample)
  if (spec.method === 'ddrm' || sample.sizeMultiple === 0) {
    if (spec.tile > 0 && spec.tile !== native.width) {
      throw new StudioError(
        'invalid-request',
        `Model "${manifest.id}" works on ${native.width}×${native.height} tiles; tile ${spec.tile} cannot be used.`
      )
    }
    return Math.min(native.width, native.height)
  }
  if (spec.tile > 0) return spec.tile
  const multiple = sample.sizeMultiple * sample.vaeScale * spec.scale
  const perPixelMB = manifest.memoryEstimateMB / (native.width * native.height)
  // Half the budget for the denoiser's working memory, shared by the batch.
  const area = budgetMB / 2 / Math.max(1, count) / Math.max(perPixelMB, 1e-6)
  const side = Math.min(maxAutoTile, Math.floor(Math.sqrt(area) / multiple) * multiple)
  return Math.max(multiple, side)
}

/**
 * Projects each image of x [B, 3, T, T] onto the images whose ×s area downsample is `low` [3, T/s, T/s]
 * (the orthogonal projection: each s×s block moves by the difference of its mean from the low-res pixel).
 */
export function areaConsistent(
  x: { shape: readonly number[]; data: Float64Array },
  low: Float32Array,
  s: number
): { shape: readonly number[]; data: Float64Array } {
  const [batch, channels, T] = x.shape
  const t = T / s
  const data = x.data.slice()
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const plane = (b * channels + c) * T * T
      for (let by = 0; by < t; by++) {
        for (let bx = 0; bx < t; bx++) {
          let mean = 0
          for (let dy = 0; dy < s; dy++)
            for (let dx = 0; dx < s; dx++) mean += data[plane + (by * s + dy) * T + bx * s + dx]
          const shift = low[(c * t + by) * t + bx] - mean / (s * s)
          for (let dy = 0; dy < s; dy++)
            for (let dx = 0; dx < s; dx++) data[plane + (by * s + dy) * T + bx * s + dx] += shift
        }
      }
    }
  }
  return { shape: x.shape, data }
}

function repeat(data: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(data.length * rows)
  for (let r = 0; r < rows; r++) out.set(data, r * data.length)
  return out
}
