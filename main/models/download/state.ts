// The small JSON state that lets a download resume after the process restarts: which files, their
// expected hashes, and which are already complete. The bytes themselves are in the `.part` files.
import { rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { HubFile } from './hub'
import { readRegularFile } from '../../platform/regular-file'

export interface FileState extends HubFile {
  /** Downloaded, verified and renamed from .part to its final name. */
  done?: boolean
  /** sha256 of the downloaded content (also for files the hub gives only a git id for). */
  content?: string
}

export interface DownloadState {
  version: 1
  repo: string
  revision: string
  commit?: string
  baseUrl: string
  files: FileState[]
  startedAt: string
  updatedAt: string
}

export const stateFileName = 'download-state.json'

export async function readState(staging: string): Promise<DownloadState | undefined> {
  try {
    const state = JSON.parse(
      (await readRegularFile(join(staging, stateFileName))).toString('utf8')
    ) as DownloadState
    return state.version === 1 && Array.isArray(state.files) ? state : undefined
  } catch {
    return undefined
  }
}

export async function writeState(staging: string, state: DownloadState): Promise<void> {
  state.updatedAt = new Date().toISOString()
  const path = join(staging, stateFileName)
  await writeFile(`${path}.tmp`, JSON.stringify(state, null, 2))
  await rename(`${path}.tmp`, path)
}

/** Whether a file from an earlier run is the same file as now (same size and hashes where known). */
export function sameFile(a: HubFile, b: HubFile): boolean {
  return a.size === b.size && a.sha256 === b.sha256 && a.gitOid === b.gitOid
}
