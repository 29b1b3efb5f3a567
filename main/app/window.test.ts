import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMainWindow, denyPermissions, externalAllowed } from './window'

// A BrowserWindow and shell just large enough for the window factory; handlers are kept to be called.
const fake = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown
  class FakeWebContents {
    windowOpenHandler: Handler | undefined
    readonly handlers = new Map<string, Handler[]>()
    setWindowOpenHandler(handler: Handler) {
      this.windowOpenHandler = handler
    }
    on(event: string, handler: Handler) {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler])
      return this
    }
    fire(event: string, ...args: unknown[]) {
      for (const handler of this.handlers.get(event) ?? []) handler(...args)
    }
  }
  class FakeBrowserWindow {
    static readonly created: FakeBrowserWindow[] = []
    readonly webContents = new FakeWebContents()
    readonly onceHandlers = new Map<string, Handler>()
    shown = 0
    constructor(readonly options: Record<string, unknown>) {
      FakeBrowserWindow.created.push(this)
    }
    once(event: string, handler: Handler) {
      this.onceHandlers.set(event, handler)
      return this
    }
    show() {
      this.shown++
    }
  }
  const shell = { openExternal: vi.fn(async (_url: string) => undefined) }
  return { FakeBrowserWindow, shell }
})

vi.mock('electron', () => ({ BrowserWindow: fake.FakeBrowserWindow, shell: fake.shell }))

interface CreatedWindow {
  options: { webPreferences: Record<string, unknown>; show: boolean }
  webContents: {
    windowOpenHandler: (details: { url: string }) => unknown
    handlers: Map<string, unknown[]>
    fire(event: string, ...args: unknown[]): void
  }
  onceHandlers: Map<string, () => void>
  shown: number
}

function create(): CreatedWindow {
  return createMainWindow('/app/out/preload/index.cjs') as unknown as CreatedWindow
}

beforeEach(() => {
  fake.shell.openExternal.mockClear()
})

describe('createMainWindow', () => {
  it('makes a sandboxed, context-isolated window with no Node in the renderer', () => {
    const window = create()
    expect(window).toBeInstanceOf(fake.FakeBrowserWindow)
    expect(window.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      spellcheck: false,
      webviewTag: false
    })
  })

  it('stays hidden until ready-to-show, then shows once', () => {
    const window = create()
    expect(window.options.show).toBe(false)
    expect(window.shown).toBe(0)
    window.onceHandlers.get('ready-to-show')?.()
    expect(window.shown).toBe(1)
  })

  it('denies every window.open, handing only links to the allowed sites to the system browser', () => {
    const window = create()
    const open = window.webContents.windowOpenHandler
    expect(open).toBeTypeOf('function')
    expect(open({ url: 'https://huggingface.co/some/model' })).toEqual({ action: 'deny' })
    expect(fake.shell.openExternal).toHaveBeenCalledExactlyOnceWith(
      'https://huggingface.co/some/model'
    )
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'about:blank',
      ' https://leading-space.example/',
      'https://example.com/',
      'https://huggingface.co.evil.example/',
      'https://user:pass@huggingface.co/x',
      'https://huggingface.co:8443/x'
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' })
    }
    expect(fake.shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('prevents every navigation away from the app’s page', () => {
    const window = create()
    expect(window.webContents.handlers.get('will-navigate')).toHaveLength(1)
    for (const url of ['https://example.com/', 'file:///etc/passwd']) {
      const event = { preventDefault: vi.fn(), url }
      window.webContents.fire('will-navigate', event, url)
      expect(event.preventDefault).toHaveBeenCalledTimes(1)
    }
    expect(fake.shell.openExternal).not.toHaveBeenCalled()
  })
})

describe('external links and permissions', () => {
  it('allows only https URLs on the listed sites', () => {
    expect(externalAllowed('https://huggingface.co/stabilityai/sd-turbo')).toBe(true)
    expect(externalAllowed('https://github.com/microsoft/onnxruntime')).toBe(true)
    expect(externalAllowed('http://huggingface.co/x')).toBe(false)
    expect(externalAllowed('https://huggingface.co@evil.example/')).toBe(false)
    expect(externalAllowed('not a url')).toBe(false)
  })

  it('denies every permission but the clipboard write, for requests and checks', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | undefined
    let check: ((c: unknown, p: string) => boolean) | undefined
    let device: (() => boolean) | undefined
    denyPermissions({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
      setDevicePermissionHandler: (h) => (device = h)
    })
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'hid',
      'serial',
      'usb',
      'openExternal',
      'clipboard-read',
      'fullscreen'
    ]) {
      const cb = vi.fn()
      request!(null, permission, cb)
      expect(cb).toHaveBeenCalledExactlyOnceWith(false)
      expect(check!(null, permission)).toBe(false)
    }
    const cb = vi.fn()
    request!(null, 'clipboard-sanitized-write', cb)
    expect(cb).toHaveBeenCalledExactlyOnceWith(true)
    expect(check!(null, 'clipboard-sanitized-write')).toBe(true)
    expect(device!()).toBe(false)
  })
})
