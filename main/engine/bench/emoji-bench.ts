// `npm run bench:emoji`: is each class of the emoji-32 starter recognisable? A small classifier trained
// on 80 % of the emoji images (native-models/train/emoji_classifier.py, fixtures/emoji-classifier.*) labels
// (1) the 20 % it never saw — how good the judge is — and (2) samples the studio's own pipeline generates
// per class at the model's default sampler, for each guidance asked. A class is *recognisable* when the
// classifier gives its generated samples their class at least half as often as it gives the real held-out
// images theirs, and at least 3× as often as chance (1/9). Tables go to docs/benchmarks.md.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import sharp from 'sharp'
import { projectRoot } from '../../platform/paths'
import { decodeRgba } from '../../codecs/image-io'
import { createBenchRunner, fmt } from './in-process'

export interface EmojiBenchOptions {
  readonly threads: number
  /** Samples generated per class. */
  readonly perClass: number
  /** Guidance scales to measure (the model's default is always included). */
  readonly guidance: readonly number[]
  readonly log?: (line: string) => void
}

const fixtures = join(projectRoot, 'main', 'engine', 'bench', 'fixtures')

interface ClassifierCard {
  readonly classes: string[]
  readonly held_out_accuracy: number
  readonly held_out_sheet: { file: string; tile: number; per_row: number; labels: number[] }
}

/** RGBA tiles (32×32) → the classifier's input [B, 3, 32, 32] in [−1, 1], alpha composited on white. */
function toInput(tiles: readonly { data: Uint8Array | Buffer; width: number }[]): ort.Tensor {
  const size = 32 * 32
  const out = new Float32Array(tiles.length * 3 * size)
  tiles.forEach((t, b) => {
    for (let p = 0; p < size; p++) {
      const a = t.data[4 * p + 3] / 255
      for (let c = 0; c < 3; c++) {
        const v = t.data[4 * p + c] * a + 255 * (1 - a)
        out[(b * 3 + c) * size + p] = v / 127.5 - 1
      }
    }
  })
  return new ort.Tensor('float32', out, [tiles.length, 3, 32, 32])
}

async function classify(session: ort.InferenceSession, input: ort.Tensor): Promise<number[]> {
  const { logits } = await session.run({ image: input })
  const k = logits.dims[1] as number
  const data = logits.data as Float32Array
  return Array.from({ length: logits.dims[0] as number }, (_, b) => {
    let best = 0
    for (let c = 1; c < k; c++) if (data[b * k + c] > data[b * k + best]) best = c
    return best
  })
}

/** The held-out sprite sheet cut into RGBA tiles, with their labels. */
async function heldOutTiles(card: ClassifierCard) {
  const { file, tile, per_row: perRow, labels } = card.held_out_sheet
  const { data, info } = await sharp(join(fixtures, file))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return labels.map((label, k) => {
    const [r, c] = [Math.floor(k / perRow), k % perRow]
    const px = new Uint8Array(tile * tile * 4)
    for (let y = 0; y < tile; y++) {
      const row = ((r * tile + y) * info.width + c * tile) * 4
      px.set(data.subarray(row, row + tile * 4), y * tile * 4)
    }
    return { label, tile: { data: px, width: tile } }
  })
}

export async function runEmojiBench(options: EmojiBenchOptions): Promise<{ markdown: string }> {
  const log = options.log ?? (() => undefined)
  const card = JSON.parse(
    readFileSync(join(fixtures, 'emoji-classifier.json'), 'utf8')
  ) as ClassifierCard
  const session = await ort.InferenceSession.create(join(fixtures, 'emoji-classifier.onnx'), {
    intraOpNumThreads: options.threads
  })
  const classes = card.classes
  const K = classes.length
  // 1. The judge on real images it never saw.
  const real = await heldOutTiles(card)
  const realPred = await classify(session, toInput(real.map((r) => r.tile)))
  const realRecall = classes.map((_, c) => {
    const of = real.flatMap((r, k) => (r.label === c ? [realPred[k]] : []))
    return of.filter((p) => p === c).length / Math.max(1, of.length)
  })
  const realAccuracy = realPred.filter((p, k) => p === real[k].label).length / real.length

  // 2. Generated samples per class, through the studio's pipeline.
  const bench = await createBenchRunner(options.threads)
  const sections: string[] = []
  try {
    const { manifest } = await bench.registry.resolve('emoji-32')
    const defaults = manifest.defaults
    const scales = [...new Set([defaults.guidance, ...options.guidance])].sort((a, b) => a - b)
    const rows = [
      `| class | real held-out recall | ${scales.map((w) => `generated, w = ${w}${w === defaults.guidance ? ' (default)' : ''}`).join(' | ')} |`,
      `| --- | --- | ${scales.map(() => '---').join(' | ')} |`
    ]
    const recognised = new Map<number, number>()
    const rates: number[][] = classes.map(() => [])
    for (const w of scales) {
      let count = 0
      for (const [c, name] of classes.entries()) {
        const run = await bench.run({
          task: 'image.generate',
          model: 'emoji-32',
          label: name,
          guidance: w,
          count: options.perClass,
          seed: 500 + 100 * c
        })
        const images = await Promise.all(
          run.files.filter((f) => f.artifact.role === 'output').map((f) => decodeRgba(f.bytes))
        )
        const pred = await classify(session, toInput(images))
        const rate = pred.filter((p) => p === c).length / pred.length
        rates[c].push(rate)
        if (rate >= 0.5 * realRecall[c] && rate >= 3 / K) count++
        log(`emoji w=${w} ${name}: ${fmt(100 * rate, 0)} % classified as its class`)
      }
      recognised.set(w, count)
    }
    const mark = (rate: number, c: number) =>
      `${fmt(100 * rate, 0)} %${rate >= 0.5 * realRecall[c] && rate >= 3 / K ? ' ✓' : ''}`
    classes.forEach((name, c) =>
      rows.push(
        `| ${name} | ${fmt(100 * realRecall[c], 0)} % | ${rates[c].map((r) => mark(r, c)).join(' | ')} |`
      )
    )
    rows.push(
      `| **recognisable classes** | (accuracy ${fmt(100 * realAccuracy, 1)} %) | ${scales.map((w) => `**${recognised.get(w)} of ${K}**`).join(' | ')} |`
    )
    sections.push(
      `### Emoji (emoji-32, ${options.perClass} generated per class; judge: fixtures/emoji-classifier.onnx)\n\n` +
        `Sampler: the model's default (${defaults.sampler}, ${defaults.steps} steps) at each guidance w. The ` +
        `judge is a small CNN trained on 80 % of the 1906 Noto emoji (the generator saw them all); its ` +
        `accuracy on the other 20 % (${real.length} images it never saw) is ${fmt(100 * realAccuracy, 1)} %. ` +
        'Cells: share of generated samples of the class that the judge puts in that class; ✓ = ' +
        '*recognisable*: at least half the judge’s recall on real held-out images of the class and at ' +
        `least 3× chance (${fmt(300 / K, 0)} %).\n\n` +
        rows.join('\n') +
        `\n\nTarget (issue 17): at least 7 of ${K} classes recognisable at the default — ` +
        `${(recognised.get(defaults.guidance) ?? 0) >= 7 ? 'met' : 'missed'}.`
    )
  } finally {
    await bench.release()
    await session.release()
  }
  return { markdown: sections.join('\n\n') }
}
