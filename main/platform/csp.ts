/**
 * The window's one Content-Security-Policy, sent as a response header by both hosts of the renderer
 * (Electron's studio:// protocol, main/app/protocol.ts, and the web host, main/web-host/server.ts); the
 * page carries no <meta> policy (a meta policy cannot hold frame-ancestors, and two policies would both
 * apply). 'self' is studio://app or the web host's origin. Media and workers may come from blob: URLs
 * (audio playback decodes into them).
 */
export const rendererCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
