// The pure part of the Models screen: downloads folded from model events, and display helpers.
import { errorViewFromData, type ErrorView } from '../api/errors'
import type { CatalogueEntry, InstalledModel, ModelEvent } from '../contract'

export type DownloadStatus = 'running' | 'paused' | 'failed' | 'done'

export type DownloadView = {
  downloadId: string
  /** What the user asked for: owner/name or a catalogue id (downloading it again resumes). */
  repo: string
  revision?: string
  /** The id asked for the installed model, if any (a resume or retry asks for it again). */
  requestedId?: string
  status: DownloadStatus
  bytes: number
  total?: number
  bytesPerSecond: number
  etaSeconds?: number
  file?: string
  error?: ErrorView
  installedId?: string
  warnings: string[]
}

export function startedDownload(downloadId: string, repo: string, revision?: string): DownloadView {
  return {
    downloadId,
    repo,
    ...(revision ? { revision } : {}),
    status: 'running',
    bytes: 0,
    bytesPerSecond: 0,
    warnings: []
  }
}

/** Folds one model event into the list; events for downloads this window did not start are added. */
export function applyModelEvent(list: DownloadView[], event: ModelEvent): DownloadView[] {
  const at = list.findIndex((d) => d.downloadId === event.downloadId)
  const base =
    at >= 0
      ? list[at]
      : startedDownload(event.downloadId, event.type === 'download-progress' ? event.repo : '?')
  let next: DownloadView
  switch (event.type) {
    case 'download-progress': {
      const { type: _type, downloadId: _id, repo: _repo, ...progress } = event
      next = {
        ...base,
        status: 'running',
        bytes: progress.bytes,
        total: progress.total,
        bytesPerSecond: progress.bytesPerSecond,
        etaSeconds: progress.etaSeconds,
        file: progress.file
      }
      break
    }
    case 'download-done':
      next = {
        ...base,
        status: 'done',
        installedId: event.id,
        warnings: event.warnings,
        bytesPerSecond: 0,
        etaSeconds: undefined
      }
      break
    case 'download-failed':
      next = { ...base, status: 'failed', error: errorViewFromData(event.error), bytesPerSecond: 0 }
      break
    case 'download-paused':
      next = { ...base, status: 'paused', bytesPerSecond: 0, etaSeconds: undefined }
      break
  }
  return at >= 0 ? list.with(at, next) : [...list, next]
}

/**
 * After a refresh (or a reconnect): rows this window shows as running that the host no longer runs are
 * paused (their end was missed). Only rows in `checked` (those running when the scan was asked for) are
 * touched, so a download started while the scan was on its way keeps its state.
 */
export function reconcileDownloads(
  list: DownloadView[],
  running: readonly { downloadId: string; repo?: string; revision?: string }[],
  checked: readonly string[]
): DownloadView[] {
  const live = new Set(running.map((d) => d.downloadId))
  return list.map((d) =>
    d.status === 'running' && checked.includes(d.downloadId) && !live.has(d.downloadId)
      ? { ...d, status: 'paused', bytesPerSecond: 0, etaSeconds: undefined }
      : d
  )
}

/** After a pause request: a download the host says is not running is shown as paused, not running. */
export function afterCancel(
  list: DownloadView[],
  downloadId: string,
  cancelled: boolean
): DownloadView[] {
  if (cancelled) return list
  return list.map((d) =>
    d.downloadId === downloadId && d.status === 'running'
      ? { ...d, status: 'paused', bytesPerSecond: 0, etaSeconds: undefined }
      : d
  )
}

/** Running downloads' ids. */
export const runningIds = (list: DownloadView[]): string[] =>
  list.filter((d) => d.status === 'running').map((d) => d.downloadId)

/** Whether a row can be dismissed: every state but running (done, failed, paused). */
export const dismissable = (d: DownloadView): boolean => d.status !== 'running'

/** Whether an event ends a download (the model list may have changed). */
export const endsDownload = (event: ModelEvent): boolean =>
  event.type === 'download-done' || event.type === 'download-failed'

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'size unknown'
  if (bytes < 1024) return `${bytes} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return ''
  const s = Math.round(seconds)
  if (s < 60) return `${s} s left`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s left`
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m left`
}

/** "12 MB / 1.2 GB · 3.4 MB/s · 5m 02s left" (only the parts that are known). */
export function progressText(d: DownloadView): string {
  const parts = [
    d.total !== undefined
      ? `${formatBytes(d.bytes)} / ${formatBytes(d.total)}`
      : formatBytes(d.bytes)
  ]
  if (d.status === 'running' && d.bytesPerSecond > 0)
    parts.push(`${formatBytes(d.bytesPerSecond)}/s`)
  const eta = d.status === 'running' ? formatEta(d.etaSeconds) : ''
  if (eta) parts.push(eta)
  return parts.join(' · ')
}

/** 0 … 1, or null when the total is unknown. */
export function progressFraction(d: DownloadView): number | null {
  if (d.status === 'done') return 1
  if (!d.total) return null
  return Math.min(1, d.bytes / d.total)
}

export const catalogueSize = (entry: CatalogueEntry): string =>
  entry.sizeBytes === null ? 'size unknown' : formatBytes(entry.sizeBytes)

export const supportLabel: Record<CatalogueEntry['studioSupport'], string> = {
  expected: 'Expected to work',
  partial: 'Partial support',
  unsupported: 'Not supported yet'
}

/** A model's size on disk from its manifest. */
export const modelSize = (model: InstalledModel): number =>
  model.manifest.files.reduce((sum, f) => sum + f.size, 0)

/**
 * What a model's size chips say, the same on the Models screen and beside every model field: its files
 * on disk (measured) and the working memory of one run (its manifest's estimate), each named.
 */
export function sizeChips(model: InstalledModel): { text: string; title: string }[] {
  return [
    {
      text: `${formatBytes(modelSize(model))} on disk`,
      title: "The model's files, as listed in its manifest"
    },
    {
      text: `~${formatMegabytes(model.manifest.memoryEstimateMB)} to run`,
      title: 'Peak working memory of one run at batch 1 (the manifest’s estimate)'
    }
  ]
}

/** Megabytes as `formatBytes` writes sizes (the memory estimates are whole megabytes). */
export const formatMegabytes = (mb: number): string => formatBytes(mb * 1024 * 1024)

/** Only the user's models (imported or downloaded) can be removed; starter models ship with the studio. */
export const removable = (model: InstalledModel): boolean => model.origin !== 'starter'

/** The download running for a catalogue entry or repo, if any. */
export function activeFor(list: DownloadView[], repo: string): DownloadView | undefined {
  return list.find((d) => d.repo === repo && d.status === 'running')
}
