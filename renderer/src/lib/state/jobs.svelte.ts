import type { StudioClient } from '../api/client'
import { errorView, errorViewFromData, type ErrorView } from '../api/errors'
import {
  modalityOf,
  type JobEvent,
  type JobRecord,
  type JobSpecInput,
  type Modality
} from '../contract'
import {
  applyJobEvent,
  currentEntry,
  isActive,
  pruneTable,
  sortedJobs,
  upsertRecord,
  type JobEntry,
  type JobTable
} from './job-table'
import type { ToastsState } from './toasts.svelte'

/** How many finished jobs the history keeps in memory (the store on disk keeps them all). */
const HISTORY_LIMIT = 200

/**
 * The queue and history: seeded from listJobs, kept live by job events (see job-table.ts for the rules),
 * plus which job the centre stage shows.
 */
export class JobsState {
  table = $state<JobTable>({})
  loading = $state(true)
  error = $state<ErrorView | null>(null)
  /** The job the user opened in each workspace; none follows that workspace's newest activity. */
  selected = $state<Partial<Record<Modality, string>>>({})
  /** Ticks twice a second so running durations and ETAs move. */
  now = $state(Date.now())

  list: JobEntry[] = $derived(sortedJobs(this.table))
  active: JobEntry[] = $derived(this.list.filter((e) => isActive(e.record.status)))
  running: JobEntry | undefined = $derived(this.list.find((e) => e.record.status === 'running'))

  /** The job a workspace's stage shows (see `currentEntry`). */
  currentIn = (modality: Modality): JobEntry | undefined =>
    currentEntry(this.list, modality, this.selected[modality])

  readonly api: StudioClient
  readonly toasts: ToastsState
  #refreshTimer: ReturnType<typeof setTimeout> | null = null

  constructor(api: StudioClient, toasts: ToastsState) {
    this.api = api
    this.toasts = toasts
  }

  /** Subscribes to job events and starts the clock; returns the cleanup. */
  start = (): (() => void) => {
    const off = this.api.onJobEvent(this.apply)
    const clock = setInterval(() => (this.now = Date.now()), 500)
    return () => {
      off()
      clearInterval(clock)
      if (this.#refreshTimer) clearTimeout(this.#refreshTimer)
    }
  }

  apply = (event: JobEvent): void => {
    const result = applyJobEvent(this.table, event, Date.now())
    if (result === 'unknown-job') this.#scheduleRefresh()
    // A failure is shown on the job itself; the toast only says so, and leaves on its own.
    if (event.type === 'failed') {
      const view = errorViewFromData(event.error)
      this.toasts.info(`Job failed: ${view.title}`, view.message, 8000)
    }
    if (event.type === 'warning') this.toasts.info('Note', event.message, 8000)
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
      pruneTable(this.table, HISTORY_LIMIT)
    }
  }

  refresh = async (): Promise<void> => {
    try {
      const records = await this.api.listJobs({ limit: HISTORY_LIMIT })
      for (const record of records) upsertRecord(this.table, record)
      this.error = null
    } catch (error) {
      this.error = errorView(error)
    } finally {
      this.loading = false
    }
  }

  /** Enqueues a job and opens it; a refusal comes back for the caller to show beside its form. */
  enqueue = async (spec: JobSpecInput): Promise<{ record: JobRecord } | { error: ErrorView }> => {
    try {
      const record = await this.api.enqueueJob(spec)
      upsertRecord(this.table, record)
      this.select(record.id)
      return { record }
    } catch (error) {
      return { error: errorView(error) }
    }
  }

  /** Enqueues a spec as is (the devtools/e2e hook); a refusal becomes a toast. */
  submit = async (spec: JobSpecInput): Promise<JobRecord | null> => {
    const result = await this.enqueue(spec)
    if ('error' in result) {
      this.toasts.error(result.error)
      return null
    }
    return result.record
  }

  cancel = async (jobId: string): Promise<void> => {
    try {
      const { cancelled } = await this.api.cancelJob({ jobId })
      if (!cancelled) this.toasts.info('Nothing to cancel', 'The job had already finished.')
    } catch (error) {
      this.toasts.error(errorView(error))
    }
  }

  /** Opens a job on its workspace's stage. */
  select = (jobId: string): void => {
    const entry = this.table[jobId]
    if (entry) this.selected = { ...this.selected, [modalityOf(entry.record.spec.task)]: jobId }
  }

  #scheduleRefresh(): void {
    if (this.#refreshTimer) return
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null
      void this.refresh()
    }, 150)
  }
}
