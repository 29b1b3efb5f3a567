// `npm run bench:images`: super-resolution and inpainting through the studio's own pipelines on the
// held-out photos (assets/samples/heldout, never trained on), beside classical baselines, and their speed
// and memory on this machine. Tables go to docs/benchmarks.md.
//   SR quality: HR → ×4 area downsample → LR → {bicubic, Lanczos 3, photo-sr4 at its default and at every
//     step count of a sweep up to the window's 150} vs HR: PSNR, SSIM.
//   Inpainting quality, at the task's default settings: seeded boxes, studio brush strokes and thin
//     scratches → {blur fill, Telea (OpenCV's algorithm, ported), photo-inpaint} → MAE / PSNR inside the
//     mask, colour shift, seam energy, a no-reference texture ratio, and the count of bytes that differ
//     outside the mask and its feather band (must be 0). --png-dir writes every case side by side.
//   Speed: ×4 of 128² → 512²; 1024² → 4096² with the process's peak RSS; inpainting a 512² image with a
//     128² hole; time per tile and per step from the step events.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { ImageInpaintSpecSchema } from '../../contract'
import { projectRoot } from '../../platform/paths'
import { decodeRgba } from '../../codecs/image-io'
import { teleaFill } from '../../codecs/fill'
import { featherWeights } from '../../codecs/mask'
import { createBenchRunner, fmt, median } from './in-process'
import {
  areaDownsample,
  blurFill,
  brushMask,
  colourShift,
  cubicKernel,
  meanDifference,
  enlarge,
  lanczos3Kernel,
  meanAbsoluteError,
  psnr,
  seamEnergy,
  ssim,
  textureRatio,
  type Rgba8
} from './image-metrics'

export interface ImageBenchOptions {
  readonly nfes: readonly number[]
  readonly threads: number
  /** Skip the 1024² → 4096² run (minutes on 2 cores). */
  readonly skipLarge?: boolean
  /** Write every inpainting case (masked input, blur fill, Telea, photo-inpaint, original) as a PNG here. */
  readonly pngDir?: string
  /** Run only these parts (default: all). */
  readonly only?: readonly ('sr' | 'inpaint' | 'speed')[]
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
    const part = (name: 'sr' | 'inpaint' | 'speed') => !options.only || options.only.includes(name)
    // 1. Super-resolution quality: the model's default, then a sweep of step counts (Euler).
    if (part('sr')) {
      const srModel = (await bench.registry.resolve('photo-sr4')).manifest
      const srDefault = srModel.defaults.steps
      const srChain = srModel.imageInputs.upscale?.chain
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
        const def = await run({ task: 'image.upscale', model: 'photo-sr4', image: lrRef, seed: 0 })
        add('default', psnr(def.image, hr), ssim(def.image, hr), def.seconds)
        log(`sr ${file} default: ${fmt(psnr(def.image, hr))} dB in ${fmt(def.seconds)} s`)
        // The step sweep on the photo's centre 256² (64² in): 150-step chains at 512² take too long here.
        const crop = centreCrop(hr, 256)
        const lrCrop = areaDownsample(crop, 4)
        const cropRef = await addInput(lrCrop)
        const cubicCrop = enlarge(lrCrop, 4, cubicKernel, 2)
        add('crop:cubic', psnr(cubicCrop, crop), ssim(cubicCrop, crop))
        for (const steps of options.nfes) {
          const result = await run({
            task: 'image.upscale',
            model: 'photo-sr4',
            image: cropRef,
            sampler: 'euler',
            steps,
            seed: 0
          })
          add(`steps${steps}`, psnr(result.image, crop), ssim(result.image, crop), result.seconds)
          log(
            `sr ${file} crop ${steps} steps: ${fmt(psnr(result.image, crop))} dB in ${fmt(result.seconds)} s`
          )
        }
      }
      const n = photos.length
      const mean = (key: string) => sums.get(key)!.psnr / n
      const row = (label: string, key: string, versus: string, timed = false) => {
        const s = sums.get(key)!
        return `| ${label} | ${fmt(s.psnr / n)} | ${fmt(s.psnr / n - mean(versus))} | ${fmt(s.ssim / n, 4)} | ${timed ? fmt(s.seconds / n) : '—'} |`
      }
      const head = [
        '| method | PSNR (dB) | vs bicubic (dB) | SSIM | s per image |',
        '| --- | --- | --- | --- | --- |'
      ]
      const srRows = [
        ...head,
        row('bicubic (Keys a = −0.5, as PIL)', 'cubic', 'cubic'),
        row('Lanczos 3 (as PIL)', 'lanczos3', 'cubic'),
        row(
          `**photo-sr4 at its default (${srModel.defaults.sampler}, ${srDefault} steps)**`,
          'default',
          'cubic',
          true
        )
      ]
      const sweepRows = [
        ...head,
        row('bicubic', 'crop:cubic', 'crop:cubic'),
        ...options.nfes.map((v) =>
          row(`photo-sr4, Euler, ${v} steps`, `steps${v}`, 'crop:cubic', true)
        )
      ]
      const bicubic = mean('cubic')
      const gain = mean('default') - bicubic
      const worst = Math.min(...options.nfes.map((v) => mean(`steps${v}`)))
      const worstAt = options.nfes.find((v) => mean(`steps${v}`) === worst)
      const cropCubic = mean('crop:cubic')
      sections.push(
        `### ×4 super-resolution on the ${n} held-out photos (${photos.join(', ')})\n\n` +
          'HR → ×4 area downsample (the 4×4 block mean, rounded) → LR → each method → PSNR/SSIM against HR ' +
          'on 8-bit RGB over the whole image (SSIM as scikit-image: 7×7 uniform windows). photo-sr4 runs ' +
          'through the studio pipeline (one 512-px tile per photo' +
          (srChain
            ? `; its truncated chain: x = bilinear ×4 of the tile + σ·n at σ_start = ${srChain.sigmaStart}, ` +
              `one call there, then the Karras tail from σ_tail = ${srChain.sigmaTail} down to ` +
              `σ_min = ${srModel.schedule.type === 'continuous' ? srModel.schedule.sigmaMin : '?'}`
            : "; Karras σ from the model's σ_max") +
          ', deterministic Euler, the output projected onto its low-res input as the model card states).\n\n' +
          srRows.join('\n') +
          `\n\nAt the default: ${fmt(mean('default'))} dB, bicubic ${fmt(bicubic)} dB: ` +
          `${gain >= 1.5 ? '**meets**' : '**misses**'} the target of bicubic + 1.5 dB (${fmt(gain)} dB).\n\n` +
          `Step counts (Euler, steps = NFE) up to the window's 150, on the centre 256² of each photo (64² in):\n\n` +
          sweepRows.join('\n') +
          `\n\nLowest over the sweep: ${fmt(worst)} dB at ${worstAt} steps, ` +
          `${worst >= cropCubic ? '**never below bicubic**' : '**below bicubic**'} (${fmt(worst - cropCubic)} dB).`
      )
    }

    // 2. Inpainting quality at the task's default settings, seeded masks of three kinds.
    if (part('inpaint')) {
      const defaults = ImageInpaintSpecSchema.parse({
        task: 'image.inpaint',
        image: '0'.repeat(64),
        mask: '0'.repeat(64)
      })
      const kinds = ['box', 'brush', 'scratch'] as const
      const methods = ['blur', 'telea', 'model'] as const
      type Method = (typeof methods)[number]
      interface Measures {
        mae: number
        psnr: number
        shift: number
        /** Signed mean difference inside per channel (summed over cases, then averaged). */
        bias: number[]
        seam: number
        texture: number
      }
      const totals = new Map<string, Measures & { cases: number }>()
      const tally = (key: string, m: Measures) => {
        const t = totals.get(key) ?? {
          mae: 0,
          psnr: 0,
          shift: 0,
          bias: [0, 0, 0],
          seam: 0,
          texture: 0,
          cases: 0
        }
        totals.set(key, {
          mae: t.mae + m.mae,
          psnr: t.psnr + m.psnr,
          shift: t.shift + m.shift,
          bias: t.bias.map((v, c) => v + m.bias[c]),
          seam: t.seam + m.seam,
          texture: t.texture + m.texture,
          cases: t.cases + 1
        })
      }
      let totalOutside = 0
      const size = 256
      if (options.pngDir) mkdirSync(options.pngDir, { recursive: true })
      for (const [k, file] of photos.entries()) {
        const full = await decodeRgba(readFileSync(join(heldout, file)))
        const image = await resized(full, size, size)
        const ref = await addInput(image)
        for (const kind of kinds) {
          const mask = benchMask(kind, size, 1000 + k)
          const inside = (p: number) => mask[p] > 0
          // The pipeline regenerates the mask and its feather band; the rest must stay byte-identical.
          const band = featherWeights(mask, size, size, defaults.feather)
          const changed = (p: number) => band[p] > 0
          const near = ringOf(mask, size, size, 8)
          const result = await run({
            task: 'image.inpaint',
            model: 'photo-inpaint',
            image: ref,
            mask: await addMask(mask, size, size),
            seed: k
          })
          const fills: Record<Method, Rgba8> = {
            blur: blurFill(image, mask),
            telea: teleaFill(image, mask),
            model: result.image
          }
          for (const method of methods) {
            const out = fills[method]
            tally(`${method}:${kind}`, {
              mae: meanAbsoluteError(out, image, inside),
              psnr: psnr(out, image, inside),
              shift: colourShift(out, image, inside),
              bias: meanDifference(out, image, inside),
              seam: seamEnergy(out, inside),
              texture: textureRatio(out, inside, near)
            })
          }
          tally(`original:${kind}`, {
            mae: 0,
            psnr: Infinity,
            shift: 0,
            bias: [0, 0, 0],
            seam: seamEnergy(image, inside),
            texture: textureRatio(image, inside, near)
          })
          let outside = 0
          for (let p = 0; p < size * size; p++) {
            if (changed(p)) continue
            for (let c = 0; c < 4; c++)
              if (result.image.data[p * 4 + c] !== image.data[p * 4 + c]) outside++
          }
          totalOutside += outside
          log(
            `inpaint ${file} ${kind}: MAE blur ${fmt(meanAbsoluteError(fills.blur, image, inside))}, ` +
              `Telea ${fmt(meanAbsoluteError(fills.telea, image, inside))}, model ${fmt(meanAbsoluteError(result.image, image, inside))}; outside ${outside}`
          )
          if (options.pngDir) {
            const shown = { width: size, height: size, data: image.data.slice() }
            for (let p = 0; p < size * size; p++)
              if (mask[p]) shown.data.set([128, 128, 128], p * 4)
            await sideBySide(
              [shown, fills.blur, fills.telea, fills.model, image],
              join(options.pngDir, `${file.replace(/\.png$/, '')}-${kind}.png`)
            )
          }
        }
      }
      const avg = (key: string): Measures => {
        const t = totals.get(key)!
        const c = t.cases
        return {
          mae: t.mae / c,
          psnr: t.psnr / c,
          shift: t.shift / c,
          bias: t.bias.map((v) => v / c),
          seam: t.seam / c,
          texture: t.texture / c
        }
      }
      const label: Record<Method | 'original', string> = {
        blur: 'blur fill',
        telea: 'Telea (r = 5)',
        model: `**photo-inpaint (defaults)**`,
        original: 'original'
      }
      const inRows: string[] = [
        '| masks | method | MAE in mask | PSNR in mask (dB) | colour shift per photo | colour bias (R, G, B) | seam energy | texture ratio |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |'
      ]
      const verdicts: string[] = []
      for (const kind of kinds) {
        for (const method of [...methods, 'original'] as const) {
          const m = avg(`${method}:${kind}`)
          inRows.push(
            `| ${kind} | ${label[method]} | ${method === 'original' ? '—' : fmt(m.mae)} | ${method === 'original' ? '—' : fmt(m.psnr)} | ${method === 'original' ? '—' : fmt(m.shift)} | ${method === 'original' ? '—' : m.bias.map((v) => fmt(v, 1)).join(', ')} | ${fmt(m.seam, 0)} | ${fmt(m.texture)} |`
          )
        }
        const m = avg(`model:${kind}`)
        const b = avg(`blur:${kind}`)
        const t = avg(`telea:${kind}`)
        const checks = [
          [`MAE ${fmt(m.mae)} < ${fmt(Math.min(b.mae, t.mae))}`, m.mae < Math.min(b.mae, t.mae)],
          [
            `PSNR ${fmt(m.psnr)} > ${fmt(Math.max(b.psnr, t.psnr))}`,
            m.psnr > Math.max(b.psnr, t.psnr)
          ],
          [
            `colour bias ${fmt(Math.max(...m.bias.map(Math.abs)), 1)} ≤ 3`,
            Math.max(...m.bias.map(Math.abs)) <= 3
          ],
          [`colour shift per photo ${fmt(m.shift)} ≤ 3 (Telea ${fmt(t.shift)})`, m.shift <= 3],
          [`seam ${fmt(m.seam, 0)} ≤ Telea's ${fmt(t.seam, 0)}`, m.seam <= t.seam]
        ] as const
        verdicts.push(
          `- ${kind}: ` +
            checks.map(([text, ok]) => `${text} ${ok ? 'met' : '**missed**'}`).join('; ')
        )
      }
      sections.push(
        `### Inpainting on the held-out photos (${size}², the task's defaults)\n\n` +
          `Per photo a seeded box of about 20% of the image, a stroke of the mask editor's default brush ` +
          `(16 px, hard) and a thin scratch (a 3 px brush), painted as the editor paints; photo-inpaint runs ` +
          `through the studio pipeline at the task's defaults (feather ${defaults.feather} px, the mask's box ` +
          `+ ${defaults.padding} px, the model's default sampler and steps). Blur fill = harmonic interpolation ` +
          "from the hole's border (500 Jacobi sweeps from the mean); Telea = OpenCV's INPAINT_TELEA " +
          '(radius 5) ported to TypeScript (main/codecs/fill.ts, checked against OpenCV 4.6 in its test). ' +
          'Means over the photos of: MAE and PSNR inside the mask (8-bit RGB; a plausible fill need not ' +
          "match the original); colour shift per photo = |mean inside − the original's mean inside|, " +
          'averaged over channels and photos (a large box hides content of its own colour, so no fill ' +
          'reaches 0 there); colour bias = the signed mean difference per channel over the photos (a ' +
          'systematic tint); seam energy = mean squared RGB step between 4-adjacent pixels across the mask ' +
          'border ("original": the same border on the original); ' +
          'texture ratio = mean squared luma Laplacian inside the mask / in the 8 px ring around it (the ' +
          "original's own ratio beside it; 0 = perfectly smooth). Bytes changed outside the mask and its " +
          `feather band over all cases: **${totalOutside}**.\n\n` +
          inRows.join('\n') +
          '\n\nTargets (photo-inpaint against both classical fills):\n' +
          verdicts.join('\n')
      )
    }

    // 3. Speed and memory.
    if (part('speed')) {
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
    }
  } finally {
    await bench.release()
  }
  return { markdown: sections.join('\n\n') }
}

/** The centre side×side of an image. */
function centreCrop(image: Rgba8, side: number): Rgba8 {
  const x0 = Math.floor((image.width - side) / 2)
  const y0 = Math.floor((image.height - side) / 2)
  const data = new Uint8Array(side * side * 4)
  for (let y = 0; y < side; y++)
    data.set(
      image.data.subarray(
        ((y0 + y) * image.width + x0) * 4,
        ((y0 + y) * image.width + x0 + side) * 4
      ),
      y * side * 4
    )
  return { width: side, height: side, data }
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

/**
 * A seeded mask (255 = hole): a box of about 20% of the area; a stroke of the mask editor's default
 * brush (16 px diameter, hard: image-metrics brushMask) along a random walk; or a thin scratch (a 3 px
 * brush) in a long, gently curving line across the image.
 */
export function benchMask(
  kind: 'box' | 'brush' | 'scratch',
  size: number,
  seed: number
): Uint8Array {
  let state = seed >>> 0
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  if (kind === 'box') {
    const mask = new Uint8Array(size * size)
    const w = Math.round(size * (0.4 + 0.1 * rand()))
    const h = Math.round((size * size * 0.2) / w)
    const x0 = Math.round((size - w) * (0.3 + 0.4 * rand()))
    const y0 = Math.round((size - h) * (0.3 + 0.4 * rand()))
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) mask[y * size + x] = 255
    return mask
  }
  const points: { x: number; y: number }[] = []
  if (kind === 'brush') {
    let x = size * (0.3 + 0.4 * rand())
    let y = size * (0.3 + 0.4 * rand())
    let angle = rand() * 2 * Math.PI
    for (let k = 0; k < 24; k++) {
      points.push({ x, y })
      angle += (rand() - 0.5) * 1.2
      x = Math.min(size - 1, Math.max(0, x + Math.cos(angle) * 8))
      y = Math.min(size - 1, Math.max(0, y + Math.sin(angle) * 8))
    }
    return brushMask(size, size, points, 16)
  }
  // A scratch: from one edge region to the opposite one, bending slowly.
  let x = size * 0.05
  let y = size * (0.2 + 0.6 * rand())
  let angle = (rand() - 0.5) * 0.8
  while (x < size * 0.95) {
    points.push({ x, y })
    angle += (rand() - 0.5) * 0.3
    x += Math.cos(angle) * 6
    y = Math.min(size - 2, Math.max(1, y + Math.sin(angle) * 6))
  }
  return brushMask(size, size, points, 3)
}

/** Pixels within `radius` of the mask but outside it (the surroundings a fill should resemble). */
function ringOf(
  mask: Uint8Array,
  width: number,
  height: number,
  radius: number
): (p: number) => boolean {
  const near = featherWeights(mask, width, height, radius)
  return (p) => near[p] > 0 && mask[p] === 0
}

/** Images of one size, left to right, into one PNG. */
async function sideBySide(images: readonly Rgba8[], path: string): Promise<void> {
  const { width, height } = images[0]
  const data = new Uint8Array(width * images.length * height * 4)
  images.forEach((im, i) => {
    for (let y = 0; y < height; y++)
      data.set(
        im.data.subarray(y * width * 4, (y + 1) * width * 4),
        (y * width * images.length + i * width) * 4
      )
  })
  await sharp(data, { raw: { width: width * images.length, height, channels: 4 } })
    .png()
    .toFile(path)
}
