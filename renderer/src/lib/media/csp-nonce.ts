/**
 * This page load's style nonce (the host writes it into `<meta name="studio-csp-nonce">` and allows it in
 * the policy's style-src): handed to components that write a `<style>` into a shadow root, as
 * wavesurfer.js' `cspNonce`. Undefined where the page has none (the dev server).
 */
export function cspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="studio-csp-nonce"]')
  return meta?.content || undefined
}
