// Downloads a model repo from a Hugging Face-style hub into the models folder: file list from the API,
// each file resumable (HTTP Range into `<file>.part`, resumable after a restart through the state file),
// verified against the LFS sha256 or the git blob id (a file the hub gives neither for is installed and
// listed in the result's warnings as not verified), retried with backoff (and Retry-After), through the
// system proxy, with an optional bearer token. When every file is in, the folder is imported (moved)
// into place, so a model is complete or absent. Listed paths that would leave the folder are refused.
//
// Cancelling (aborting the signal) pauses: the .part files and the state stay in
// `<models>/.download-<repo>@<revision>/`, and the same download started again resumes from them.
// `discardDownload` deletes them.
import { createHash, type Hash } from 'node:crypto'
import {
  mkdir,
  open,
  readdir,
  rename,
  rm,
  stat,
  truncate,
  unlink,
  writeFile
} from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { dirname, join } from 'node:path'
import { StudioError } from '../../contract'
import { isContainedPath } from '../../onnx/inspect'
import { notRegularFile, openRegularFile, readRegularFile } from '../../platform/regular-file'
import { slugId } from '../diffusers-layout'
import {
  containedJoin,
  formatBytes,
  freeBytes,
  fsyncFile,
  listFiles,
  removeTree,
  type FreeSpaceFn
} from '../files'
import type { HashCache } from '../hash'
import { assertIdFree, importModel, type IdOwner, type ImportResult } from '../import'
import { get, firstHeader } from './http'
import {
  defaultHubUrl,
  etagDigest,
  fileUrl,
  hubError,
  listRepoFiles,
  requestOptions,
  type HubConnection
} from './hub'
import { SpeedMeter, type DownloadProgress } from './progress'
import type { ProxyEnv } from './proxy'
import { backoffMs, defaultRetryPolicy, retryAfterMs, sleep, type RetryPolicy } from './retry'
import { readState, sameFile, writeState, type DownloadState, type FileState } from './state'

export type { DownloadProgress } from './progress'

export interface DownloadRequest {
  /** `owner/name` on the hub. */
  repo: string
  /** Branch, tag or commit; default `main`. */
  revision?: string
  /** Which repo files to fetch; default: all but hidden files and PyTorch/Flax weights. */
  include?: (path: string) => boolean
  id?: string
  name?: string
  licence?: string
  /** For a repo holding a single .onnx: its path, and the partial manifest written beside it as a sidecar. */
  single?: { file: string; sidecar: Record<string, unknown> }
}

export interface DownloadOptions {
  /** The user's models folder; downloads are staged inside it. */
  modelsDir: string
  baseUrl?: string
  token?: string
  /** Proxy variables (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY); default process.env. */
  env?: ProxyEnv
  /** Extra CA certificates (PEM) for TLS, e.g. a corporate proxy's or a test server's. */
  ca?: string | Buffer
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
  /** Minimum milliseconds between progress events for the same file (0: every chunk). */
  progressIntervalMs?: number
  retry?: Partial<RetryPolicy>
  idleTimeoutMs?: number
  freeSpace?: FreeSpaceFn
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  now?: () => number
  hashCache?: HashCache
  /** Finds a model that already uses an id in any root (starter or user); see import.ts. */
  idOwner?: IdOwner
}

export interface DownloadResult extends ImportResult {
  repo: string
  revision: string
  /** Bytes fetched in this run (not counting parts from an earlier one). */
  fetchedBytes: number
}

/** Hidden files, framework weights and paths outside the repo folder are never fetched by default. */
export function defaultInclude(path: string): boolean {
  if (!isContainedPath(path) || path.split(/[\\/]/).some((part) => part.startsWith('.')))
    return false
  return !/\.(safetensors|bin|ckpt|pt|pth|msgpack|h5|ot)$/i.test(path)
}

const repoPattern = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/

/** Where a repo revision is staged while it downloads (stable, so a later run finds it). */
export function stagingDirFor(modelsDir: string, repo: string, revision: string): string {
  return join(modelsDir, `.download-${slugId(repo.replace('/', '--'))}@${slugId(revision)}`)
}

/** A failure worth retrying, with the server's Retry-After when it gave one. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfter?: number
  ) {
    super(message)
  }
}

const sizeOf = (path: string) =>
  stat(path).then(
    (s) => s.size,
    () => -1
  )

/** Feeds the first `length` bytes of a file into `hash`. */
async function hashPrefix(
  path: string,
  length: number,
  hash: Hash,
  signal?: AbortSignal
): Promise<void> {
  if (length <= 0) return
  const handle = await openRegularFile(path)
  for await (const chunk of handle.createReadStream({
    end: length - 1,
    highWaterMark: 1 << 20,
    signal
  })) {
    hash.update(chunk as Buffer)
  }
}

async function gitBlobSha1(path: string, size: number): Promise<string> {
  const hash = createHash('sha1').update(`blob ${size}\0`)
  const handle = await openRegularFile(path)
  for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * A staged file (`.part` or finished) must be a plain file before it is resumed or read: anything else in
 * the staging folder (a named pipe, a link to a device) is refused, never read.
 * @throws StudioError bad-input naming the file and the fix.
 */
async function assertStagedFile(path: string, staging: string): Promise<void> {
  const found = await stat(path).catch(() => undefined)
  if (!found || found.isFile()) return
  const error = notRegularFile(path, found, 'The staged download file')
  throw new StudioError(
    'bad-input',
    `${error.message.replace(/; only plain files are read\.$/, '')}; nothing was read. Remove ${staging} to download this model afresh.`
  )
}

/** Takes the staging folder's lock; a lock left by a process that no longer runs is taken over. */
async function lock(staging: string): Promise<() => Promise<void>> {
  const path = join(staging, 'lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      return () => unlink(path).catch(() => undefined)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = Number(
        await readRegularFile(path).then(
          (b) => b.toString('utf8'),
          () => ''
        )
      )
      let alive = false
      try {
        alive = pid > 0 && pid !== process.pid && (process.kill(pid, 0), true)
      } catch {
        alive = false
      }
      if (alive) {
        throw new StudioError(
          'invalid-request',
          `This model is already being downloaded (process ${pid || process.pid}); wait for it or cancel it.`
        )
      }
      await unlink(path).catch(() => undefined)
    }
  }
  throw new StudioError('internal', `Could not lock ${staging}.`)
}
const activeStaging = new Set<string>()

interface Context {
  request: Required<Pick<DownloadRequest, 'repo' | 'revision'>>
  hub: HubConnection
  state: DownloadState
  staging: string
  policy: RetryPolicy
  options: DownloadOptions
  emit: (
    p: Omit<DownloadProgress, 'bytes' | 'total' | 'bytesPerSecond' | 'etaSeconds'>,
    force?: boolean
  ) => void
  /** Bytes of completed files plus the current file's offset, for overall progress. */
  base: { done: number }
  fetched: { bytes: number }
}

async function fetchFile(file: FileState, index: number, ctx: Context): Promise<void> {
  const { hub, options, policy, request } = ctx
  const final = join(ctx.staging, 'files', file.path)
  const part = `${final}.part`
  const count = ctx.state.files.length
  await assertStagedFile(final, ctx.staging)
  await assertStagedFile(part, ctx.staging)
  if (file.done && (await sizeOf(final)) >= 0) {
    ctx.base.done += await sizeOf(final)
    return
  }
  file.done = false
  await mkdir(dirname(final), { recursive: true })
  let offset = Math.max(0, await sizeOf(part))
  if (file.size !== undefined && offset > file.size) {
    await truncate(part, 0)
    offset = 0
  }
  let hash = createHash('sha256')
  await hashPrefix(part, offset, hash, options.signal) // bytes from an earlier run
  const restart = async () => {
    await truncate(part, 0).catch(() => undefined)
    hash = createHash('sha256')
    offset = 0
  }
  const url = fileUrl(hub.baseUrl, request.repo, ctx.state.commit ?? request.revision, file.path)
  const progress = (force = false) =>
    ctx.emit(
      {
        phase: 'downloading',
        file: file.path,
        fileIndex: index,
        fileCount: count,
        fileBytes: offset,
        ...(file.size !== undefined ? { fileTotal: file.size } : {})
      },
      force
    )
  progress(true)

  let failures = 0
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted()
    const attemptStart = offset
    try {
      const { response, chain } = await get(
        url,
        requestOptions(hub, offset > 0 ? { range: `bytes=${offset}-` } : {})
      )
      const status = response.statusCode ?? 0
      const linked = etagDigest(firstHeader(chain, 'x-linked-etag') ?? firstHeader(chain, 'etag'))
      file.sha256 ??= linked.sha256
      if (!file.sha256) file.gitOid ??= linked.gitOid
      const linkedSize = Number(firstHeader(chain, 'x-linked-size'))
      if (file.size === undefined && Number.isFinite(linkedSize)) file.size = linkedSize
      if (status === 416) {
        response.resume()
        if (file.size !== undefined && offset === file.size) break // the part was already complete
        await restart()
        throw new Retryable('the server refused the resume range')
      }
      if (status === 429 || status >= 500) {
        response.resume()
        throw new Retryable(
          `HTTP ${status}`,
          retryAfterMs(
            response.headers['retry-after'] as string | undefined,
            Date.now(),
            policy.maxMs
          )
        )
      }
      if (status !== 200 && status !== 206) {
        response.resume()
        throw hubError(status, `${request.repo}/${file.path}`, request.repo, hub)
      }
      // Take the body off the socket at once: a connection that drops right after the bytes must not
      // lose the bytes it did deliver (a destroyed stream discards what nobody has read yet).
      const body = drain(response)
      if (status === 200 && offset > 0) await restart() // the server ignored Range: start over
      if (status === 206) {
        const start = Number(/bytes (\d+)-/.exec(String(response.headers['content-range']))?.[1])
        if (start !== offset) {
          response.destroy()
          await restart()
          throw new Retryable(`the server resumed at byte ${start}, not ${offset}`)
        }
      }
      const length = Number(response.headers['content-length'])
      if (file.size === undefined && Number.isFinite(length)) file.size = offset + length
      await appendBody(body, part, offset, hash, (n) => {
        offset += n
        ctx.fetched.bytes += n
        progress()
      })
      if (file.size !== undefined && offset < file.size)
        throw new Retryable(`the connection ended at byte ${offset} of ${file.size}`)
      break
    } catch (error) {
      if (error instanceof StudioError) throw error
      if (options.signal?.aborted) throw options.signal.reason
      failures = offset > attemptStart ? 1 : failures + 1 // an attempt that made progress restarts the count
      if (failures >= policy.attempts || attempt >= policy.attempts * 20) {
        throw new StudioError(
          'download-failed',
          `Downloading ${request.repo}/${file.path} failed ${failures} times in a row (${(error as Error).message}); ${formatBytes(offset)} are kept. Run the same download again to resume.`,
          { cause: error }
        )
      }
      const wait =
        error instanceof Retryable && error.retryAfter !== undefined
          ? error.retryAfter
          : backoffMs(failures, policy, options.random ?? Math.random)
      await (options.sleep ?? sleep)(wait, options.signal)
    }
  }

  const sha256 = hash.digest('hex')
  const expected = file.sha256
  const mismatch = expected
    ? sha256 !== expected && `sha256 ${sha256.slice(0, 12)}…, expected ${expected.slice(0, 12)}…`
    : file.gitOid &&
      (await gitBlobSha1(part, offset)) !== file.gitOid &&
      `git blob id differs from ${file.gitOid.slice(0, 12)}…`
  if (mismatch) {
    await unlink(part).catch(() => undefined)
    throw new StudioError(
      'hash-mismatch',
      `${request.repo}/${file.path} arrived with the wrong content (${mismatch}); the partial file was deleted and nothing was installed. Try again; if it keeps happening, the hub or a proxy is altering the file.`
    )
  }
  await fsyncFile(part)
  await rename(part, final)
  file.content = sha256
  file.done = true
  await writeState(ctx.staging, ctx.state)
  progress(true)
  ctx.base.done += offset
}

/**
 * Reads a response body into a queue as it arrives (pausing the socket above `highWater` bytes) and
 * yields every chunk received, then the error if the connection failed.
 */
function drain(response: IncomingMessage, highWater = 8 << 20): AsyncIterable<Buffer> {
  const queue: Buffer[] = []
  let queued = 0
  let ended = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const poke = () => wake?.()
  response.on('data', (chunk: Buffer) => {
    queue.push(chunk)
    queued += chunk.length
    if (queued > highWater) response.pause()
    poke()
  })
  response.on('end', () => {
    ended = true
    poke()
  })
  response.on('error', (error) => {
    failure ??= error
    poke()
  })
  response.on('close', () => {
    if (!response.complete)
      failure ??= new Error('the connection closed before the end of the file')
    ended = true
    poke()
  })
  return (async function* () {
    for (;;) {
      const chunk = queue.shift()
      if (chunk) {
        queued -= chunk.length
        if (response.isPaused() && queued <= highWater / 2) response.resume()
        yield chunk
      } else if (failure) throw failure
      else if (ended) return
      else await new Promise<void>((resolve) => (wake = resolve))
    }
  })()
}

/**
 * Appends the response body to `part` at `offset`, reporting each chunk once it is written; the hash
 * only ever covers bytes on disk, so after a dropped connection the next attempt resumes exactly there.
 */
async function appendBody(
  body: AsyncIterable<Buffer>,
  part: string,
  offset: number,
  hash: Hash,
  onWritten: (n: number) => void
): Promise<number> {
  const handle = await open(part, offset > 0 ? 'r+' : 'w')
  let position = offset
  try {
    for await (const bytes of body) {
      await handle.write(bytes, 0, bytes.length, position)
      hash.update(bytes)
      position += bytes.length
      onWritten(bytes.length)
    }
    return position
  } finally {
    await handle.close()
  }
}

/** Downloads `request.repo` at `request.revision` and installs it; see the module comment. */
export async function downloadModel(
  request: DownloadRequest,
  options: DownloadOptions
): Promise<DownloadResult> {
  const repo = request.repo.trim()
  const revision = request.revision?.trim() || 'main'
  if (!repoPattern.test(repo)) {
    throw new StudioError(
      'invalid-request',
      `"${request.repo}" is not a hub repo name; use owner/name, e.g. stabilityai/sd-turbo.`
    )
  }
  const id = request.id ?? slugId(repo.split('/').pop()!)
  const baseUrl = (options.baseUrl ?? defaultHubUrl).replace(/\/$/, '')
  const hub: HubConnection = {
    baseUrl,
    env: options.env ?? process.env,
    ...(options.token ? { token: options.token } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {})
  }
  const policy = { ...defaultRetryPolicy, ...options.retry }
  const now = options.now ?? (() => performance.now())
  const staging = stagingDirFor(options.modelsDir, repo, revision)
  // Claimed before the first await, so a second download of the same staging folder in this process
  // is refused instead of sharing its files.
  if (activeStaging.has(staging)) {
    throw new StudioError(
      'invalid-request',
      `${repo}@${revision} is already being downloaded; wait for it or cancel it.`
    )
  }
  activeStaging.add(staging)
  let unlock: () => Promise<void>
  try {
    // Checked before anything is listed or fetched: an id taken in any root could never be installed.
    if (options.idOwner) await assertIdFree(id, options.idOwner)
    await mkdir(join(staging, 'files'), { recursive: true })
    unlock = await lock(staging)
  } catch (error) {
    activeStaging.delete(staging)
    throw error
  }
  let failed = false
  const fetched = { bytes: 0 }
  const base = { done: 0 }
  const meter = new SpeedMeter(now)
  let lastEmit = -Infinity
  let total: number | undefined
  const emit: Context['emit'] = (p, force = false) => {
    if (!options.onProgress) return
    const t = now()
    if (!force && t - lastEmit < (options.progressIntervalMs ?? 250)) return
    lastEmit = t
    const bytes = base.done + p.fileBytes
    const speed = meter.add(fetched.bytes)
    const left = total !== undefined ? total - bytes : undefined
    options.onProgress({
      ...p,
      bytes,
      ...(total !== undefined ? { total } : {}),
      bytesPerSecond: speed,
      ...(left !== undefined && speed > 0 ? { etaSeconds: left / speed } : {})
    })
  }
  try {
    emit({ phase: 'listing', fileIndex: 0, fileCount: 0, fileBytes: 0 }, true)
    const listing = await withRetries(() => listRepoFiles(hub, repo, revision), policy, options)
    const include = request.include ?? defaultInclude
    const wanted = listing.files.filter((f) => include(f.path))
    const outside = wanted.find(
      (f) => !isContainedPath(f.path) || !containedJoin(join(staging, 'files'), f.path)
    )
    if (outside) {
      throw new StudioError(
        'download-failed',
        `The hub listed "${outside.path}" in ${repo}@${revision}, a path outside the model's folder; nothing was downloaded. The repo or the server cannot be trusted: download the model from another source.`
      )
    }
    if (wanted.length === 0) {
      throw new StudioError(
        'not-found',
        `${repo}@${revision} has no files the studio can use (ONNX exports and their configs).`
      )
    }
    const previous = await readState(staging)
    const files: FileState[] = []
    for (const file of wanted) {
      const before = previous?.files.find((f) => f.path === file.path)
      if (before && !sameFile(before, file)) {
        // The revision moved on: what was fetched before is a different file.
        const final = join(staging, 'files', file.path)
        await rm(final, { force: true })
        await rm(`${final}.part`, { force: true })
      }
      files.push({
        ...file,
        ...(before && sameFile(before, file) && before.done ? { done: true } : {})
      })
    }
    const state: DownloadState = {
      version: 1,
      repo,
      revision,
      ...(listing.commit ? { commit: listing.commit } : {}),
      baseUrl,
      files,
      startedAt: previous?.startedAt ?? new Date().toISOString(),
      updatedAt: ''
    }
    await writeState(staging, state)
    total = files.every((f) => f.size !== undefined)
      ? files.reduce((s, f) => s + f.size!, 0)
      : undefined

    // Disk space for what is still to come.
    let remaining = 0
    for (const f of files) {
      if (f.done || f.size === undefined) continue
      remaining += f.size - Math.max(0, await sizeOf(join(staging, 'files', `${f.path}.part`)))
    }
    const free = await (options.freeSpace ?? freeBytes)(options.modelsDir)
    if (free < remaining) {
      throw new StudioError(
        'disk-full',
        `${repo} needs about ${formatBytes(remaining)} more disk space; ${formatBytes(free)} is free in ${options.modelsDir}. Free some space or move the models folder, then start the download again (it resumes).`
      )
    }

    const ctx: Context = {
      request: { repo, revision },
      hub,
      state,
      staging,
      policy,
      options,
      emit,
      base,
      fetched
    }
    for (const [index, file] of files.entries()) await fetchFile(file, index, ctx)

    emit(
      { phase: 'installing', fileIndex: files.length, fileCount: files.length, fileBytes: 0 },
      true
    )
    const filesDir = join(staging, 'files')
    let sourcePath = filesDir
    if (request.single) {
      sourcePath = join(filesDir, request.single.file)
      await writeFile(`${sourcePath}.json`, JSON.stringify(request.single.sidecar))
    }
    const result = await importModel(sourcePath, {
      modelsDir: options.modelsDir,
      move: true,
      origin: 'downloaded',
      source: { repo, revision, url: `${baseUrl}/${repo}` },
      knownSha256: Object.fromEntries(files.map((f) => [f.path, f.content!])),
      id,
      name: request.name ?? repo,
      ...(options.idOwner ? { idOwner: options.idOwner } : {}),
      ...(request.licence ? { licence: request.licence } : {}),
      ...(options.hashCache ? { hashCache: options.hashCache } : {})
    })
    await removeTree(staging)
    emit({ phase: 'done', fileIndex: files.length, fileCount: files.length, fileBytes: 0 }, true)
    // No LFS sha256 and no git blob id (in the listing or the headers): nothing was checked.
    const unverified = files
      .filter((f) => !f.sha256 && !f.gitOid)
      .map(
        (f) =>
          `not verified: the hub gave no checksum for ${repo}/${f.path} (installed as received; its sha256 is recorded, so later changes are detected)`
      )
    return {
      ...result,
      warnings: [...result.warnings, ...unverified],
      repo,
      revision,
      fetchedBytes: fetched.bytes
    }
  } catch (error) {
    failed = true
    if (options.signal?.aborted && !(error instanceof StudioError && error.code !== 'cancelled')) {
      throw new StudioError(
        'cancelled',
        `Download of ${repo}@${revision} paused; ${formatBytes(base.done + fetched.bytes)} kept in ${staging}. Start the same download again to resume, or discard it.`,
        { cause: error }
      )
    }
    throw error
  } finally {
    activeStaging.delete(staging)
    await unlock()
    // A download that failed before any byte arrived (offline, 404, gated) leaves no folder behind.
    if (failed && !(await holdsData(join(staging, 'files')))) await removeTree(staging)
  }
}

/** Whether any file under `dir` has bytes (a partial download worth keeping for a resume). */
async function holdsData(dir: string): Promise<boolean> {
  let entries: string[]
  try {
    entries = await listFiles(dir)
  } catch {
    return false
  }
  for (const entry of entries) if ((await sizeOf(join(dir, entry))) > 0) return true
  return false
}

/** Retries the API call on network errors, 5xx and 429 (typed refusals are final). */
async function withRetries<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  options: DownloadOptions
): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await work()
    } catch (error) {
      const typed = error instanceof StudioError
      if (options.signal?.aborted) throw options.signal.reason
      const retryable = !typed || error.code === 'rate-limited' || error.code === 'download-failed'
      if (!retryable) throw error
      if (failures >= policy.attempts) {
        if (typed) throw error
        throw new StudioError(
          'download-failed',
          `Cannot reach the hub: ${(error as Error).message}. Check the network or proxy settings (HTTPS_PROXY, NO_PROXY).`,
          { cause: error }
        )
      }
      await (options.sleep ?? sleep)(
        backoffMs(failures, policy, options.random ?? Math.random),
        options.signal
      )
    }
  }
}

export interface PartialDownload {
  repo: string
  revision: string
  dir: string
  bytes: number
  total?: number
}

/** Downloads that were paused or interrupted, with how far they got. */
export async function listPartialDownloads(modelsDir: string): Promise<PartialDownload[]> {
  const out: PartialDownload[] = []
  for (const name of await readdir(modelsDir).catch(() => [] as string[])) {
    if (!name.startsWith('.download-')) continue
    const dir = join(modelsDir, name)
    const state = await readState(dir)
    if (!state) continue
    let bytes = 0
    for (const f of state.files) {
      const final = join(dir, 'files', f.path)
      bytes += Math.max(0, f.done ? await sizeOf(final) : await sizeOf(`${final}.part`))
    }
    const total = state.files.every((f) => f.size !== undefined)
      ? state.files.reduce((s, f) => s + f.size!, 0)
      : undefined
    out.push({
      repo: state.repo,
      revision: state.revision,
      dir,
      bytes,
      ...(total !== undefined ? { total } : {})
    })
  }
  return out
}

/** Deletes a paused download's partial files. Returns whether there was one. */
export async function discardDownload(
  modelsDir: string,
  repo: string,
  revision = 'main'
): Promise<boolean> {
  const staging = stagingDirFor(modelsDir, repo, revision)
  if ((await sizeOf(staging)) < 0) return false
  if (activeStaging.has(staging)) {
    throw new StudioError(
      'invalid-request',
      `${repo}@${revision} is downloading right now; cancel it first.`
    )
  }
  await removeTree(staging)
  return true
}
