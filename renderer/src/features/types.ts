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
import type { TaskFormDefinition } from '../lib/state/recipe'
import type { TaskForm } from '../lib/state/task-form.svelte'

/** The runnable tasks of a modality: `image` → 'image.generate' | 'image.img2img' | … */
export type TaskOf<M extends Modality> = Extract<RunnableTaskId, `${M}.${string}`>

/**
 * One task's panel in its modality's workspace: its tab, its form (`form`: own fields, defaults,
 * `toSpec`, `fromSpec`, from the module's forms.ts) and the component that binds those fields.
 */
export interface TaskPanel<T extends RunnableTaskId = RunnableTaskId> {
  readonly task: T
  readonly label: string
  readonly icon: IconName
  /** One line under the task's name. */
  readonly hint: string
  readonly form: TaskFormDefinition<T, object>
  readonly Panel: Component<{ form: TaskForm }>
}

/**
 * A task's panel, its form and its component checked against each other (the component's form has
 * the fields the definition declares), then widened for the registry.
 */
export function taskPanel<T extends RunnableTaskId, F extends object>(panel: {
  readonly task: T
  readonly label: string
  readonly icon: IconName
  readonly hint: string
  readonly form: TaskFormDefinition<T, F>
  readonly Panel: Component<{ form: TaskForm<F> }>
}): TaskPanel<T> {
  return panel as unknown as TaskPanel<T>
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
 * workspaces come from that list. A modality without runnable tasks yet is listed as coming.
 */
export interface ModalityModule<M extends Modality = Modality> {
  readonly id: M
  readonly label: string
  readonly icon: IconName
  /**
   * One panel per runnable task of the modality, in the order shown: exhaustive, so a task with a
   * spec but no panel fails typecheck here.
   */
  readonly panels: { readonly [T in TaskOf<M>]: TaskPanel<T> }
  /** The finished outputs of a job (artifacts of this kind). */
  readonly Results?: Component<{ record: JobRecord; artifacts: readonly Artifact[] }>
  /** A live preview while the job runs. */
  readonly Preview?: Component<{ preview: Preview | null; running: boolean }>
  /** A small picture of one artifact for the history. */
  readonly Thumb?: Component<{ record: JobRecord; artifact: Artifact }>
  readonly recipe?: (spec: JobSpec) => RecipeRow[]
}

/** A registered module as the views read it: its panels as a list. */
export interface Workspace extends Omit<ModalityModule, 'panels'> {
  readonly tasks: readonly TaskPanel[]
}
