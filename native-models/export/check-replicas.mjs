// Loads every graph of the tiny replicas (native-models/replicas/*) with onnxruntime-node, runs one
// call with the dtypes and ranks the public pipelines feed, and checks: output names, dtypes and
// shapes; finite values; that every input changes the outputs (a perturbed input must move them by
// more than the run-to-run noise of the VAE encoder's random draw). Also tokenizes sample prompts
// from each tokenizer/ (vocab.json + merges.txt, CLIP BPE ported below; tokenizer.json through
// @huggingface/tokenizers when that package can be imported) and compares with the ids that
// replicas.py's reference BPE gives.
// Usage (from the repo root): node native-models/export/check-replicas.mjs [replicasDir]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ort from 'onnxruntime-node'

const root = resolve(process.argv[2] ?? 'native-models/replicas')
const MAX_BYTES = 2 * 1024 * 1024

// Ids from replicas.py (printed by it); bos 832, eos = pad = 833.
const EXPECTED_IDS = {
  'a photo of a cat': [832, 320, 517, 512, 320, 519, 833],
  'A Photo of a CAT!': [832, 320, 517, 512, 320, 519, 256, 833],
  'an astronaut riding a horse on the moon, 4k': [
    832, 534, 657, 815, 320, 771, 520, 526, 791, 267, 275, 330, 833
  ],
  '': [832, 833]
}

let failures = 0
const fail = (what, message) => {
  failures++
  console.log(`FAIL ${what}: ${message}`)
}

// ---------------------------------------------------------------- float16 <-> float32 (bits)
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
function toHalf(value) {
  f32[0] = value
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  let e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    let half = mant >>> shift
    if ((mant >>> (shift - 1)) & 1) half++
    return sign | half
  }
  let half = sign | (e << 10) | (mant >>> 13)
  if (mant & 0x1000) half++
  return half
}
function fromHalf(h) {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant ? NaN : sign * Infinity
  return sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

// ---------------------------------------------------------------- tensors
let seed = 12345
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}
const size = (shape) => shape.reduce((a, b) => a * b, 1)

function tensor(type, shape, values) {
  const n = size(shape)
  const at = (i) => (typeof values === 'function' ? values(i) : values[i])
  switch (type) {
    case 'float32':
      return new ort.Tensor(type, Float32Array.from({ length: n }, (_, i) => at(i)), shape)
    case 'float16':
      return new ort.Tensor(type, Uint16Array.from({ length: n }, (_, i) => toHalf(at(i))), shape)
    case 'int32':
      return new ort.Tensor(type, Int32Array.from({ length: n }, (_, i) => at(i)), shape)
    case 'int64':
      return new ort.Tensor(
        type,
        BigInt64Array.from({ length: n }, (_, i) => BigInt(at(i))),
        shape
      )
    default:
      throw new Error(`no feed for ${type}`)
  }
}
function values(t) {
  if (t.type === 'float16') return Array.from(t.data, fromHalf)
  if (t.type === 'int64') return Array.from(t.data, Number)
  if (t.type === 'bool') return Array.from(t.data, (v) => (v ? 1 : 0))
  return Array.from(t.data)
}
/** The same tensor with its values changed (noise added to floats, +1 or another token for integers). */
function perturbed(t) {
  const v = values(t)
  if (t.type.startsWith('int') && v.length > 2) {
    v[1] = v[1] === 320 ? 321 : 320 // input_ids: another token at position 1
    return tensor(t.type, t.dims, v)
  }
  if (t.type.startsWith('int')) return tensor(t.type, t.dims, v.map((x) => x + 1))
  for (let i = 0; i < v.length; i++) v[i] += rand() - 0.5
  return tensor(t.type, t.dims, v)
}
const maxDiff = (a, b) => {
  const x = values(a)
  const y = values(b)
  let m = 0
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]))
  return m
}
const describe = (name, t) => `${name} ${t.type} [${t.dims.join(',')}]`

// ---------------------------------------------------------------- CLIP BPE (vocab.json + merges.txt)
function byteEncoder() {
  const bs = []
  for (let b = 33; b <= 126; b++) bs.push(b)
  for (let b = 161; b <= 172; b++) bs.push(b)
  for (let b = 174; b <= 255; b++) bs.push(b)
  const cs = [...bs]
  let n = 0
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b)
      cs.push(256 + n++)
    }
  }
  return new Map(bs.map((b, i) => [b, String.fromCodePoint(cs[i])]))
}
const BYTES = byteEncoder()
const PATTERN =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu

function clipTokenizer(dir) {
  const vocab = JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8'))
  const lines = readFileSync(join(dir, 'merges.txt'), 'utf8').trim().split('\n').slice(1)
  const ranks = new Map(lines.map((line, i) => [line, i]))
  const bpe = (token) => {
    let word = [...token.slice(0, -1)]
    word.push(token.slice(-1) + '</w>')
    // [...string] splits by code point; the byte characters are all in the BMP.
    for (;;) {
      let best = null
      let bestRank = Infinity
      for (let i = 0; i < word.length - 1; i++) {
        const rank = ranks.get(`${word[i]} ${word[i + 1]}`)
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank
          best = [word[i], word[i + 1]]
        }
      }
      if (!best) return word
      const next = []
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === best[0] && word[i + 1] === best[1]) {
          next.push(best[0] + best[1])
          i++
        } else next.push(word[i])
      }
      word = next
      if (word.length === 1) return word
    }
  }
  const bos = vocab['<|startoftext|>']
  const eos = vocab['<|endoftext|>']
  return {
    bos,
    eos,
    encode(text) {
      const clean = text.trim().split(/\s+/).filter(Boolean).join(' ').toLowerCase()
      const ids = [bos]
      for (const piece of clean.match(PATTERN) ?? []) {
        if (piece === '<|startoftext|>' || piece === '<|endoftext|>') {
          ids.push(vocab[piece])
          continue
        }
        const mapped = Array.from(new TextEncoder().encode(piece), (b) => BYTES.get(b)).join('')
        for (const t of bpe(mapped)) ids.push(vocab[t] ?? eos)
      }
      ids.push(eos)
      return ids
    }
  }
}

async function loadJsonTokenizer(dir) {
  if (!existsSync(join(dir, 'tokenizer.json'))) return undefined
  let Tokenizer
  try {
    ;({ Tokenizer } = await import('@huggingface/tokenizers'))
  } catch {
    return null
  }
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'))
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'))
  return new Tokenizer(json, config)
}

async function checkTokenizer(name, dir) {
  const what = `${name}/tokenizer`
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'))
  const specials = JSON.parse(readFileSync(join(dir, 'special_tokens_map.json'), 'utf8'))
  const tok = clipTokenizer(dir)
  const vocabSize = Object.keys(JSON.parse(readFileSync(join(dir, 'vocab.json'), 'utf8'))).length
  if (tok.bos !== vocabSize - 2 || tok.eos !== vocabSize - 1)
    fail(what, `bos/eos are not the last two ids (${tok.bos}, ${tok.eos}, ${vocabSize} tokens)`)
  if (config.model_max_length !== 77) fail(what, 'model_max_length is not 77')
  if (specials.pad_token !== '<|endoftext|>') fail(what, 'pad is not <|endoftext|>')
  for (const [prompt, expected] of Object.entries(EXPECTED_IDS)) {
    const ids = tok.encode(prompt)
    if (ids.join() !== expected.join())
      fail(what, `vocab+merges: ${JSON.stringify(prompt)} -> ${ids} (expected ${expected})`)
  }
  const fast = await loadJsonTokenizer(dir)
  let viaJson = 'tokenizer.json absent'
  if (fast === null) viaJson = 'tokenizer.json not checked (@huggingface/tokenizers not installed)'
  else if (fast) {
    for (const [prompt, expected] of Object.entries(EXPECTED_IDS)) {
      const ids = fast.encode(prompt).ids
      if (ids.join() !== expected.join())
        fail(what, `tokenizer.json: ${JSON.stringify(prompt)} -> ${ids} (expected ${expected})`)
    }
    viaJson = 'tokenizer.json ids match'
  }
  console.log(
    `OK   ${what}: ${vocabSize} tokens, bos ${tok.bos}, eos=pad ${tok.eos}; "a photo of a cat" -> [${tok.encode('a photo of a cat')}]; ${viaJson}`
  )
  return tok
}

// ---------------------------------------------------------------- graphs
function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {}
}

/** Feeds as the public pipelines build them, and the expected output shapes. */
function plan(folder, session, index, ids, unetChannels) {
  const meta = Object.fromEntries(session.inputMetadata.map((m) => [m.name, m]))
  const type = (name) => meta[name].type
  const className = index._class_name ?? ''
  switch (folder) {
    case 'text_encoder': {
      const padded = [...ids, ...Array(77 - ids.length).fill(ids[ids.length - 1])]
      return {
        feeds: { input_ids: tensor(type('input_ids'), [1, 77], padded) },
        outputs: { last_hidden_state: [1, 77, 32], pooler_output: [1, 32] }
      }
    }
    case 'unet': {
      if (!meta.encoder_hidden_states) return pixelUnet(meta, type, join(root, index.__name, 'unet'))
      const declared = meta.sample.shape[1]
      const channels =
        typeof declared === 'number'
          ? declared
          : (unetChannels ?? index.num_unet_input_channels ?? (/Inpaint/.test(className) ? 9 : 4))
      const B = 2 // classifier-free guidance batch
      const feeds = {
        sample: tensor(type('sample'), [B, channels, 8, 8], () => rand() * 2 - 1),
        // diffusers feeds np.array([t]) (shape [1]) whatever the batch; optimum >= 1.24 a scalar
        timestep: tensor(type('timestep'), meta.timestep.shape.length === 0 ? [] : [1], [999]),
        encoder_hidden_states: tensor(type('encoder_hidden_states'), [B, 77, 32], () => rand() - 0.5)
      }
      if (meta.class_labels) feeds.class_labels = tensor(type('class_labels'), [B], [20, 20])
      if (meta.timestep_cond)
        feeds.timestep_cond = tensor(type('timestep_cond'), [B, 256], (i) =>
          i % 256 < 128 ? Math.sin(i) : Math.cos(i)
        )
      return { feeds, outputs: { out_sample: [B, 4, 8, 8] } }
    }
    case 'vae_encoder':
      return {
        feeds: { sample: tensor(type('sample'), [1, 3, 64, 64], () => rand() * 2 - 1) },
        outputs: { latent_sample: [1, 4, 8, 8] }
      }
    case 'vae_decoder':
    case 'vae': {
      const factor = folder === 'vae' ? 4 : 8
      return {
        feeds: { latent_sample: tensor(type('latent_sample'), [1, 4, 8, 8], () => rand() * 2 - 1) },
        outputs: { sample: [1, 3, 8 * factor, 8 * factor] }
      }
    }
    case 'safety_checker':
      return {
        feeds: {
          clip_input: tensor(type('clip_input'), [1, 3, 224, 224], () => rand() * 2 - 1),
          images: tensor(type('images'), [1, 64, 64, 3], () => rand())
        },
        outputs: { out_images: [1, 64, 64, 3], has_nsfw_concepts: [1] }
      }
    default:
      return undefined
  }
}

/** A pixel-space UNet2DModel (no text): sample [B, C, H, W] from unet/config.json, timestep [B]. */
function pixelUnet(meta, type, unetDir) {
  const config = readJson(join(unetDir, 'config.json'))
  const C = config.in_channels ?? 3
  const [H, W] = [2, 3].map((k) => (typeof meta.sample.shape[k] === 'number' ? meta.sample.shape[k] : 8))
  const B = 2
  const feeds = {
    sample: tensor(type('sample'), [B, C, H, W], () => rand() * 2 - 1),
    // DDPM/DDIM step, or σ for a score-SDE VE model (positive either way)
    timestep: tensor(type('timestep'), [B], [500, 7])
  }
  if (meta.class_labels) feeds.class_labels = tensor(type('class_labels'), [B], [1, 2])
  return { feeds, outputs: { out_sample: [B, C, H, W] } }
}

async function checkGraph(name, folder, dir, index, ids, floatType) {
  const what = `${name}/${folder}/model.onnx`
  const failuresBefore = failures
  // Severity 4: the UNet channel probe's expected failures are not logged.
  const session = await ort.InferenceSession.create(join(dir, folder, 'model.onnx'), {
    logSeverityLevel: 4
  })
  let p = plan(folder, session, index, ids)
  if (!p) return fail(what, 'unknown folder')
  const run = (feeds) => session.run(feeds)
  let out
  let note = ''
  try {
    out = await run(p.feeds)
  } catch (error) {
    // Diffusers-script UNets declare `sample`'s channel axis symbolic, and the runwayml inpainting
    // `onnx` revision calls its 9-channel pipeline OnnxStableDiffusionPipeline: probe 9, then 7.
    if (folder !== 'unet') throw error
    const guessed = p.feeds.sample.dims[1]
    for (const channels of [4, 9, 7].filter((c) => c !== guessed)) {
      p = plan(folder, session, index, ids, channels)
      out = await run(p.feeds).catch(() => undefined)
      if (out) {
        note = ` (channels ${channels} found by probing; the folder's metadata suggested ${guessed})`
        break
      }
    }
    if (!out) throw error
  }
  const names = Object.keys(p.outputs)
  if (session.outputNames.join() !== names.join())
    fail(what, `outputs ${session.outputNames} (expected ${names})`)
  for (const [key, shape] of Object.entries(p.outputs)) {
    const t = out[key]
    if (!t) continue
    if (t.dims.join() !== shape.join()) fail(what, `${key} has shape [${t.dims}] (expected [${shape}])`)
    if (!values(t).every(Number.isFinite)) fail(what, `${key} has non-finite values`)
  }
  // One float type per folder: float32, or float16 throughout for an fp16 export.
  const floats = [...Object.values(p.feeds), ...names.map((k) => out[k])]
    .map((t) => t?.type)
    .filter((type) => type?.startsWith('float'))
  for (const type of floats)
    if (type !== floatType) fail(what, `${type} input/output in a ${floatType} folder`)

  // Run-to-run noise (the VAE encoder draws inside the graph), then each input perturbed.
  const again = await run(p.feeds)
  const noise = Math.max(...names.map((k) => maxDiff(out[k], again[k])))
  const moved = []
  for (const key of Object.keys(p.feeds)) {
    if (folder === 'safety_checker' && key === 'clip_input') {
      const bright = tensor(p.feeds.clip_input.type, p.feeds.clip_input.dims, () => 100)
      const flagged = await run({ ...p.feeds, clip_input: bright })
      const normal = values(out.has_nsfw_concepts)[0] === 0
      const zeroed = values(flagged.out_images).every((v) => v === 0)
      if (!normal || values(flagged.has_nsfw_concepts)[0] !== 1 || !zeroed)
        fail(what, 'clip_input does not switch has_nsfw_concepts / out_images')
      else moved.push(key)
      continue
    }
    const other = await run({ ...p.feeds, [key]: perturbed(p.feeds[key]) })
    const diff = Math.max(...names.map((k) => maxDiff(out[k], other[k])))
    if (!(diff > 10 * noise && diff > 0)) fail(what, `output does not depend on ${key} (${diff} vs noise ${noise})`)
    else moved.push(key)
  }
  const ins = Object.entries(p.feeds).map(([k, t]) => describe(k, t))
  const outs = names.map((k) => describe(k, out[k]))
  if (failures === failuresBefore)
    console.log(`OK   ${what}: ${ins.join(' + ')} -> ${outs.join(', ')}; depends on ${moved.join(', ')}${note}`)
}

function folderBytes(dir) {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size
  }
  return total
}

const GRAPH_FOLDERS = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder', 'vae', 'safety_checker']
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name)
  if (!statSync(dir).isDirectory()) continue
  const index = { ...readJson(join(dir, 'model_index.json')), __name: name }
  const bytes = folderBytes(dir)
  if (bytes >= MAX_BYTES) fail(name, `${bytes} bytes (limit ${MAX_BYTES})`)
  let ids = EXPECTED_IDS['a photo of a cat']
  try {
    if (existsSync(join(dir, 'tokenizer'))) ids = (await checkTokenizer(name, join(dir, 'tokenizer'))).encode('a photo of a cat')
    for (const folder of GRAPH_FOLDERS) {
      if (existsSync(join(dir, folder, 'model.onnx')))
        await checkGraph(name, folder, dir, index, ids, /fp16/.test(name) ? 'float16' : 'float32')
    }
  } catch (error) {
    fail(name, error.message)
  }
  console.log(`     ${name}: ${(bytes / 1024).toFixed(0)} KiB`)
}
console.log(failures ? `${failures} failed` : 'all replicas OK')
process.exit(failures ? 1 : 0)
