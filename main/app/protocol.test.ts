// The studio:// scheme Electron serves the renderer, artifacts and inputs from (tested without Electron).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { JobRecord } from '../contract'
import { handleStudioRequest, rendererCsp } from './protocol'

const dir = mkdtempSync(join(tmpdir(), 'protocol-'))
const outputDir = join(dir, 'outputs')
const rendererDir = join(dir, 'renderer')
mkdirSync(outputDir)
mkdirSync(rendererDir)
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>studio</title>')
const bytes = Buffer.from(Array.from({ length: 300 }, (_, k) => k % 256))
writeFileSync(join(outputDir, 'a.png'), bytes)
writeFileSync(join(dir, 'secret.txt'), 'secret')
symlinkSync(join(dir, 'secret.txt'), join(outputDir, 'link.png'))

const artifact = (index: number, path: string) => ({
  kind: 'image' as const,
  index,
  path,
  mime: 'image/png',
  width: 1,
  height: 1,
  role: 'output' as const
})
const job = {
  id: 'job-1',
  artifacts: [
    artifact(0, join(outputDir, 'a.png')),
    artifact(1, join(outputDir, 'link.png')),
    artifact(2, '/etc/passwd')
  ]
} as unknown as JobRecord
const studio = {
  outputDir,
  queue: { get: (id: string) => (id === 'job-1' ? job : undefined) },
  inputs: {
    require: () => {
      throw Object.assign(new Error('no such input'), { code: 'not-found' })
    },
    path: () => ''
  }
} as never
const get = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  handleStudioRequest(new Request(url, { headers, method }), { studio, rendererDir })

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('studio:// protocol', () => {
  it('serves the renderer with the CSP as a response header', async () => {
    const reply = await get('studio://app/index.html')
    expect(reply.status).toBe(200)
    const csp = reply.headers.get('content-security-policy') ?? ''
    const html = await reply.text()
    expect(html).toContain('<title>studio</title>')
    // The page's nonce is the one its policy allows; everything else of the policy is rendererCsp.
    const nonce = /name="studio-csp-nonce" content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/)
    expect(csp).toBe(rendererCsp.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`))
    const again = await (await get('studio://app/index.html')).text()
    expect(again).not.toContain(nonce)
    expect((await get('studio://app/../secret.txt')).status).toBe(404)
    expect((await get('studio://other/index.html')).status).toBe(404)
    expect((await get('studio://app/index.html', {}, 'POST')).status).toBe(405)
  })

  it('serves artifacts with Range (206), whole (200), and refuses a bad range (416)', async () => {
    const whole = await get('studio://app/artifacts/job-1/0')
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true)
    const part = await get('studio://app/artifacts/job-1/0', { range: 'bytes=10-19' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 10-19/300')
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true)
    expect((await get('studio://app/artifacts/job-1/0', { range: 'bytes=400-' })).status).toBe(416)
  })

  it('refuses artifacts outside the outputs folder (symlinks resolved) and unknown ones', async () => {
    for (const url of [
      'studio://app/artifacts/job-1/1',
      'studio://app/artifacts/job-1/2',
      'studio://app/artifacts/job-1/9',
      'studio://app/artifacts/nope/0'
    ]) {
      const reply = await get(url)
      expect(reply.status).toBe(404)
      expect(await reply.text()).not.toContain('secret')
    }
  })
})
