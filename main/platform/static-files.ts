import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

/** Reads a file of the built renderer; undefined for anything outside `root` or missing. */
export async function readStatic(
  root: string,
  urlPath: string
): Promise<{ body: Buffer; mime: string } | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  const relativePath = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '')
  const file = join(root, relativePath)
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined
  try {
    return {
      body: await readFile(file),
      mime: mimeTypes[extname(file)] ?? 'application/octet-stream'
    }
  } catch {
    return undefined
  }
}
