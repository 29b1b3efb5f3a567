import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { studioVersion } from './version'
import { projectRoot } from './paths'

it('the studio version is package.json’s', () => {
  const pkg = JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8')) as { version: string }
  expect(studioVersion).toBe(pkg.version)
})
