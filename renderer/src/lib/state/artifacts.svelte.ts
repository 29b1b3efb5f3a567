import { untrack } from 'svelte'
import type { StudioClient } from '../api/client'
import { errorView, type ErrorView } from '../api/errors'
import { artifactDataUrl } from '../preview'

export type ArtifactSlot =
  | { state: 'loading' }
  | { state: 'ready'; url: string; mime: string }
  | { state: 'error'; error: ErrorView }

export const artifactKey = (jobId: string, index: number): string => `${jobId}:${index}`

/**
 * Artifacts read on demand (readArtifact → data: URL) and cached, least recently loaded dropped first.
 * Components call `want(jobId, index)` from an attachment (an effect, where state may change) and read
 * `slots[key]` in markup.
 */
export class ArtifactsState {
  slots = $state<Record<string, ArtifactSlot>>({})
  readonly api: StudioClient
  readonly #order: string[] = []
  readonly #max: number

  constructor(api: StudioClient, max = 300) {
    this.api = api
    this.#max = max
  }

  slot = (jobId: string, index: number): ArtifactSlot | undefined =>
    this.slots[artifactKey(jobId, index)]

  /** Starts loading an artifact unless it is loaded, loading or failed (see `retry`). */
  want = (jobId: string, index: number): void => {
    // Called from attachments: reading the slot here must not make the caller depend on it.
    untrack(() => this.#load(jobId, index, false))
  }

  retry = (jobId: string, index: number): void => {
    untrack(() => this.#load(jobId, index, true))
  }

  #load(jobId: string, index: number, force: boolean): void {
    const key = artifactKey(jobId, index)
    const existing = this.slots[key]
    if (existing && !(force && existing.state === 'error')) return
    this.slots[key] = { state: 'loading' }
    const at = this.#order.indexOf(key)
    if (at >= 0) this.#order.splice(at, 1)
    this.#order.push(key)
    this.#evict()
    this.api.readArtifact({ jobId, index }).then(
      (data) => {
        if (this.slots[key])
          this.slots[key] = { state: 'ready', url: artifactDataUrl(data), mime: data.mime }
      },
      (error: unknown) => {
        if (this.slots[key]) this.slots[key] = { state: 'error', error: errorView(error) }
      }
    )
  }

  #evict(): void {
    while (this.#order.length > this.#max) {
      const key = this.#order.shift()
      if (key) delete this.slots[key]
    }
  }
}
