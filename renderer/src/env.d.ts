import type { StudioApi } from './lib/contract'

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in a browser, where the web client is used. */
    studio?: StudioApi
  }
}

export {}
