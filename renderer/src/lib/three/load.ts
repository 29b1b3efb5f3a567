// Artifact bytes by URL, fetched once and shared by the viewer, the grid and the history thumbnails
// (an artifact never changes under its URL). A few MB are kept; a failed fetch is not.

import { textOfFile } from '../contract'

const limitBytes = 48 << 20
const cache = new Map<string, Promise<Uint8Array>>()
const sizes = new Map<string, number>()
let total = 0

export class LoadError extends Error {
  override name = 'LoadError'
}

export function loadBytes(url: string): Promise<Uint8Array> {
  const hit = cache.get(url)
  if (hit) {
    // Most recently used last.
    cache.delete(url)
    cache.set(url, hit)
    return hit
  }
  const job = fetch(url).then(async (response) => {
    if (!response.ok) {
      throw new LoadError(
        response.status === 404
          ? 'The file is gone from the outputs folder.'
          : `The studio answered ${response.status} for ${url}.`
      )
    }
    return new Uint8Array(await response.arrayBuffer())
  })
  cache.set(url, job)
  job.then(
    (bytes) => {
      sizes.set(url, bytes.length)
      total += bytes.length
      for (const key of cache.keys()) {
        if (total <= limitBytes || key === url) break
        total -= sizes.get(key) ?? 0
        sizes.delete(key)
        cache.delete(key)
      }
    },
    () => cache.delete(url)
  )
  return job
}

/**
 * A text file by URL, decoded as the engine decodes text (contract/text-files.ts: UTF-8, its
 * byte-order mark dropped). @throws LoadError for UTF-16/32 text, naming `what` and the fix.
 */
export async function loadText(url: string, what = 'text'): Promise<string> {
  const bytes = await loadBytes(url)
  try {
    return textOfFile(bytes, what)
  } catch (error) {
    throw new LoadError((error as Error).message)
  }
}
