// The command line end to end: real engine host process, real starter model, real files.
import { execFile } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot, modelRoots } from '../platform/paths'
import sharp from 'sharp'
import { vi } from 'vitest'
import { decodePng } from '../codecs/png'
import { main } from './main'

/** What `run` printed on stdout (in this process). */
async function captured(run: () => Promise<unknown>): Promise<string> {
  let text = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    text += String(chunk)
    return true
  })
  try {
    await run()
  } finally {
    spy.mockRestore()
  }
  return text
}

const bin = join(projectRoot, 'main', 'cli', 'bin.mjs')
const work = mkdtempSync(join(tmpdir(), 'cli-'))

function cli(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, STUDIO_DATA_DIR: join(work, 'data'), ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  })
}

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('diffusion-studio generate', () => {
  it('writes a PNG with the recipe, and the same seed gives the same bytes', async () => {
    const args = [
      'generate',
      '--label',
      'Food & Drink',
      '--seed',
      '42',
      '--steps',
      '8',
      '--sampler',
      'dpmpp-2m'
    ]
    const a = await cli([...args, '--out', join(work, 'a.png'), '--json'])
    expect(a.stderr).not.toMatch(/error/)
    expect(a.code).toBe(0)
    const result = JSON.parse(a.stdout) as {
      artifacts: { path: string }[]
      execution: { provider: string }
    }
    expect(result.artifacts.map((x) => x.path)).toEqual([join(work, 'a.png')])
    const b = await cli([...args, '--out', join(work, 'b.png')])
    expect(b.code).toBe(0)
    // stderr holds the studio's own lines only: no Vulkan/Dawn or onnxruntime traces from probing
    // providers that are not there (those show with --verbose).
    const foreign = b.stderr
      .split('\n')
      .filter((l) => l && !/^(step \d+\/\d+|warning: |done in )/.test(l))
    expect(foreign).toEqual([])
    const bytesA = readFileSync(join(work, 'a.png'))
    expect(bytesA.equals(readFileSync(join(work, 'b.png')))).toBe(true)
    const png = decodePng(bytesA)
    expect([png.width, png.height]).toEqual([32, 32])
    const recipe = JSON.parse(png.text['diffusion-studio']) as Record<string, unknown>
    expect(recipe).toMatchObject({
      model: 'emoji-32',
      seed: 42,
      steps: 8,
      sampler: 'dpmpp-2m',
      label: 'Food & Drink'
    })
    expect(recipe.provider).toBe(result.execution.provider)
    expect(png.text.parameters).toContain('Seed: 42')
    // Not a flat or saturated image: the pixels vary and use the middle of the range.
    const values = Array.from(png.data).filter((_, i) => i % 4 !== 3)
    const mid = values.filter((v) => v > 20 && v < 235).length / values.length
    expect(new Set(values).size).toBeGreaterThan(50)
    expect(mid).toBeGreaterThan(0.1)
  })

  it('numbers the files of --count and gives image b the seed s + b', async () => {
    const run = await cli([
      'generate',
      '--seed',
      '7',
      '--steps',
      '4',
      '--count',
      '2',
      '--out',
      join(work, 'batch.png')
    ])
    expect(run.code).toBe(0)
    const second = decodePng(readFileSync(join(work, 'batch-2.png')))
    expect(JSON.parse(second.text['diffusion-studio']).seed).toBe(8)
    const alone = await cli([
      'generate',
      '--seed',
      '8',
      '--steps',
      '4',
      '--out',
      join(work, 'alone.png')
    ])
    expect(alone.code).toBe(0)
    expect(Array.from(decodePng(readFileSync(join(work, 'alone.png'))).data)).toEqual(
      Array.from(second.data)
    )
  })

  it('fails with typed errors and exit codes on bad input', async () => {
    const sampler = await cli(['generate', '--sampler', 'warp-drive', '--out', join(work, 'x.png')])
    expect(sampler.code).toBe(2)
    expect(sampler.stderr).toMatch(/Unknown sampler "warp-drive"\. Available: euler/)
    const near = await cli(['generate', '--sampler', 'dpmpp2m', '--out', join(work, 'x.png')])
    expect(near.stderr).toMatch(/Did you mean "dpmpp-2m"\?/)
    const model = await cli(['generate', '--model', 'sd-99', '--out', join(work, 'x.png')])
    expect(model.code).toBe(4)
    expect(model.stderr).toMatch(/Unknown model "sd-99"\. Installed: digits-mel, emoji-32/)
    const usage = await cli(['generate', '--steps', 'many', '--out', join(work, 'x.png')])
    expect(usage.code).toBe(2)
    const long = await cli(['generate', '--out', join(work, 'x'.repeat(201) + '.png')])
    expect(long.code).toBe(2)
    expect(long.stderr).toMatch(/1–200 characters/)
    const noOut = await cli(['generate'])
    expect(noOut.code).toBe(2)
    expect(noOut.stderr).toMatch(/--out/)
    expect(readdirSync(work).filter((f) => f.startsWith('x'))).toEqual([])
  })

  it('reports a corrupt model file by name and writes nothing', async () => {
    const starter = join(work, 'starter')
    cpSync(modelRoots().starter, starter, { recursive: true })
    truncateSync(join(starter, 'emoji-32', 'unet.onnx'), 1000)
    const run = await cli(['generate', '--out', join(work, 'corrupt.png')], {
      STUDIO_STARTER_DIR: starter
    })
    expect(run.code).toBe(4)
    expect(run.stderr).toMatch(/unet\.onnx/)
    expect(readdirSync(work).filter((f) => f.startsWith('corrupt'))).toEqual([])
  })
})

describe('Ctrl+C during generate', () => {
  it('cancels between denoiser calls: exit 130, no output, engine not killed by the signal', async () => {
    const { spawn } = await import('node:child_process')
    const out = join(work, 'interrupted.png')
    // A terminal sends SIGINT to the whole foreground process group: the CLI and its engine host.
    const child = spawn(process.execPath, [bin, 'generate', '--steps', '1000', '--out', out], {
      env: { ...process.env, STUDIO_DATA_DIR: join(work, 'data') },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    let sent = false
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk
        if (!sent && /step \d+\/1000/.test(stderr) && child.pid) {
          sent = true
          process.kill(-child.pid, 'SIGINT')
        }
      })
      child.on('exit', (c) => resolve(c))
    })
    expect(code).toBe(130)
    expect(stderr).toMatch(/cancelling/)
    expect(stderr).toMatch(/Cancelled between denoiser calls/)
    expect(readdirSync(work).filter((f) => f.includes('interrupted'))).toEqual([])
  })
})

describe('paths, ports and what the user asked for', () => {
  it('refuses bad --out and --data-dir paths with typed errors, never a stack trace', async () => {
    const file = join(work, 'plain-file')
    writeFileSync(file, 'x')
    const cases: [string[], RegExp][] = [
      [
        ['generate', '--out', join(file, 'x.png')],
        /is a file, not a folder|part of the path is a file/
      ],
      [['generate', '--out', work], /is a folder; name a file inside it/],
      [['generate', '--out', '/proc/studio/x.png'], /system folder/],
      [['generate', '--out', join(work, 'x.gif')], /--out must end in \.png or \.webp/],
      [['serve', '--data-dir', file], /--data-dir .* is a file, not a folder/],
      [['serve', '--data-dir', '/proc/studio'], /system folder/],
      [
        ['serve', '--port', '70000'],
        /--port is a whole number from 0 to 65535 \(0 picks a free one\)\./
      ],
      [['serve', '--port=-1'], /--port is a whole number from 0 to 65535/]
    ]
    for (const [args, message] of cases) {
      const run = await cli(args)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
  }, 600_000) // eight CLI processes in turn: minutes on a loaded 2-core machine

  it('says when the requested device was not available, and records it', async () => {
    const run = await cli([
      'generate',
      '--device',
      'cuda',
      '--steps',
      '2',
      '--out',
      join(work, 'dev.png'),
      '--json'
    ])
    expect(run.code).toBe(0)
    const result = JSON.parse(run.stdout) as {
      execution: { provider: string; fallbackReason?: string }
      warnings: string[]
    }
    expect(result.execution.provider).not.toBe('cuda')
    expect(result.warnings.join(' ')).toMatch(
      /--device cuda is not available here; ran on \w+ instead/
    )
    expect(run.stderr).toMatch(/warning: --device cuda is not available/)
    const recipe = JSON.parse(
      decodePng(readFileSync(join(work, 'dev.png'))).text['diffusion-studio']
    )
    expect(recipe.device).toBe('cuda')
    expect(recipe.provider).toBe(result.execution.provider)
    expect(recipe.fallbackReason).toBeTruthy()
  })

  it('refuses a prompt on a class-only model', async () => {
    const run = await cli(['generate', '--prompt', 'a red fox', '--out', join(work, 'fox.png')])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/takes a class label, not a prompt/)
  })

  it('img2img reworks an input file and records its hash', async () => {
    const input = join(work, 'in.png')
    writeFileSync(
      input,
      await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer()
    )
    const run = await cli([
      'img2img',
      '--image',
      input,
      '--strength',
      '0.5',
      '--steps',
      '6',
      '--out',
      join(work, 'i2i.png'),
      '--json'
    ])
    expect(run.code, run.stderr).toBe(0)
    const recipe = JSON.parse(
      decodePng(readFileSync(join(work, 'i2i.png'))).text['diffusion-studio']
    )
    expect(recipe).toMatchObject({ task: 'image.img2img', strength: 0.5 })
    expect(recipe.image).toMatch(/^[0-9a-f]{64}$/)
    const missing = await cli([
      'img2img',
      '--image',
      join(work, 'nope.png'),
      '--out',
      join(work, 'n.png')
    ])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/no such file/)
    writeFileSync(join(work, 'not-an-image.txt'), 'plain text, not pixels')
    const notImage = await cli([
      'img2img',
      '--image',
      join(work, 'not-an-image.txt'),
      '--out',
      join(work, 'n.png')
    ])
    expect(notImage.code).toBe(3)
    expect(notImage.stderr).toMatch(/could not be read|Unsupported/)
  })
})

describe('inpaint and upscale', () => {
  it('inpaint keeps every pixel outside the mask band; an empty mask exits 3 with the reason', async () => {
    const photo = join(work, 'photo.png')
    const raw = Buffer.alloc(48 * 36 * 3)
    for (let p = 0; p < 48 * 36; p++) raw.set([(p % 48) * 5, Math.floor(p / 48) * 7, 90], p * 3)
    writeFileSync(
      photo,
      await sharp(raw, { raw: { width: 48, height: 36, channels: 3 } })
        .png()
        .toBuffer()
    )
    const mask = join(work, 'mask.png')
    const m = Buffer.alloc(48 * 36)
    for (let y = 10; y < 20; y++) for (let x = 12; x < 30; x++) m[y * 48 + x] = 255
    writeFileSync(
      mask,
      await sharp(m, { raw: { width: 48, height: 36, channels: 1 } })
        .png()
        .toBuffer()
    )
    const out = join(work, 'inpainted.png')
    const run = await cli([
      'inpaint',
      '--image',
      photo,
      '--mask',
      mask,
      '--label',
      'Objects',
      '--feather',
      '2',
      '--steps',
      '4',
      '--extra',
      'resample_count=1',
      '--out',
      out
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = decodePng(readFileSync(out))
    const source = decodePng(readFileSync(photo))
    let changedOutside = 0
    for (let y = 0; y < 36; y++)
      for (let x = 0; x < 48; x++) {
        if (x >= 10 && x < 32 && y >= 8 && y < 22) continue
        for (let c = 0; c < 3; c++) {
          const p = (y * 48 + x) * 4 + c
          if (result.data[p] !== source.data[p]) changedOutside++
        }
      }
    expect(changedOutside).toBe(0)
    expect(JSON.parse(result.text['diffusion-studio'])).toMatchObject({
      task: 'image.inpaint',
      method: 'repaint'
    })

    const blank = join(work, 'blank.png')
    writeFileSync(
      blank,
      await sharp(Buffer.alloc(48 * 36), { raw: { width: 48, height: 36, channels: 1 } })
        .png()
        .toBuffer()
    )
    const empty = await cli([
      'inpaint',
      '--image',
      photo,
      '--mask',
      blank,
      '--out',
      join(work, 'e.png')
    ])
    expect(empty.code).toBe(3)
    expect(empty.stderr).toMatch(/mask is empty/)
  })

  it('photo-inpaint (the dedicated starter) fills a hole at the defaults: its truncated chain from the harmonic fill, nothing outside the band changed', async () => {
    const photo = join(work, 'photo-i.png')
    const raw = Buffer.alloc(64 * 48 * 3)
    for (let p = 0; p < 64 * 48; p++)
      raw.set([(p % 64) * 3 + 40, Math.floor(p / 64) * 4 + 30, 120], p * 3)
    writeFileSync(
      photo,
      await sharp(raw, { raw: { width: 64, height: 48, channels: 3 } })
        .png()
        .toBuffer()
    )
    const mask = join(work, 'mask-i.png')
    const m = Buffer.alloc(64 * 48)
    for (let y = 16; y < 30; y++) for (let x = 20; x < 40; x++) m[y * 64 + x] = 255
    writeFileSync(
      mask,
      await sharp(m, { raw: { width: 64, height: 48, channels: 1 } })
        .png()
        .toBuffer()
    )
    const out = join(work, 'inpainted-i.png')
    const run = await cli([
      'inpaint',
      '--model',
      'photo-inpaint',
      '--image',
      photo,
      '--mask',
      mask,
      '--out',
      out
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = decodePng(readFileSync(out))
    const source = decodePng(readFileSync(photo))
    let changedOutside = 0
    let error = 0
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 64; x++) {
        const hole = x >= 20 && x < 40 && y >= 16 && y < 30
        const band = x >= 16 && x < 44 && y >= 12 && y < 34 // the default 4 px feather
        for (let c = 0; c < 3; c++) {
          const p = (y * 64 + x) * 4 + c
          if (!band && result.data[p] !== source.data[p]) changedOutside++
          if (hole) error += Math.abs(result.data[p] - source.data[p])
        }
      }
    expect(changedOutside).toBe(0)
    // A smooth ramp: the fill from its border is close to it (a zeroed hole would be ~100 levels off).
    expect(error / (20 * 14 * 3)).toBeLessThan(6)
    expect(JSON.parse(result.text['diffusion-studio'])).toMatchObject({
      task: 'image.inpaint',
      method: 'dedicated',
      model: 'photo-inpaint'
    })
  })

  it('upscale writes ×scale (DDRM with the emoji model)', async () => {
    const small = join(work, 'small.png')
    writeFileSync(
      small,
      await sharp({ create: { width: 12, height: 10, channels: 3, background: '#808080' } })
        .png()
        .toBuffer()
    )
    const out = join(work, 'up.png')
    const run = await cli([
      'upscale',
      '--image',
      small,
      '--model',
      'emoji-32',
      '--scale',
      '2',
      '--steps',
      '3',
      '--out',
      out
    ])
    expect(run.code, run.stderr).toBe(0)
    const result = decodePng(readFileSync(out))
    expect([result.width, result.height]).toEqual([24, 20])
    expect(JSON.parse(result.text['diffusion-studio'])).toMatchObject({
      task: 'image.upscale',
      method: 'ddrm'
    })
  })
})

describe('outputs and messages a user can act on', () => {
  it('refuses to overwrite an existing output unless --overwrite is given', async () => {
    const out = join(work, 'keep.png')
    const args = ['generate', '--label', 'Flags', '--steps', '2', '--out', out]
    expect((await cli(args)).code).toBe(0)
    const before = readFileSync(out)
    const again = await cli(args)
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/already exists; pass --overwrite/)
    expect(readFileSync(out).equals(before)).toBe(true)
    expect((await cli([...args, '--seed', '9', '--overwrite'])).code).toBe(0)
    expect(readFileSync(out).equals(before)).toBe(false)
  })

  it("refuses an option the chosen task does not take (exit 2), naming the task's options", async () => {
    const out = join(work, 'foreign', 'm.sdf')
    const both = await cli([
      'generate',
      ...['--modality', 'molecule', '--prompt', 'a cat', '--width', '64', '--out', out]
    ])
    expect(both.code).toBe(2)
    expect(both.stderr).toBe(
      'error: --prompt, --width are not options of generate --modality molecule (molecule.generate). ' +
        'It takes --atoms, --trajectory-every, and the sampling options --model, --seed, --steps, ' +
        '--sampler, --schedule, --extra, --guidance, --count, --device (see --help).\n'
    )
    const shape = await cli([
      'generate',
      ...[
        '--modality',
        'point-cloud',
        '--negative',
        'blur',
        '--out',
        join(work, 'foreign', 's.ply')
      ]
    ])
    expect(shape.code).toBe(2)
    expect(shape.stderr).toMatch(
      /^error: --negative is not an option of generate --modality point-cloud \(point-cloud\.generate\)\. It takes --label, --points, --trajectory-every, and the sampling options/
    )
    // An image's own options are refused on the other side too.
    const image = await cli(['generate', '--atoms', '9', '--out', join(work, 'foreign', 'i.png')])
    expect(image.code).toBe(2)
    expect(image.stderr).toMatch(
      /--atoms is not an option of generate --modality image \(image\.generate\)\. It takes --prompt, --negative, --label, --width, --height,/
    )
    // Refused before anything is created.
    expect(existsSync(join(work, 'foreign'))).toBe(false)
  })

  it('names options as typed: a missing required one, a bad value, an unreadable mask', async () => {
    const missing = await cli(['inpaint', '--out', join(work, 'm.png')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/required option '--image/)
    const picture = join(work, 'pic.png')
    writeFileSync(
      picture,
      await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
        .png()
        .toBuffer()
    )
    const bad = await cli([
      'inpaint',
      '--image',
      picture,
      '--extend-right',
      '-5',
      '--out',
      join(work, 'm.png')
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--extend-right is a whole number from 0 to 2048\./)
    const junk = join(work, 'junk-mask.png')
    writeFileSync(junk, 'not a png at all')
    const mask = await cli([
      'inpaint',
      '--image',
      picture,
      '--mask',
      junk,
      '--out',
      join(work, 'm.png')
    ])
    expect(mask.code).toBe(3)
    expect(mask.stderr).toMatch(/The mask could not be read/)
  })
})

describe('discoverability', () => {
  it('every command and subcommand answers --help with its options, types and defaults', async () => {
    const commands = [
      ['generate'],
      ['img2img'],
      ['info'],
      ['samplers'],
      ['serve'],
      ['start'],
      ['bench'],
      ['bench', 'runtime'],
      ['models'],
      ['models', 'list'],
      ['models', 'import'],
      ['models', 'download'],
      ['models', 'verify']
    ]
    for (const command of commands) {
      const run = await main([...command, '--help'])
      expect(run, command.join(' ')).toBe(0)
    }
    const out = await captured(() => main(['generate', '--help']))
    expect(out).toMatch(/--steps <int>/)
    expect(out).toMatch(/--schedule <string>.*\(choices: "model"/s)
    expect(out).toMatch(/--count <int>.*\(default: 1\)/s)
    expect(out).toMatch(/Examples:/)
  })

  it('prints --version, models help without a subcommand, and "did you mean" for commands', async () => {
    expect(await captured(() => main(['--version']))).toMatch(/^\d+\.\d+\.\d+/)
    expect(await captured(() => main(['models']))).toMatch(/Commands:[\s\S]*list[\s\S]*import/)
    const typo = await cli(['generat'])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(/Did you mean generate\?/)
    const option = await cli(['generate', '--stepz', '3', '--out', join(work, 'x.png')])
    expect(option.code).toBe(2)
    expect(option.stderr).toMatch(/Did you mean --steps\?/)
  })

  it('models download validates the repository, revision and id like the web API, offline-safe', async () => {
    for (const target of ['../../etc@main', 'owner/name@../../x', 'a/b/c']) {
      const run = await cli(['models', 'download', target])
      expect(run.code, target).toBe(2)
    }
    const id = await cli(['models', 'download', 'owner/name', '--id', '../evil'])
    expect(id.code).toBe(2)
    expect(readdirSync(join(work, 'data')).filter((f) => f.includes('download'))).toEqual([])
  }, 300_000) // four CLI processes in turn
})

describe('diffusion-studio samplers / info / models', () => {
  it('lists every sampler with order and calls per step as JSON', async () => {
    const run = await cli(['samplers', '--json'])
    const rows = JSON.parse(run.stdout) as { name: string; order: number; callsPerStep: number }[]
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['euler', 'ddim', 'dpmpp-2m', 'heun'])
    )
    for (const r of rows) expect(r.callsPerStep).toBeGreaterThanOrEqual(1)
  })

  it('lists the starter model as ready', async () => {
    const run = await cli(['models', 'list', '--json'])
    const { models } = JSON.parse(run.stdout) as {
      models: { manifest: { id: string }; status: string; origin: string }[]
    }
    expect(models.find((m) => m.manifest.id === 'emoji-32')).toMatchObject({
      status: 'ready',
      origin: 'starter'
    })
  })

  it('info names the chosen provider and why the others were passed over', async () => {
    const run = await cli(['info', '--json', '--device', 'cpu'])
    expect(run.code).toBe(0)
    const info = JSON.parse(run.stdout) as {
      chosen: string
      providers: { name: string; available: boolean }[]
    }
    expect(info.chosen).toBe('cpu')
    expect(info.providers.find((p) => p.name === 'cpu')?.available).toBe(true)
  })
})

/** `main(args)` in this process with `env` set for the call: its exit code and what it wrote on stderr. */
async function inProcess(
  args: string[],
  env: Record<string, string> = {}
): Promise<{ code: number; stderr: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, { STUDIO_DATA_DIR: join(work, 'data') }, env)
  let stderr = ''
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  try {
    return { code: await main(args), stderr }
  } finally {
    spy.mockRestore()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    process.env.STUDIO_DATA_DIR = join(work, 'data')
  }
}

describe('every numeric option in range, or a usage error naming the range', () => {
  it.each([
    [
      ['generate', '--threads', '-1'],
      '--threads is a whole number from 0 to 256 (0: onnxruntime decides).'
    ],
    [['generate', '--steps', '0'], '--steps is a whole number from 1 to 1000.'],
    [['generate', '--steps', '2.5'], '--steps is a whole number from 1 to 1000.'],
    [['generate', '--guidance', '51'], '--guidance is a number from 0 to 50.'],
    [['generate', '--count', '65'], '--count is a whole number from 1 to 64.'],
    [['generate', '--seed', '-3'], '--seed is a whole number of at least 0.'],
    [
      ['img2img', '--image', 'x.png', '--strength', '1.5'],
      '--strength is a number above 0, up to 1.'
    ],
    [
      ['generate', '--modality', 'point-cloud', '--points', '8'],
      '--points is a whole number from 16 to 16384.'
    ],
    [
      ['conformer', '--smiles', 'C', '--trajectory-every', '-1'],
      '--trajectory-every is a whole number from 0 to 1000.'
    ],
    [['bench', 'runtime', '--rounds', '0'], '--rounds is a whole number from 1 to 100.']
  ])('%j', async (args, sentence) => {
    const run = await inProcess([
      ...args,
      ...(args[0] === 'bench' ? [] : ['--out', join(work, 'r.png')])
    ])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`argument '${args.at(-1)}' is invalid. ${sentence}\n`)
    expect(run.stderr).not.toMatch(/ZodError|\n\s+at /)
  })
})

describe('a data folder from the environment gets the checks the flag gets', () => {
  it.each([
    [
      { STUDIO_DATA_DIR: 'FILE' },
      /^error: STUDIO_DATA_DIR \S+plain-data is a file, not a folder\.$/m
    ],
    [
      { STUDIO_DATA_DIR: '/proc/x' },
      /^error: STUDIO_DATA_DIR \/proc\/x is inside a system folder \(proc\); pick a normal folder\.$/m
    ],
    [
      { STUDIO_DATA_DIR: 'FILE/sub' },
      /^error: STUDIO_DATA_DIR \S+plain-data\/sub cannot be written: part of the path is a file, not a folder\.$/m
    ],
    [
      { STUDIO_MODELS_DIR: 'FILE' },
      /^error: STUDIO_MODELS_DIR \S+plain-data is a file, not a folder\.$/m
    ],
    [
      { STUDIO_STARTER_DIR: '/no/such/starters' },
      /^error: STUDIO_STARTER_DIR \/no\/such\/starters does not exist\.$/m
    ],
    [
      { STUDIO_DATA_DIR: '', XDG_CONFIG_HOME: '/proc/y' },
      /^error: The data folder \/proc\/y\/diffusion-studio is inside a system folder/m
    ]
  ])('%j: exit 2 at once, no stack, nothing created', async (given, message) => {
    const file = join(work, 'plain-data')
    writeFileSync(file, 'x')
    const env = Object.fromEntries(
      Object.entries(given).map(([k, v]) => [k, v.replace('FILE', file)])
    )
    for (const args of [
      ['generate', '--steps', '2', '--out', join(work, 'env-out', 'e.png')],
      ['models', 'list'],
      ['serve', '--port', '0']
    ]) {
      const run = await inProcess(args, env)
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr, args.join(' ')).toMatch(message)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
    expect(readdirSync(work)).not.toContain('env-out')
  })
})

describe('side files: named from the whole output name, never the reason a job is refused', () => {
  it('conformer --out c.sdf, then complete --out c.ply: both run, each trajectory listed', async () => {
    const dir = join(work, 'sides')
    const sdf = await cli([
      'conformer',
      '--smiles',
      'CCO',
      '--steps',
      '2',
      '--out',
      join(dir, 'c.sdf')
    ])
    expect(sdf.code, sdf.stderr).toBe(0)
    expect(sdf.stdout).toBe(`${join(dir, 'c.sdf')}\n${join(dir, 'c.sdf.trajectory.xyz')}\n`)
    const half = join(projectRoot, 'assets/samples/half-chair.ply')
    const ply = await cli([
      'complete',
      '--points',
      half,
      '--label',
      'chair',
      '--steps',
      '2',
      '--out',
      join(dir, 'c.ply')
    ])
    expect(ply.code, ply.stderr).toBe(0)
    expect(ply.stdout).toBe(`${join(dir, 'c.ply')}\n${join(dir, 'c.ply.trajectory.dspt')}\n`)
    expect(readdirSync(dir).sort()).toEqual([
      'c.ply',
      'c.ply.trajectory.dspt',
      'c.sdf',
      'c.sdf.trajectory.xyz'
    ])
    // An output still protects itself; a side file whose output is gone is replaced, with a note.
    const again = await cli([
      'conformer',
      '--smiles',
      'CCO',
      '--steps',
      '2',
      '--out',
      join(dir, 'c.sdf')
    ])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(`${join(dir, 'c.sdf')} already exists; pass --overwrite`)
    rmSync(join(dir, 'c.ply'))
    const stale = await cli([
      'complete',
      '--points',
      half,
      '--label',
      'chair',
      '--steps',
      '2',
      '--out',
      join(dir, 'c.ply')
    ])
    expect(stale.code, stale.stderr).toBe(0)
    expect(stale.stderr).toContain(
      `note: ${join(dir, 'c.ply.trajectory.dspt')} is left from an earlier output of that name; this job replaces it.`
    )
  }, 120_000)

  it('a refused option (after parsing) creates no output folder and leaves no file', async () => {
    const out = join(work, 'refused', 'deep', 'm.ply')
    const run = await cli([
      'generate',
      '--modality',
      'point-cloud',
      '--label',
      'sofa',
      '--out',
      out
    ])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/sofa/)
    expect(readdirSync(work)).not.toContain('refused')
  })

  it('Ctrl+C during a 3D job leaves neither its output nor its trajectory', async () => {
    const { spawn } = await import('node:child_process')
    const out = join(work, 'cut', 'shape.ply')
    mkdirSync(join(work, 'cut'))
    const child = spawn(
      process.execPath,
      [bin, 'generate', '--modality', 'point-cloud', '--steps', '1000', '--out', out],
      {
        env: { ...process.env, STUDIO_DATA_DIR: join(work, 'data') },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let stderr = ''
    let sent = false
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk
        if (!sent && /step \d+\/1000/.test(stderr) && child.pid) {
          sent = true
          process.kill(-child.pid, 'SIGINT')
        }
      })
      child.on('exit', (c) => resolve(c))
    })
    expect(code).toBe(130)
    expect(readdirSync(join(work, 'cut'))).toEqual([])
  }, 120_000)
})

describe("a model's measured range of steps", () => {
  it('upscale --steps 4 on photo-sr4 runs, with a warning naming the measured range', async () => {
    const run = await cli([
      'upscale',
      '--image',
      join(projectRoot, 'assets/samples/coffee-small.png'),
      '--steps',
      '4',
      '--out',
      join(work, 'sr-4-steps.png')
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(
      /^warning: "photo-sr4" was measured at its best with 1–2 steps \(euler\); 4 is outside that range\. Measured: PSNR on the 6 held-out photos/m
    )
  }, 60_000)
})
