// The command line end to end: real engine host process, real starter model, real files.
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot, modelRoots } from '../app/paths'
import { decodePng } from '../engine/tensor/png'

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
    const result = JSON.parse(a.stdout) as { artifacts: string[]; execution: { provider: string } }
    expect(result.artifacts).toEqual([join(work, 'a.png')])
    const b = await cli([...args, '--out', join(work, 'b.png')])
    expect(b.code).toBe(0)
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
    const model = await cli(['generate', '--model', 'sd-99', '--out', join(work, 'x.png')])
    expect(model.code).toBe(4)
    expect(model.stderr).toMatch(/Unknown model "sd-99"\. Installed: emoji-32/)
    const usage = await cli(['generate', '--steps', 'many', '--out', join(work, 'x.png')])
    expect(usage.code).toBe(2)
    const long = await cli(['generate', '--out', join(work, 'x'.repeat(201) + '.png')])
    expect(long.code).toBe(2)
    expect(long.stderr).toMatch(/over 200 characters/)
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
