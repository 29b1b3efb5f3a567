#!/usr/bin/env node
// `npm test`: every test. Static checks (typecheck, lint: one count each), unit tests (vitest), then the
// renderer build and the browser flows (Playwright + Chromium against the web host).
// Prints the skipped count, then one closing line `N passed, N failed`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const results = join(root, 'test-results')
rmSync(join(results, 'unit.json'), { force: true })
rmSync(join(results, 'e2e.json'), { force: true })
mkdirSync(results, { recursive: true })

function run(label, command, args, env = {}) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`)
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env }
  })
  return result.status ?? 1
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const counts = { passed: 0, failed: 0, skipped: 0 }
const statuses = []

for (const [label, script] of [
  ['typecheck', 'typecheck'],
  ['lint', 'lint']
]) {
  const status = run(label, process.platform === 'win32' ? 'npm.cmd' : 'npm', [
    'run',
    '--silent',
    script
  ])
  statuses.push(status)
  counts[status === 0 ? 'passed' : 'failed'] += 1
}

statuses.push(
  run('unit', npx, [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${join(results, 'unit.json')}`
  ])
)
if (existsSync(join(results, 'unit.json'))) {
  const unit = JSON.parse(readFileSync(join(results, 'unit.json'), 'utf8'))
  counts.passed += unit.numPassedTests
  counts.failed += unit.numFailedTests
  counts.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0)
} else counts.failed += 1

const built = run('build renderer', npx, [
  'vite',
  'build',
  '--config',
  'renderer/vite.config.ts',
  '--logLevel',
  'warn'
])
statuses.push(built)
if (built !== 0) counts.failed += 1
else {
  statuses.push(
    run('e2e', npx, ['playwright', 'test', '--config', 'e2e/playwright.config.ts'], {
      STUDIO_E2E_SKIP_BUILD: '1'
    })
  )
  if (existsSync(join(results, 'e2e.json'))) {
    const stats = JSON.parse(readFileSync(join(results, 'e2e.json'), 'utf8')).stats
    counts.passed += stats.expected + (stats.flaky ?? 0)
    counts.failed += stats.unexpected
    counts.skipped += stats.skipped
  } else counts.failed += 1
}

const ok = statuses.every((s) => s === 0) && counts.failed === 0
process.stdout.write(
  `\n${counts.skipped} skipped\n${counts.passed} passed, ${counts.failed} failed\n`
)
process.exit(ok ? 0 : 1)
