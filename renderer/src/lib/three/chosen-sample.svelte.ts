import type { Artifact, JobRecord } from '../contract'
import { settle } from './settle'

export interface SampleReaders<T, F> {
  /** Reads an output from its URL (its path tells the format). */
  output(url: string, path: string): Promise<T>
  /** Reads the output's denoising trajectory. */
  trajectory(url: string, output: T): Promise<F>
  /** What to say when the output cannot be read. */
  problem?(message: string): string
}

/**
 * The sample of a job the big viewer shows: which output is chosen, that output read from its URL,
 * its trajectory (when the job kept one), and why it cannot be shown. Create it while a component
 * initialises (it runs effects); stale loads never overwrite newer ones.
 */
export class ChosenSample<T, F> {
  selected = $state(-1)
  value = $state<T | null>(null)
  trajectory = $state<F | null>(null)
  problem = $state('')
  readonly #source: () => { record: JobRecord; outputs: readonly Artifact[] }
  readonly #url: (a: Artifact) => string

  artifact = $derived.by(() => this.#source().outputs.find((a) => a.index === this.selected))
  trajectoryArtifact = $derived.by(() =>
    this.#source().record.artifacts.find((a) => a.role === 'trajectory' && a.of === this.selected)
  )

  constructor(
    source: () => { record: JobRecord; outputs: readonly Artifact[] },
    url: (a: Artifact) => string,
    read: SampleReaders<T, F>
  ) {
    this.#source = source
    this.#url = url
    $effect(() => {
      const a = this.artifact
      this.value = null
      this.problem = ''
      if (!a) return
      return settle(
        read.output(this.#url(a), a.path),
        (v) => (this.value = v),
        (message) => (this.problem = read.problem?.(message) ?? message)
      )
    })
    $effect(() => {
      const t = this.trajectoryArtifact
      const v = this.value
      this.trajectory = null
      if (!t || v === null) return
      return settle(
        read.trajectory(this.#url(t), v),
        (f) => (this.trajectory = f),
        (message) => console.warn('trajectory unreadable:', message)
      )
    })
  }
}
