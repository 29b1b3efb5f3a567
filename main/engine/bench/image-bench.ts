// `npm run bench:images`: super-resolution and inpainting through the studio's own pipelines on the
// held-out photos (assets/samples/heldout, never trained on), beside classical baselines, and their speed
// and memory on this machine. Tables go to docs/benchmarks.md.
//   SR quality: HR → ×4 area downsample → LR → {bicubic, Lanczos 3, photo-sr4 at NFE n} vs HR: PSNR, SSIM.
//   Inpainting quality: seeded box and brush masks → {blur fill, photo-inpaint} → error inside the mask,
//     and the count of differing pixels outside it (must be 0).
//   Speed: ×4 of 128² → 512²; 1024² → 4096² with the process's peak RSS; inpainting a 512² image with a
//     128² hole; time per tile and per step from the step events.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { projectRoot } from '../../platform/paths'
import { decodeRgba } from '../../codecs/image-io'
import { createBenchRunner, fmt, median } from './in-process'
import {
  areaDownsample,
  blurFill,
  cubicKernel,
  enlarge,
  lanczos3Kernel,
  meanAbsoluteError,
  psnr,
  ssim,
  type Rgba8
} from './image-metrics'

export interface ImageBenchOptions {
  readonly nfes: readonly number[]
  readonly threads: number
  /** Skip the 1024² → 4096² run (minutes on 2 cores). */
  readonly skipLarge?: boolean
  readonly log?: (line: string) => void
}

interface Timed {
  readonly image: Rgba8
  readonly seconds: number
  readonly stepMs: number[]
  readonly tiles: number
}

const heldout = join(projectRoot, 'assets', 'samples', 'heldout')

export async function runImageBench(options: ImageBenchOptions): Promise<{ markdown: string }> {
  const log = options.log ?? (() => undefined)
  const bench = await createBenchRunner(options.threads)
  const png = (image: Rgba8) =>
    sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
      .png()
      .toBuffer()
  const addInput = async (image: Rgba8) => bench.addInput(await png(image))
  const addMask = async (mask: Uint8Array, width: number, height: number) =>
    bench.addInput(
      await sharp(Buffer.from(mask), { raw: { width, height, channels: 1 } })
        .png()
        .toBuffer()
    )
  const run = async (spec: Record<string, unknown>): Promise<Timed> => {
    const result = await bench.run(spec)
    const output = result.files.find((f) => f.artifact.role === 'output')
    if (!output) throw new Error('no output')
    return {
      image: await decodeRgba(output.bytes),
      seconds: result.seconds,
      stepMs: result.stepMs,
      tiles: result.stages
    }
  }

  const photos = readdirSync(heldout)
    .filter((f) => f.endsWith('.png'))
    .sort()
  const sections: string[] = []
  try {
    // 1. Super-resolution quality.
    const srRows: string[] = []
    const sums = new Map<string, { psnr: number; ssim: number; seconds: number }>()
    const add = (key: string, p: number, s: number, seconds = 0) => {
      const cur = sums.get(key) ?? { psnr: 0, ssim: 0, seconds: 0 }
      sums.set(key, { psnr: cur.psnr + p, ssim: cur.ssim + s, seconds: cur.seconds + seconds })
    }
    for (const file of photos) {
      const hr = await decodeRgba(readFileSync(join(heldout, file)))
      const lr = areaDownsample(hr, 4)
      const lrRef = await addInput(lr)
      for (const [key, kernel, support] of [
        ['cubic', cubicKernel, 2],
        ['lanczos3', lanczos3Kernel, 3]
      ] as const) {
        const up = enlarge(lr, 4, kernel, support)
        add(key, psnr(up, hr), ssim(up, hr))
      }
      for (const nfe of options.nfes) {
        const result = await run({
          task: 'image.upscale',
          model: 'photo-sr4',
          image: lrRef,
          sampler: 'euler',
          steps: nfe,
          seed: 0
        })
        add(`nfe${nfe}`, psnr(result.image, hr), ssim(result.image, hr), result.seconds)
        log(`sr ${file} NFE ${nfe}: ${fmt(psnr(result.image, hr))} dB in ${fmt(result.seconds)} s`)
      }
    }
    const n = photos.length
    const row = (label: string, key: string, timed = false) => {
      const s = sums.get(key)!
      return `| ${label} | ${fmt(s.psnr / n)} | ${fmt(s.ssim / n, 4)} | ${timed ? fmt(s.seconds / n) : '—'} |`
    }
    srRows.push('| method | PSNR (dB) | SSIM | s per image |', '| --- | --- | --- | --- |')
    srRows.push(
      row('bicubic (Keys a = −0.5, as PIL)', 'cubic'),
      row('Lanczos 3 (as PIL)', 'lanczos3')
    )
    for (const nfe of options.nfes)
      srRows.push(row(`photo-sr4, Euler, NFE ${nfe}`, `nfe${nfe}`, true))
    const best = Math.max(
      ...options.nfes.filter((v) => v <= 4).map((v) => sums.get(`nfe${v}`)!.psnr / n)
    )
    const bicubic = sums.get('cubic')!.psnr / n
    sections.push(
      `### ×4 super-resolution on the ${n} held-out photos (${photos.join(', ')})\n\n` +
        'HR → ×4 area downsample (the 4×4 block mean, rounded) → LR → each method → PSNR/SSIM against HR ' +
        'on 8-bit RGB over the whole image (SSIM as scikit-image: 7×7 uniform windows). photo-sr4 runs ' +
        "through the studio pipeline (one 512-px tile per photo, Karras σ from the model's σ_max, deterministic " +
        'Euler, the output projected onto its low-res input as the model card states).\n\n' +
        srRows.join('\n') +
        `\n\nBest at ≤ 4 NFE: ${fmt(best)} dB, bicubic ${fmt(bicubic)} dB: ` +
        `${best - bicubic >= 1 ? 'meets' : 'misses'} the target of bicubic + 1 dB (${fmt(best - bicubic)} dB).`
    )

    // 2. Inpainting quality, seeded masks.
    const inRows: string[] = [
      '| photo | mask | blur fill MAE | photo-inpaint MAE | blur fill PSNR | photo-inpaint PSNR | changed outside |',
      '| --- | --- | --- | --- | --- | --- | --- |'
    ]
    let totalBlur = 0
    let totalModel = 0
    let totalOutside = 0
    let cases = 0
    for (const [k, file] of photos.entries()) {
      const full = await decodeRgba(readFileSync(join(heldout, file)))
      const size = 256
      const { data } = await sharp(full.data, {
        raw: { width: full.width, height: full.height, channels: 4 }
      })
        .resize(size, size, { fit: 'cover' })
        .raw()
        .toBuffer({ resolveWithObject: true })
      const image = { width: size, height: size, data: new Uint8Array(data) }
      const ref = await addInput(image)
      for (const kind of ['box', 'brush'] as const) {
        const mask = benchMask(kind, size, 1000 + k)
        const inside = (p: number) => mask[p] > 0
        const blur = blurFill(image, mask)
        const result = await run({
          task: 'image.inpaint',
          model: 'photo-inpaint',
          image: ref,
          mask: await addMask(mask, size, size),
          feather: 0,
          seed: k
        })
        let outside = 0
        for (let p = 0; p < size * size; p++) {
          if (inside(p)) continue
          for (let c = 0; c < 4; c++)
            if (result.image.data[p * 4 + c] !== image.data[p * 4 + c]) outside++
        }
        const maeBlur = meanAbsoluteError(blur, image, inside)
        const maeModel = meanAbsoluteError(result.image, image, inside)
        totalBlur += maeBlur
        totalModel += maeModel
        totalOutside += outside
        cases++
        inRows.push(
          `| ${file} | ${kind} | ${fmt(maeBlur)} | ${fmt(maeModel)} | ${fmt(psnr(blur, image, inside))} | ${fmt(psnr(result.image, image, inside))} | ${outside} |`
        )
        log(
          `inpaint ${file} ${kind}: blur ${fmt(maeBlur)}, model ${fmt(maeModel)}, outside ${outside}`
        )
      }
    }
    inRows.push(
      `| **mean** | | **${fmt(totalBlur / cases)}** | **${fmt(totalModel / cases)}** | | | **${totalOutside}** |`
    )
    sections.push(
      '### Inpainting on the held-out photos (256², seeded masks)\n\n' +
        'A centred-ish box of about 20% of the image and a seeded brush stroke per photo; blur fill = ' +
        "harmonic interpolation from the hole's border (500 Jacobi sweeps). Errors inside the mask on " +
        '8-bit RGB (MAE in levels, PSNR in dB; lower MAE / higher PSNR is closer to the original, which ' +
        'a plausible fill need not match); "changed outside" counts bytes outside the mask that differ ' +
        'from the input (feather 0).\n\n' +
        inRows.join('\n')
    )

    // 3. Speed and memory.
    const speed: string[] = [
      '| job | wall s | tiles | ms per tile | ms per step | peak RSS (MB) |',
      '| --- | --- | --- | --- | --- | --- |'
    ]
    const measure = async (label: string, spec: Record<string, unknown>) => {
      const baseline = process.memoryUsage().rss
      let peak = baseline
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
      try {
        const result = await run(spec)
        peak = Math.max(peak, process.memoryUsage().rss)
        const perStep = median(result.stepMs)
        speed.push(
          `| ${label} | ${fmt(result.seconds)} | ${result.tiles} | ${fmt((result.seconds * 1000) / result.tiles, 0)} | ${fmt(perStep, 0)} | ${fmt(peak / 2 ** 20, 0)} |`
        )
        log(`${label}: ${fmt(result.seconds)} s, peak RSS ${fmt(peak / 2 ** 20, 0)} MB`)
      } finally {
        clearInterval(timer)
      }
    }
    const astronaut = await decodeRgba(readFileSync(join(heldout, photos[0])))
    const small = await resized(astronaut, 128, 128)
    const srSteps = (await bench.registry.resolve('photo-sr4')).manifest.defaults.steps
    await measure(`×4 upscale 128² → 512² (photo-sr4, its default ${srSteps} NFE)`, {
      task: 'image.upscale',
      model: 'photo-sr4',
      image: await addInput(small)
    })
    const five = await resized(astronaut, 512, 512)
    const hole = new Uint8Array(512 * 512)
    for (let y = 192; y < 320; y++) for (let x = 192; x < 320; x++) hole[y * 512 + x] = 255
    await measure('inpaint 512² with a 128² hole (photo-inpaint, defaults)', {
      task: 'image.inpaint',
      model: 'photo-inpaint',
      image: await addInput(five),
      mask: await addMask(hole, 512, 512)
    })
    if (!options.skipLarge) {
      const large = await resized(astronaut, 1024, 1024)
      await measure(`×4 upscale 1024² → 4096² (photo-sr4, its default ${srSteps} NFE)`, {
        task: 'image.upscale',
        model: 'photo-sr4',
        image: await addInput(large)
      })
    }
    sections.push(
      `### Speed and memory (CPU, ${options.threads} threads)\n\n` +
        'Wall time of the whole job (decode, tiles, encode) in this process; peak RSS of the process ' +
        '(the model sessions included) sampled every 50 ms.\n\n' +
        speed.join('\n')
    )
  } finally {
    await bench.release()
  }
  return { markdown: sections.join('\n\n') }
}

async function resized(image: Rgba8, width: number, height: number): Promise<Rgba8> {
  const { data } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 4 }
  })
    .resize(width, height, { fit: 'cover', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width, height, data: new Uint8Array(data) }
}

/** A seeded mask (255 = hole): a box of about 20% of the area, or a brush stroke of random walk discs. */
export function benchMask(kind: 'box' | 'brush', size: number, seed: number): Uint8Array {
  let state = seed >>> 0
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  const mask = new Uint8Array(size * size)
  if (kind === 'box') {
    const w = Math.round(size * (0.4 + 0.1 * rand()))
    const h = Math.round((size * size * 0.2) / w)
    const x0 = Math.round((size - w) * (0.3 + 0.4 * rand()))
    const y0 = Math.round((size - h) * (0.3 + 0.4 * rand()))
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) mask[y * size + x] = 255
    return mask
  }
  let x = size * (0.3 + 0.4 * rand())
  let y = size * (0.3 + 0.4 * rand())
  const radius = size * 0.05
  let angle = rand() * 2 * Math.PI
  for (let k = 0; k < 60; k++) {
    angle += (rand() - 0.5) * 1.2
    x = Math.min(size - 1, Math.max(0, x + Math.cos(angle) * radius * 0.6))
    y = Math.min(size - 1, Math.max(0, y + Math.sin(angle) * radius * 0.6))
    for (let dy = -radius; dy <= radius; dy++)
      for (let dx = -radius; dx <= radius; dx++) {
        if (dx * dx + dy * dy > radius * radius) continue
        const px = Math.round(x + dx)
        const py = Math.round(y + dy)
        if (px >= 0 && py >= 0 && px < size && py < size) mask[py * size + px] = 255
      }
  }
  return mask
}
