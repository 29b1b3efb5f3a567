import { describe, expect, it } from 'vitest'
import { etagDigest, fileUrl } from './hub'
import { bypassesProxy, proxyFor, route } from './proxy'
import { backoffMs, retryAfterMs } from './retry'

describe('proxy selection', () => {
  const hubUrl = new URL('https://huggingface.co/api/models/x')
  const cdn = new URL('https://cdn-lfs.hf.co:443/file')
  const plain = new URL('http://mirror.example.org:8080/file')

  it('takes HTTPS_PROXY for https and HTTP_PROXY for http, either case, ALL_PROXY as the fallback', () => {
    expect(proxyFor(hubUrl, { HTTPS_PROXY: 'http://proxy:3128' })?.href).toBe('http://proxy:3128/')
    expect(proxyFor(hubUrl, { https_proxy: 'proxy.corp:8080' })?.href).toBe(
      'http://proxy.corp:8080/'
    )
    expect(proxyFor(hubUrl, { HTTP_PROXY: 'http://p:1' })).toBeUndefined()
    expect(proxyFor(plain, { HTTP_PROXY: 'http://p:1' })?.host).toBe('p:1')
    expect(proxyFor(plain, { ALL_PROXY: 'http://all:9' })?.host).toBe('all:9')
    expect(proxyFor(hubUrl, {})).toBeUndefined()
  })

  it('honours NO_PROXY: *, hosts, domain suffixes, ports', () => {
    expect(bypassesProxy(hubUrl, { NO_PROXY: '*' })).toBe(true)
    expect(bypassesProxy(hubUrl, { NO_PROXY: 'localhost, huggingface.co' })).toBe(true)
    expect(bypassesProxy(cdn, { no_proxy: '.hf.co' })).toBe(true)
    expect(bypassesProxy(cdn, { no_proxy: 'hf.co' })).toBe(true)
    expect(bypassesProxy(cdn, { no_proxy: 'other.hf.co' })).toBe(false)
    expect(bypassesProxy(plain, { NO_PROXY: 'mirror.example.org:8080' })).toBe(true)
    expect(bypassesProxy(plain, { NO_PROXY: 'mirror.example.org:9090' })).toBe(false)
    expect(bypassesProxy(hubUrl, { NO_PROXY: 'ggingface.co' })).toBe(false)
    expect(
      proxyFor(hubUrl, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'huggingface.co' })
    ).toBeUndefined()
  })

  it('routes http through the proxy in absolute-URI form with proxy credentials', () => {
    const routed = route(plain, { HTTP_PROXY: 'http://user:p%40ss@proxy:3128' })
    expect(routed.options).toMatchObject({ host: 'proxy', port: '3128', path: plain.href })
    expect((routed.options.headers as Record<string, string>)['proxy-authorization']).toBe(
      `Basic ${Buffer.from('user:p@ss').toString('base64')}`
    )
  })
})

describe('retries', () => {
  it('reads Retry-After as seconds or an HTTP date, capped', () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(retryAfterMs('7', now, 60_000)).toBe(7000)
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:30 GMT', now, 60_000)).toBe(30_000)
    expect(retryAfterMs('3600', now, 60_000)).toBe(60_000)
    expect(retryAfterMs('soon', now, 60_000)).toBeUndefined()
    expect(retryAfterMs(undefined, now, 60_000)).toBeUndefined()
  })

  it('backs off exponentially with jitter in [0.5, 1) and a cap', () => {
    const policy = { attempts: 6, baseMs: 500, maxMs: 4000 }
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0))).toEqual([
      250, 500, 1000, 2000, 2000
    ])
    expect(backoffMs(2, policy, () => 0.999999)).toBe(1000)
  })
})

describe('hub helpers', () => {
  it('builds resolve URLs with encoded revisions and paths', () => {
    expect(
      fileUrl('https://huggingface.co/', 'org/repo', 'refs/pr/1', 'unet/model onnx').href
    ).toBe('https://huggingface.co/org/repo/resolve/refs%2Fpr%2F1/unet/model%20onnx')
  })

  it('reads sha256 or git ids from ETags', () => {
    const sha = 'a'.repeat(64)
    expect(etagDigest(`"${sha}"`)).toEqual({ sha256: sha })
    expect(etagDigest(`W/"${'b'.repeat(40)}"`)).toEqual({ gitOid: 'b'.repeat(40) })
    expect(etagDigest('"xyz"')).toEqual({})
    expect(etagDigest(undefined)).toEqual({})
  })
})
