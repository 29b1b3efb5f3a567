// The layer graph `npm run lint` enforces (.dependency-cruiser.cjs): a fixture tree with deliberate
// violations must fail, naming each one, and the same tree without them must pass.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot } from './platform/paths'

const work = mkdtempSync(join(tmpdir(), 'layers-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

function tree(name: string, files: Record<string, string>): string {
  const root = join(work, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'ESNext',
        moduleResolution: 'Bundler',
        allowImportingTsExtensions: true
      }
    })
  )
  return root
}

function cruise(root: string): { code: number; output: string } {
  const run = spawnSync(
    process.execPath,
    [
      join(projectRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
      'main',
      'renderer/src',
      '--config',
      join(projectRoot, '.dependency-cruiser.cjs'),
      '--output-type',
      'err'
    ],
    { cwd: root, encoding: 'utf8' }
  )
  return { code: run.status ?? 1, output: `${run.stdout}${run.stderr}` }
}

const clean = {
  'main/contract/index.ts': 'export const a = 1\n',
  'main/platform/paths.ts': "import { a } from '../contract/index.ts'\nexport const b = a\n",
  'main/jobs/queue.ts': "import { b } from '../platform/paths.ts'\nexport const c = b\n",
  'renderer/src/app.ts': "import { a } from '../../main/contract/index.ts'\nexport const d = a\n"
}

describe('layer rules', () => {
  it('pass a tree that keeps them', () => {
    const result = cruise(tree('clean', clean))
    expect(result.output).toMatch(/no dependency violations/)
    expect(result.code).toBe(0)
  })

  it('fail an upward import, a renderer reaching into main and an import cycle, naming each', () => {
    const result = cruise(
      tree('broken', {
        ...clean,
        // contract (the bottom) importing jobs (above it)
        'main/contract/index.ts':
          "import { c } from '../jobs/queue.ts'\nexport const a = 1\nexport const e = c\n",
        // the renderer importing main outside the contract
        'renderer/src/app.ts': "import { c } from '../../main/jobs/queue.ts'\nexport const d = c\n",
        // a cycle inside one layer
        'main/jobs/one.ts': "import { two } from './two.ts'\nexport const one = () => two\n",
        'main/jobs/two.ts': "import { one } from './one.ts'\nexport const two = () => one\n"
      })
    )
    expect(result.code).not.toBe(0)
    expect(result.output).toMatch(
      /not-in-allowed: main\/contract\/index\.ts → main\/jobs\/queue\.ts/
    )
    expect(result.output).toMatch(/not-in-allowed: renderer\/src\/app\.ts → main\/jobs\/queue\.ts/)
    expect(result.output).toMatch(/no-cycles: main\/jobs\/(one|two)\.ts/)
  })
})
