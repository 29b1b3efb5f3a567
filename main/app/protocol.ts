// The privileged `studio:` scheme: Electron loads the renderer from `studio://app/` (not file://, whose
// 'self' would cover every local file) with the CSP as a response header, and the same origin serves
// artifacts (`/artifacts/<job>/<index>`, Range supported) and inputs (`/inputs/<ref>`) by URL. Kept free
// of the `electron` module: electron-main.ts registers `handleStudioRequest` with protocol.handle.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { StudioError } from '../contract'
import {
  artifactFile,
  inputFile,
  parseFileRoute,
  parseRange,
  type ServedFile
} from '../ipc/artifacts'
import type { Studio } from '../ipc/studio'
import { pageWithNonce, rendererCsp } from '../platform/csp'
import { readStatic } from '../platform/static-files'

export const studioScheme = 'studio'
export const studioOrigin = `${studioScheme}://app`

export { rendererCsp }

const baseHeaders = {
  'content-security-policy': rendererCsp,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store'
}

function fileResponse(request: Request, file: ServedFile): Response {
  const range = parseRange(request.headers.get('range') ?? undefined, file.size)
  const headers: Record<string, string> = {
    ...baseHeaders,
    'content-type': file.mime,
    'accept-ranges': 'bytes'
  }
  if (range === 'unsatisfiable') {
    return new Response(null, {
      status: 416,
      headers: { ...headers, 'content-range': `bytes */${file.size}` }
    })
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 }
  headers['content-length'] = String(Math.max(0, end - start + 1))
  if (range) headers['content-range'] = `bytes ${start}-${end}/${file.size}`
  const body =
    request.method === 'HEAD' || file.size === 0
      ? null
      : (Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream)
  return new Response(body, { status: range ? 206 : 200, headers })
}

function errorResponse(error: unknown): Response {
  const typed = StudioError.from(error)
  const status = typed.code === 'not-found' || typed.code === 'unknown-job' ? 404 : 400
  return new Response(typed.message, {
    status,
    headers: { ...baseHeaders, 'content-type': 'text/plain' }
  })
}

/** Answers one `studio:` request: renderer files, artifacts, inputs; anything else 404. */
export async function handleStudioRequest(
  request: Request,
  deps: {
    readonly studio: Pick<Studio, 'queue' | 'outputDir' | 'inputs'>
    readonly rendererDir: string
  }
): Promise<Response> {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return new Response('Bad URL', { status: 400, headers: baseHeaders })
  }
  if (url.protocol !== `${studioScheme}:` || url.host !== 'app') {
    return new Response('Not found', { status: 404, headers: baseHeaders })
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers: baseHeaders })
  }
  try {
    const route = parseFileRoute(url.pathname)
    if (route) {
      const file =
        route.kind === 'artifact'
          ? artifactFile(deps.studio, route.jobId, route.index)
          : inputFile(deps.studio, route.ref)
      return fileResponse(request, file)
    }
    const file = await readStatic(deps.rendererDir, url.pathname)
    if (!file) return new Response('Not found', { status: 404, headers: baseHeaders })
    // A page gets its own style nonce (shadow-root <style>s: wavesurfer's cspNonce).
    const page = file.mime.startsWith('text/html') ? pageWithNonce(file.body) : undefined
    return new Response(new Uint8Array(page?.body ?? file.body), {
      status: 200,
      headers: {
        ...baseHeaders,
        'content-type': file.mime,
        ...(page ? { 'content-security-policy': page.csp } : {})
      }
    })
  } catch (error) {
    return errorResponse(error)
  }
}
