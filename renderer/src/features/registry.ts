// The studio's modalities, in header order. A modality appears as a workspace; one without tasks is
// shown as coming (no fake screens). Exhaustive over modalities, and each module over its runnable
// tasks (ModalityModule.panels): a new task's spec fails typecheck until its panel is listed.
import { modalities, modalityOf, type Modality, type RunnableTaskId } from '../lib/contract'
import type { TaskFormDefinitions } from '../lib/state/recipe'
import { audioModule } from './audio'
import { imageModule } from './image'
import { moleculeModule } from './molecule'
import { pointCloudModule } from './point-cloud'
import { videoModule } from './video'
import type { ModalityModule, TaskPanel, Workspace } from './types'

const registry: { readonly [M in Modality]: ModalityModule<M> } = {
  image: imageModule,
  'point-cloud': pointCloudModule,
  molecule: moleculeModule,
  audio: audioModule,
  video: videoModule
}

export const modules: readonly Workspace[] = modalities.map((m) => {
  const { panels, ...module } = registry[m] as ModalityModule
  return { ...module, tasks: Object.values<TaskPanel>(panels) }
})

export function moduleOf(modality: Modality): Workspace | undefined {
  return modules.find((m) => m.id === modality)
}

export function taskPanel(task: RunnableTaskId): TaskPanel | undefined {
  return moduleOf(modalityOf(task))?.tasks.find((t) => t.task === task)
}

/** Every runnable task's form definition, from its panel (the studio state builds one form each). */
export const taskForms = Object.fromEntries(
  modules.flatMap((m) => m.tasks.map((t) => [t.task, t.form]))
) as TaskFormDefinitions
