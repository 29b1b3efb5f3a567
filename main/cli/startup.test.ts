// How the command starts: the bundle in out/cli/ (main/cli/bundle.mjs), the quick answers (quick.ts),
// what each light command loads, and a stale bundle being rebuilt rather than run.
import { execFile } from 'node:child_process'
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { projectRoot } from '../platform/paths'
import { main } from './main'

const work = mkdtempSync(join(tmpdir(), 'startup-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function node(args: string[], env: Record<string, string> = {}, cwd = projectRoot): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        cwd,
        env: { ...process.env, STUDIO_DATA_DIR: join(work, 'data'), ...env },
        timeout: 120_000
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    )
  })
}

const bin = join(projectRoot, 'main', 'cli', 'bin.mjs')

/** What `main(argv)` prints on stdout in this process (the TypeScript sources, not the bundle). */
async function inProcess(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = ''
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk)
    return true
  })
  try {
    return { code: await main(argv), stdout }
  } finally {
    spy.mockRestore()
  }
}

describe('the quick answers', () => {
  it('--version and -V print package.json’s version', async () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
      version: string
    }
    for (const flag of ['--version', '-V']) {
      const run = await node([bin, flag])
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toBe(`${pkg.version}\n`)
    }
  })

  it('--help, -h and help print the full program’s help to the byte; no arguments too, with exit 2', async () => {
    const full = await inProcess(['--help'])
    expect(full.code).toBe(0)
    expect(full.stdout).toMatch(/^Usage: diffusion-studio /)
    // Every command of the full program is listed, with its usage term.
    expect(full.stdout).toMatch(/\n {2}generate \[options\] +generate images/)
    expect(full.stdout).toMatch(/\n {2}help \[command\] +display help/)
    for (const flag of ['--help', '-h', 'help']) {
      const run = await node([bin, flag])
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toBe(full.stdout)
    }
    const bare = await node([bin])
    expect(bare.code).toBe(2)
    expect(bare.stdout).toBe(full.stdout)
  })

  it('anything else goes to the full program (a command’s own --help, --version after an option)', async () => {
    const sub = await node([bin, 'samplers', '--help'])
    expect(sub.code).toBe(0)
    expect(sub.stdout).toMatch(/^Usage: diffusion-studio samplers \[options\]/)
    const late = await node([bin, '--verbose', '--version'])
    expect(late.code).toBe(0)
    expect(late.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })
})

/** The sources and packages a command's process loaded (module-log.mjs; chunks mapped to sources). */
async function loaded(args: string[]): Promise<{ run: Run; modules: string[] }> {
  const log = join(work, `modules-${args.join('-').replace(/[^a-z-]/gi, '')}.txt`)
  const preload = join(projectRoot, 'main', 'cli', 'testing', 'module-log.mjs')
  const run = await node(['--import', preload, bin, ...args], { STUDIO_MODULE_LOG: log })
  const outputs = JSON.parse(readFileSync(join(projectRoot, 'out', 'cli', 'outputs.json'), 'utf8'))
  const outDir = join(projectRoot, 'out', 'cli')
  const modules = new Set<string>()
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    if (!url.startsWith('file:')) continue
    const path = fileURLToPath(url)
    modules.add(path)
    if (path.startsWith(outDir)) {
      for (const source of (outputs as Record<string, string[]>)[path.slice(outDir.length + 1)] ??
        [])
        modules.add(source)
    }
  }
  return { run, modules: [...modules] }
}

const heavy = [
  /node_modules[\\/]onnxruntime-node[\\/]/,
  /node_modules[\\/]sharp[\\/]/,
  /node_modules[\\/]@img[\\/]/,
  /node_modules[\\/]better-sqlite3[\\/]/,
  /node_modules[\\/]openchemlib[\\/]/,
  /^main\/engine\//,
  /^main\/codecs\//
]

describe('what a command loads', () => {
  it('--version, --help, samplers and models list load neither onnxruntime, sharp, openchemlib nor the pipelines', async () => {
    for (const args of [['--version'], ['--help'], ['samplers'], ['models', 'list']]) {
      const { run, modules } = await loaded(args)
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0)
      // The log saw the bundle (so an empty log cannot pass).
      expect(modules.some((m) => m.endsWith(join('out', 'cli', 'quick.mjs')))).toBe(true)
      expect(
        modules.filter((m) => heavy.some((h) => h.test(m))),
        args.join(' ')
      ).toEqual([])
    }
    const { modules } = await loaded(['samplers'])
    expect(modules).toContain('main/diffusion/registry.ts')
  })

  it('a task command that reads an input does load sharp (the log sees packages)', async () => {
    const { run, modules } = await loaded([
      'img2img',
      '--image',
      join(work, 'absent.png'),
      '--out',
      join(work, 'out.png')
    ])
    expect(run.code).toBe(3)
    expect(modules.some((m) => /node_modules[\\/]sharp[\\/]/.test(m))).toBe(true)
    expect(modules).toContain('main/codecs/input-validators.ts')
  })
})

describe('a stale bundle', () => {
  it('is rebuilt, and said so, when a source changed; a touched file with the same bytes is not', async () => {
    // A copy of the checkout's sources (node_modules shared), so this test edits nothing of the real one.
    const copy = join(work, 'checkout')
    for (const entry of ['main', 'package.json', 'tsconfig.json', 'electron.config.ts']) {
      cpSync(join(projectRoot, entry), join(copy, entry), {
        recursive: true,
        filter: (source) => !source.endsWith('.test.ts')
      })
    }
    symlinkSync(join(projectRoot, 'node_modules'), join(copy, 'node_modules'), 'dir')
    const copyBin = join(copy, 'main', 'cli', 'bin.mjs')

    const first = await node([copyBin, '--version'], {}, copy)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stderr).toMatch(/out\/cli is out of date \(it is not built\); rebuilding it… done/)
    expect(first.stdout).toBe('0.1.0\n')

    const again = await node([copyBin, '--version'], {}, copy)
    expect(again.stderr).toBe('')

    const version = join(copy, 'main', 'platform', 'version.ts')
    const later = new Date(Date.now() + 5_000)
    utimesSync(version, later, later)
    const touched = await node([copyBin, '--version'], {}, copy)
    expect(touched.stderr).toBe('')

    appendFileSync(version, "export const testMark = 'rebuilt'\n")
    const text = readFileSync(version, 'utf8').replace("'0.1.0'", "'9.9.9'")
    rmSync(version)
    appendFileSync(version, text)
    const changed = await node([copyBin, '--version'], {}, copy)
    expect(changed.code, changed.stderr).toBe(0)
    expect(changed.stderr).toMatch(
      /out of date \(main\/platform\/version\.ts changed\); rebuilding it… done in/
    )
    expect(changed.stdout).toBe('9.9.9\n')
    // The engine host was rebuilt with it (the same build).
    expect(readFileSync(join(copy, 'out', 'cli', 'build.json'), 'utf8')).toContain(
      'main/engine/host/host.ts'
    )
  })
})
