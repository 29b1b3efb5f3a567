import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import type { CatalogueEntry, ModelListing } from '../contract'
import type { ModelsState } from './models.svelte'
import {
  afterCancel,
  applyModelEvent,
  endsDownload,
  reconcileDownloads,
  runningIds,
  startedDownload,
  type DownloadView
} from './model-downloads'
import type { ToastsState } from './toasts.svelte'

/**
 * The Models screen: installed models with their problems, the catalogue, imports, removals and
 * downloads. After anything that changes the model folders it reloads both its own listing and the
 * shared ModelsState the Generate panel's picker reads.
 */
export class ModelManagerState {
  listing = $state<ModelListing>({ models: [], problems: [], partialDownloads: [] })
  catalogue = $state<CatalogueEntry[]>([])
  downloads = $state<DownloadView[]>([])
  loading = $state(false)
  error = $state<ErrorView | null>(null)
  catalogueError = $state<ErrorView | null>(null)

  importPath = $state('')
  importId = $state('')
  importing = $state(false)
  importError = $state<ErrorView | null>(null)
  /** Catalogue id -> the id to install it under (optional; empty: the entry's own id). */
  downloadIds = $state<Record<string, string>>({})
  /** Ids being removed right now. */
  removing = $state<string[]>([])

  readonly api: StudioClient
  readonly models: ModelsState
  readonly toasts: ToastsState

  constructor(api: StudioClient, models: ModelsState, toasts: ToastsState) {
    this.api = api
    this.models = models
    this.toasts = toasts
  }

  /** Subscribes to model events; returns the unsubscribe function. */
  start = (): (() => void) =>
    this.api.onModelEvent((event) => {
      this.downloads = applyModelEvent(this.downloads, event)
      if (event.type === 'download-done') {
        this.toasts.info('Model installed', `${event.id} is ready to use.`)
      }
      if (endsDownload(event) || event.type === 'download-paused') void this.refresh()
    })

  load = async (): Promise<void> => {
    this.loading = true
    await Promise.all([this.scan(), this.loadCatalogue()])
    this.loading = false
  }

  scan = async (): Promise<void> => {
    const checked = runningIds(this.downloads)
    try {
      const listing = await this.api.scanModels(undefined)
      this.listing = listing
      this.downloads = reconcileDownloads(this.downloads, listing.activeDownloads, checked)
      this.error = null
    } catch (error) {
      this.error = errorView(error)
    }
  }

  loadCatalogue = async (): Promise<void> => {
    try {
      this.catalogue = await this.api.listCatalogue(undefined)
      this.catalogueError = null
    } catch (error) {
      this.catalogueError = errorView(error)
    }
  }

  /** Reloads this screen's listing and the Generate panel's models. */
  refresh = async (): Promise<void> => {
    await Promise.all([this.scan(), this.models.load()])
  }

  importFromPath = async (): Promise<boolean> => {
    const path = this.importPath.trim()
    if (!path) return false
    this.importing = true
    this.importError = null
    try {
      const id = this.importId.trim()
      const summary = await this.api.importModel({ path, ...(id ? { id } : {}) })
      this.importPath = ''
      this.importId = ''
      this.toasts.info(
        'Model imported',
        summary.warnings.length
          ? `${summary.id}: ${summary.warnings.join(' ')}`
          : `${summary.id} is ready to use.`
      )
      await this.refresh()
      return true
    } catch (error) {
      this.importError = errorView(error)
      return false
    } finally {
      this.importing = false
    }
  }

  remove = async (id: string): Promise<boolean> => {
    this.removing = [...this.removing, id]
    try {
      await this.api.removeModel({ id })
      this.toasts.info('Model removed', `${id} was deleted.`)
      await this.refresh()
      return true
    } catch (error) {
      this.toasts.error(errorView(error))
      return false
    } finally {
      this.removing = this.removing.filter((r) => r !== id)
    }
  }

  /** Starts (or resumes) a download of a catalogue id or owner/name. */
  download = async (repo: string, revision?: string, id?: string): Promise<void> => {
    try {
      const { downloadId } = await this.api.startDownload({
        repo,
        ...(revision ? { revision } : {}),
        ...(id ? { id } : {})
      })
      // An event may have come in before this answer; an earlier attempt at the same repo that ended is
      // replaced by this one.
      const known = this.downloads.find((d) => d.downloadId === downloadId)
      const view = {
        ...startedDownload(downloadId, repo, revision),
        ...known,
        repo,
        ...(id ? { requestedId: id } : {})
      }
      this.downloads = [
        ...this.downloads.filter(
          (d) => d.downloadId !== downloadId && (d.repo !== repo || d.status === 'running')
        ),
        view
      ]
    } catch (error) {
      this.toasts.error(errorView(error))
    }
  }

  pause = async (downloadId: string): Promise<void> => {
    try {
      const { cancelled } = await this.api.cancelDownload({ downloadId })
      // Not running on the host (it ended, or the host restarted): the row must not stay "running".
      this.downloads = afterCancel(this.downloads, downloadId, cancelled)
    } catch (error) {
      this.toasts.error(errorView(error))
    }
  }

  dismiss = (downloadId: string): void => {
    this.downloads = this.downloads.filter((d) => d.downloadId !== downloadId)
  }
}
