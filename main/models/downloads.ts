// Downloads started from the UI: one AbortController per download, progress and outcomes as model events.
// Cancelling pauses (the .part files stay; starting the same repo again resumes), as in the CLI.
import { randomUUID } from 'node:crypto'
import { StudioError, type ModelEvent } from '../contract'
import { findCatalogueEntry, loadCatalogue, type Catalogue } from './catalogue'
import { downloadModel, type ModelsContext } from './commands'
import { stagingDirFor } from './download/manager'

export type DownloadRunner = typeof downloadModel

export interface StartDownload {
  repo: string
  revision?: string
  /** Kept only in this download's closure, never logged or stored. */
  token?: string
  /** The installed model's id (default: the catalogue entry's, else the repo's name). */
  id?: string
}

/** A running download, as `scanModels` reports it. */
export interface ActiveDownload {
  downloadId: string
  repo: string
  revision: string
}

interface Active extends ActiveDownload {
  /** The resolved staging folder: two downloads of the same repo revision would share it. */
  key: string
  controller: AbortController
  settled: Promise<void>
}

export class DownloadManager {
  readonly #active = new Map<string, Active>()
  /** Starts claim their slot in call order (each waits for the catalogue read of the one before). */
  #order: Promise<unknown> = Promise.resolve()
  readonly #listeners = new Set<(event: ModelEvent) => void>()

  constructor(
    private readonly context: ModelsContext,
    private readonly run: DownloadRunner = downloadModel,
    private readonly catalogue: () => Promise<Catalogue> = () => loadCatalogue()
  ) {}

  /** Subscribes to model events; returns the unsubscribe function. */
  on(listener: (event: ModelEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #emit(event: ModelEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch {
        // A listener's failure must not stop the download or other listeners.
      }
    }
  }

  /**
   * Starts (or resumes) a download; its outcome arrives as a model event. A catalogue id and its
   * owner/name@revision are the same download: a second one while the first runs is refused.
   */
  async start({ repo, revision, token, id }: StartDownload): Promise<{ downloadId: string }> {
    const turn = this.#order.then(() => this.catalogue())
    this.#order = turn.catch(() => undefined)
    const entry = findCatalogueEntry(await turn, repo.trim())
    const resolvedRepo = entry?.repo ?? repo.trim()
    const resolvedRevision = revision?.trim() || entry?.revision || 'main'
    // From here to #active.set nothing awaits, so two starts cannot both pass the check.
    const key = stagingDirFor(this.context.roots.user, resolvedRepo, resolvedRevision)
    for (const active of this.#active.values()) {
      if (active.key === key) {
        throw new StudioError(
          'invalid-request',
          `${resolvedRepo}@${resolvedRevision} is already downloading (download ${active.downloadId}); wait for it or cancel it.`
        )
      }
    }
    const downloadId = randomUUID()
    const controller = new AbortController()
    const settled = this.run(
      repo,
      revision,
      {
        signal: controller.signal,
        ...(token ? { token } : {}),
        ...(id ? { id } : {}),
        onProgress: (p) => {
          if (p.phase !== 'downloading' && p.phase !== 'installing') return
          this.#emit({
            type: 'download-progress',
            downloadId,
            repo,
            bytes: p.bytes,
            ...(p.total !== undefined ? { total: p.total } : {}),
            bytesPerSecond: Math.max(0, p.bytesPerSecond),
            ...(p.etaSeconds !== undefined ? { etaSeconds: Math.max(0, p.etaSeconds) } : {}),
            ...(p.file ? { file: p.file } : {})
          })
        }
      },
      this.context
    ).then(
      (result) => {
        this.#emit({
          type: 'download-done',
          downloadId,
          id: result.id,
          warnings: [...result.catalogueWarnings, ...result.warnings]
        })
      },
      (error: unknown) => {
        if (controller.signal.aborted) {
          this.#emit({ type: 'download-paused', downloadId })
          return
        }
        const typed = StudioError.from(error)
        this.#emit({
          type: 'download-failed',
          downloadId,
          error: { code: typed.code, message: typed.message }
        })
      }
    )
    const active: Active = {
      downloadId,
      repo: resolvedRepo,
      revision: resolvedRevision,
      key,
      controller,
      settled: settled.finally(() => this.#active.delete(downloadId))
    }
    this.#active.set(downloadId, active)
    return { downloadId }
  }

  /** Pauses a running download; false when it is not running (finished, or never started). */
  cancel(downloadId: string): boolean {
    const active = this.#active.get(downloadId)
    if (!active || active.controller.signal.aborted) return false
    active.controller.abort(new StudioError('cancelled', 'Download paused.'))
    return true
  }

  /** Resolves once the download has ended (done, failed or paused); at once when it is not running. */
  settled(downloadId: string): Promise<void> {
    return this.#active.get(downloadId)?.settled ?? Promise.resolve()
  }

  get running(): string[] {
    return [...this.#active.keys()]
  }

  /** The downloads running now (a paused one is no longer listed once it has settled). */
  get active(): ActiveDownload[] {
    return [...this.#active.values()].map(({ downloadId, repo, revision }) => ({
      downloadId,
      repo,
      revision
    }))
  }

  /** Pauses every download (the studio is closing). */
  dispose(): void {
    for (const id of this.#active.keys()) this.cancel(id)
  }
}
