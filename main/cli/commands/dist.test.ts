import { describe, expect, it, vi } from 'vitest'

vi.mock('electron-builder', () => ({
  build: vi.fn(async () => {
    throw new Error('getaddrinfo ENOTFOUND github.com\n    at …')
  })
}))

describe('dist', () => {
  it('fails with a typed runtime error (exit 5) when electron-builder cannot fetch what it needs', async () => {
    const { dist } = await import('./dist')
    const error = await dist().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string }
    )
    expect(error?.code).toBe('runtime-failure')
    expect(error?.message).toMatch(/electron-builder failed: getaddrinfo ENOTFOUND github\.com \(/)
  })
})
