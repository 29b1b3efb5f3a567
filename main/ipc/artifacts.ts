// Artifacts and inputs by URL, for both transports (the web host's HTTP routes and Electron's
// privileged `studio:` protocol): which file a URL means, and which bytes a Range header asks for.
import { realpathSync, statSync } from 'node:fs'
import { basename, isAbsolute, relative } from 'node:path'
import { StudioError } from '../contract'
import type { Studio } from './studio'

export interface ServedFile {
  readonly path: string
  readonly mime: string
  readonly size: number
  /** The name a download should get. */
  readonly name: string
}

/** `path` resolved through symlinks lies inside `root` (resolved too). */
export function insideFolder(root: string, path: string): boolean {
  try {
    const inside = relative(realpathSync(root), realpathSync(path))
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)
  } catch {
    return false
  }
}

/**
 * The file of artifact `index` of job `jobId`: it must exist and lie inside the outputs folder after
 * resolving symlinks.
 * @throws StudioError unknown-job / not-found.
 */
export function artifactFile(
  studio: Pick<Studio, 'queue' | 'outputDir'>,
  jobId: string,
  index: number
): ServedFile {
  const job = studio.queue.get(jobId)
  if (!job) throw new StudioError('unknown-job', `No job has id "${jobId.slice(0, 64)}".`)
  const artifact = job.artifacts.find((a) => a.index === index)
  if (!artifact) throw new StudioError('not-found', `Job ${jobId} has no output ${index}.`)
  if (!insideFolder(studio.outputDir, artifact.path)) {
    throw new StudioError('not-found', 'That output is outside the outputs folder, or gone.')
  }
  return {
    path: artifact.path,
    mime: artifact.mime,
    size: statSync(artifact.path).size,
    name: basename(artifact.path)
  }
}

/** The bytes of a stored input. @throws StudioError not-found. */
export function inputFile(studio: Pick<Studio, 'inputs'>, ref: string): ServedFile {
  const info = studio.inputs.require(ref)
  const path = studio.inputs.path(ref)
  return { path, mime: info.mime, size: statSync(path).size, name: info.name ?? ref.slice(0, 12) }
}

/** Parses `/artifacts/<job>/<index>` (and `/inputs/<ref>`); undefined for other paths. */
export function parseFileRoute(
  pathname: string
): { kind: 'artifact'; jobId: string; index: number } | { kind: 'input'; ref: string } | undefined {
  const artifact = /^\/artifacts\/([A-Za-z0-9-]{1,64})\/(\d{1,4})$/.exec(pathname)
  if (artifact) return { kind: 'artifact', jobId: artifact[1], index: Number(artifact[2]) }
  const input = /^\/inputs\/([0-9a-f]{64})$/.exec(pathname)
  if (input) return { kind: 'input', ref: input[1] }
  return undefined
}

/**
 * One byte range of a file of `size` bytes from a Range header (RFC 9110 §14.1.2), inclusive.
 * undefined: no (or an ignorable) Range header — serve it all; 'unsatisfiable': answer 416.
 * Several ranges are answered with the whole file (allowed by the RFC).
 */
export function parseRange(
  header: string | undefined,
  size: number
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}
