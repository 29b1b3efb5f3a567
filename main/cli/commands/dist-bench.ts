// `npm run bench:package`: how long `npm run build` and `dist --dir` take and how large the package is,
// built against a stand-in Electron (no downloads), with the xz-compressed size as the stand-in for a
// .deb's payload and the onnxruntime-node binaries each target carries (the largest per-target part).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { projectRoot } from '../../platform/paths'
import { describeSizes, inspectPackage, type PackageSizes } from './dist-inspect'
import { makeStandInElectron } from './dist-standin'
import { hostTarget } from './dist-stage'

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1)

function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0)
}

/** The earlier layout (commit a2f7aa7: the checkout packaged as it is), same stand-in and command. */
const before: PackageSizes = {
  total: 313_044_701,
  asar: 49_370_659,
  unpacked: 208_318_514,
  starter: 55_343_091,
  electron: 12_437
}

export interface PackageBench {
  readonly markdown: string
}

/** `dist` itself, passed in (dist.ts registers this bench). */
type Dist = (options: {
  dir: boolean
  rebuild: boolean
  electronDist: string
  output: string
}) => Promise<number>

/** Runs the measurement (see the file comment); the markdown goes to docs/benchmarks.md. */
export async function runPackageBench(dist: Dist): Promise<PackageBench> {
  const target = hostTarget()
  const label = `${target.platform}-${target.arch}`
  const work = mkdtempSync(join(tmpdir(), 'bench-package-'))
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    let started = performance.now()
    const build = spawnSync(npm, ['run', '--silent', 'build'], {
      cwd: projectRoot,
      stdio: 'ignore'
    })
    if (build.status !== 0) throw new Error('npm run build failed')
    const buildSeconds = (performance.now() - started) / 1000

    const version = (
      JSON.parse(readFileSync(join(projectRoot, 'node_modules/electron/package.json'), 'utf8')) as {
        version: string
      }
    ).version
    const standIn = makeStandInElectron(join(work, 'electron'), version)
    started = performance.now()
    await dist({ dir: true, rebuild: false, electronDist: standIn, output: join(work, 'dist') })
    const distSeconds = (performance.now() - started) / 1000
    const appOutDir = readdirSync(join(work, 'dist'))
      .map((name) => join(work, 'dist', name))
      .find((path) => /-unpacked$|^mac/.test(path.split(/[\\/]/).pop()!))!
    const inspection = inspectPackage(appOutDir, target, { electronAbi: 0, rebuilt: false })
    const after = inspection.sizes
    const sharpNative = bytesUnder(
      join(inspection.resourcesDir, 'app.asar.unpacked/node_modules/@img')
    )

    let xz = 'not measured (needs tar and xz)'
    const archive = join(work, 'package.tar.xz')
    const tar = spawnSync('tar', ['-cJf', archive, '-C', appOutDir, '.'], {
      env: { ...process.env, XZ_OPT: '-6 -T0' }
    })
    if (tar.status === 0 && existsSync(archive)) xz = `${mb(statSync(archive).size)} MB`

    const ortRoot = join(projectRoot, 'node_modules/onnxruntime-node/bin/napi-v6')
    const ortRows = readdirSync(ortRoot).flatMap((platform) =>
      readdirSync(join(ortRoot, platform)).map((arch) => {
        const bytes = bytesUnder(join(ortRoot, platform, arch))
        // macOS ships the same library twice (libonnxruntime.1.dylib and .1.30.0.dylib): dist keeps one.
        const dylibs = readdirSync(join(ortRoot, platform, arch)).filter((f) =>
          /^libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(f)
        )
        const dropped = dylibs.reduce(
          (sum, f) => sum + statSync(join(ortRoot, platform, arch, f)).size,
          0
        )
        return `| ${platform}-${arch} | ${mb(bytes - dropped)} |`
      })
    )
    const row = (name: string, s: PackageSizes, note: string): string =>
      `| ${name} | ${mb(s.total)} | ${mb(s.asar)} | ${mb(s.unpacked)} | ${mb(s.starter)} | ${note} |`
    const markdown = [
      `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, shared; ${label}; Electron ${version} as a stand-in (a 0.1 kB script with its fuse wire), so the sizes are what the studio adds to Electron itself (Electron ${version.split('.')[0]}'s own files are not measured here).`,
      '',
      `Time: \`npm run build\` ${buildSeconds.toFixed(1)} s; \`dist --dir\` (staging + electron-builder + checks) ${distSeconds.toFixed(1)} s.`,
      '',
      '| package (linux-x64, unpacked) | total MB | app.asar MB | app.asar.unpacked MB | starter models MB | |',
      '|---|---|---|---|---|---|',
      row(
        'before (a2f7aa7, checkout packaged as is)',
        before,
        'macOS and Linux-arm64 onnxruntime, esbuild, three, wavesurfer.js; libvips inside app.asar (sharp could not load)'
      ),
      row(`after (${label})`, after, `xz-compressed (≈ a .deb's payload): ${xz}`),
      '',
      describeSizes(label, after),
      '',
      `onnxruntime-node binaries each target carries (measured in node_modules; the rest of the package is the same on every target apart from sharp’s platform packages, ${mb(sharpNative)} MB on ${label}):`,
      '',
      '| target | onnxruntime-node MB |',
      '|---|---|',
      ...ortRows
    ].join('\n')
    return { markdown }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
