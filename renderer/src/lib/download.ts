// Saving bytes as a file the way a browser does: a link to a blob URL with a `download` name, clicked
// (Electron shows its save dialog for it; the CSP allows blob: URLs). The URL is revoked soon after.

/** Saves a blob as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Saves bytes (an export the studio made) as a download. */
export function downloadBytes(bytes: Uint8Array, name: string, mime: string): void {
  download(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }), name)
}

/** A file name from words: letters, digits and dashes (for screenshots). */
export function fileStem(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_]+/g, '-')
      .slice(0, 60)
      .toLowerCase() || 'view'
  )
}
