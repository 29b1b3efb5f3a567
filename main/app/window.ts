import { BrowserWindow, shell } from 'electron'

/** The one factory for windows: sandboxed, context-isolated, no Node in the renderer. */
export function createMainWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#111318',
    title: 'Diffusion Studio',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      spellcheck: false,
      webviewTag: false
    }
  })
  window.once('ready-to-show', () => window.show())
  // Only known sites open in the system browser; the app never navigates away from its own page.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (externalAllowed(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-redirect', (event) => event.preventDefault())
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())
  return window
}

/** Sites the UI links to (model sources and docs); every other URL is refused. */
export const externalOrigins = ['https://huggingface.co', 'https://github.com'] as const

/** An https URL on one of the allowed sites, with no credentials in it. */
export function externalAllowed(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return (
    raw === url.href &&
    url.protocol === 'https:' &&
    !url.username &&
    !url.password &&
    (externalOrigins as readonly string[]).includes(url.origin)
  )
}

/** Permissions the renderer may have: writing to the clipboard (copy a recipe, an image). */
const grantedPermissions = new Set(['clipboard-sanitized-write'])

/** The part of Electron's Session that decides permissions. */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void
  ): void
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void
  setDevicePermissionHandler?(handler: () => boolean): void
}

/**
 * Denies every permission request and check (camera, microphone, geolocation, notifications, HID, USB,
 * serial, …) except the clipboard write the UI uses; Electron would grant them by default.
 */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(grantedPermissions.has(permission))
  )
  session.setPermissionCheckHandler((_contents, permission) => grantedPermissions.has(permission))
  session.setDevicePermissionHandler?.(() => false)
}
