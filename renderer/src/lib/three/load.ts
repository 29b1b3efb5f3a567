// Artifact bytes by URL, fetched once and shared by the viewer, the grid and the history thumbnails
// (an artifact never changes under its URL). A few MB are kept; a failed fetch is not.

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

export async function loadText(url: string): Promise<string> {
  return new TextDecoder().decode(await loadBytes(url))
}
