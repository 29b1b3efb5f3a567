// The Hugging Face-style hub API: a repo revision's file list (with LFS sha256) and file URLs.
import { StudioError } from '../../contract'
import { get, readText, type GetOptions } from './http'
import type { ProxyEnv } from './proxy'

export const defaultHubUrl = 'https://huggingface.co'

export interface HubFile {
  path: string
  size?: number
  /** sha256 of the content (LFS files). */
  sha256?: string
  /** git blob sha1 (small files kept in git). */
  gitOid?: string
}

export interface RepoListing {
  /** The commit the revision pointed at; files are fetched from it so a resume never mixes commits. */
  commit?: string
  files: HubFile[]
}

export interface HubConnection {
  baseUrl: string
  token?: string
  env: ProxyEnv
  ca?: string | Buffer
  signal?: AbortSignal
  idleTimeoutMs?: number
}

const hex = (value: unknown, length: number) =>
  typeof value === 'string' &&
  new RegExp(`^[0-9a-f]{${length}}$`).test(value.replace(/^sha256:/, ''))
    ? value.replace(/^sha256:/, '')
    : undefined

export function requestOptions(
  hub: HubConnection,
  headers: Record<string, string> = {}
): GetOptions {
  const origin = new URL(hub.baseUrl).origin
  return {
    env: hub.env,
    headers,
    ...(hub.ca ? { ca: hub.ca } : {}),
    ...(hub.signal ? { signal: hub.signal } : {}),
    ...(hub.idleTimeoutMs ? { idleTimeoutMs: hub.idleTimeoutMs } : {}),
    ...(hub.token ? { token: { value: hub.token, origin } } : {})
  }
}

/** The typed error for a refused or failed hub answer. */
export function hubError(
  status: number,
  what: string,
  repo: string,
  hub: HubConnection
): StudioError {
  if (status === 401 || status === 403) {
    const page = `${hub.baseUrl.replace(/\/$/, '')}/${repo}`
    return new StudioError(
      'gated',
      hub.token
        ? `The hub refused the access token for ${what} (HTTP ${status}): the token may be revoked or expired, or the licence of ${repo} is not accepted yet. Accept it at ${page} and check the token in Settings.`
        : `${repo} is gated or private (HTTP ${status}): add a Hugging Face access token in Settings (or HF_TOKEN) and accept the model's licence at ${page}.`
    )
  }
  if (status === 404) {
    return new StudioError(
      'not-found',
      `${what} was not found on ${hub.baseUrl} (HTTP 404): check the repo name and revision.`
    )
  }
  if (status === 429)
    return new StudioError(
      'rate-limited',
      `The hub asked us to slow down while fetching ${what} (HTTP 429). Try again later.`
    )
  return new StudioError('download-failed', `The hub answered HTTP ${status} for ${what}.`)
}

export function fileUrl(baseUrl: string, repo: string, revision: string, path: string): URL {
  const encoded = path.split('/').map(encodeURIComponent).join('/')
  return new URL(
    `${baseUrl.replace(/\/$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${encoded}`
  )
}

/** Lists a revision's files: `<base>/api/models/<repo>/revision/<rev>?blobs=true` (siblings). */
export async function listRepoFiles(
  hub: HubConnection,
  repo: string,
  revision: string
): Promise<RepoListing> {
  const url = new URL(
    `${hub.baseUrl.replace(/\/$/, '')}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`
  )
  const { response } = await get(url, requestOptions(hub, { accept: 'application/json' }))
  const status = response.statusCode ?? 0
  if (status !== 200) {
    response.resume()
    throw hubError(status, `${repo}@${revision}`, repo, hub)
  }
  let body: { sha?: unknown; siblings?: unknown }
  try {
    body = JSON.parse(await readText(response))
  } catch (error) {
    throw new StudioError(
      'download-failed',
      `The hub's file list for ${repo}@${revision} is not JSON: ${(error as Error).message}`
    )
  }
  if (!Array.isArray(body.siblings)) {
    throw new StudioError(
      'download-failed',
      `The hub's answer for ${repo}@${revision} has no file list (siblings).`
    )
  }
  const files: HubFile[] = []
  for (const s of body.siblings as Record<string, unknown>[]) {
    if (typeof s?.rfilename !== 'string') continue
    const lfs = (s.lfs ?? undefined) as Record<string, unknown> | undefined
    const size =
      typeof lfs?.size === 'number' ? lfs.size : typeof s.size === 'number' ? s.size : undefined
    const sha256 = hex(lfs?.sha256, 64) ?? hex(lfs?.oid, 64)
    const gitOid = lfs ? undefined : hex(s.blobId, 40)
    files.push({
      path: s.rfilename,
      ...(size !== undefined ? { size } : {}),
      ...(sha256 ? { sha256 } : {}),
      ...(gitOid ? { gitOid } : {})
    })
  }
  return { ...(hex(body.sha, 40) ? { commit: body.sha as string } : {}), files }
}

/** A sha256 or git oid from an ETag / X-Linked-Etag header (quotes and W/ removed). */
export function etagDigest(value: string | undefined): { sha256?: string; gitOid?: string } {
  const tag = value?.replace(/^W\//, '').replace(/"/g, '').trim()
  if (!tag) return {}
  if (/^[0-9a-f]{64}$/.test(tag)) return { sha256: tag }
  if (/^[0-9a-f]{40}$/.test(tag)) return { gitOid: tag }
  return {}
}
