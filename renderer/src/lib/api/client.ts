import { createStudioClient, electronTransport, type StudioClient } from './studio-client'
import { createWebClient, takeToken } from './web-client'

export type { StudioClient, ConnectionState } from './studio-client'

/**
 * Picks the transport: the Electron preload's `window.studio` when it is there, otherwise the web host
 * client (the page was served by `diffusion-studio serve`, whose address carries `?token=`).
 */
export function connectStudio(): StudioClient {
  if (window.studio) return createStudioClient(electronTransport(window.studio), 'electron')
  const token = takeToken(window.location, window.sessionStorage, window.history) ?? ''
  return createWebClient({ origin: window.location.origin, token })
}
