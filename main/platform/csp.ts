import { randomBytes } from 'node:crypto'

/**
 * The window's one Content-Security-Policy, sent as a response header by both hosts of the renderer
 * (Electron's studio:// protocol, main/app/protocol.ts, and the web host, main/web-host/server.ts); the
 * page carries no <meta> policy (a meta policy cannot hold frame-ancestors, and two policies would both
 * apply). 'self' is studio://app or the web host's origin. Media and workers may come from blob: URLs
 * (audio playback decodes into them, the spectrogram runs in a blob: worker).
 */
export const rendererCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The `<meta name>` that hands a page its style nonce (a value carrier, not a policy). */
export const cspNonceMeta = 'studio-csp-nonce'

/**
 * The policy of one page load: `rendererCsp` with a fresh nonce in style-src, for the `<style nonce>`
 * elements a component writes into its shadow root (wavesurfer.js' `cspNonce`). Scripts stay 'self'.
 */
export function rendererCspWithNonce(nonce: string): string {
  return rendererCsp.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`)
}

/**
 * An HTML page with a fresh per-load style nonce: the page gets `<meta name="studio-csp-nonce">` at the
 * top of its head and the returned policy allows that nonce. Other files keep `rendererCsp`.
 */
export function pageWithNonce(html: Buffer): { body: Buffer; csp: string } {
  const nonce = randomBytes(18).toString('base64')
  const text = html.toString('utf8')
  const meta = `<meta name="${cspNonceMeta}" content="${nonce}" />`
  const at = text.search(/<head[^>]*>/i)
  const body = at < 0 ? meta + text : text.replace(/<head[^>]*>/i, (head) => `${head}\n    ${meta}`)
  return { body: Buffer.from(body, 'utf8'), csp: rendererCspWithNonce(nonce) }
}
