import type { Component } from 'svelte'
import type { IconName } from '../lib/components/Icon.svelte'
import type {
  Artifact,
  JobRecord,
  JobSpec,
  Modality,
  Preview,
  RunnableTaskId
} from '../lib/contract'
import type { TaskForm } from '../lib/state/task-form.svelte'

/** One task's panel in its modality's workspace. */
export interface TaskPanel {
  readonly task: RunnableTaskId
  readonly label: string
  readonly icon: IconName
  /** One line under the task's name. */
  readonly hint: string
  readonly Panel: Component<{ form: TaskForm }>
}

/** A label and value of a recipe, beyond the sampling rows every job has. */
export interface RecipeRow {
  readonly label: string
  readonly value: string
  readonly mono?: boolean
  /** An input shown as a thumbnail (its ref), e.g. the init image of image to image. */
  readonly input?: string
}

/**
 * Everything the studio shows of one modality: the panels of its tasks, how its results, live
 * previews and history thumbnails look, and its recipe rows. Registered in registry.ts; the header's
 * workspaces come from that list. A modality without tasks yet is listed as coming.
 */
export interface ModalityModule {
  readonly id: Modality
  readonly label: string
  readonly icon: IconName
  readonly tasks: readonly TaskPanel[]
  /** The finished outputs of a job (artifacts of this kind). */
  readonly Results?: Component<{ record: JobRecord; artifacts: readonly Artifact[] }>
  /** A live preview while the job runs. */
  readonly Preview?: Component<{ preview: Preview | null; running: boolean }>
  /** A small picture of one artifact for the history. */
  readonly Thumb?: Component<{ record: JobRecord; artifact: Artifact }>
  readonly recipe?: (spec: JobSpec) => RecipeRow[]
}
