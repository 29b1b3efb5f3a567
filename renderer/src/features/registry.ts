// The studio's modalities, in header order. A modality appears as a workspace; one without tasks is
// shown as coming (no fake screens).
import { modalityOf, type Modality, type RunnableTaskId } from '../lib/contract'
import { imageModule } from './image'
import { moleculeModule } from './molecule'
import { pointCloudModule } from './point-cloud'
import type { ModalityModule, TaskPanel } from './types'

export const modules: readonly ModalityModule[] = [
  imageModule,
  pointCloudModule,
  moleculeModule,
  { id: 'audio', label: 'Audio', icon: 'wave', tasks: [] },
  { id: 'video', label: 'Video', icon: 'film', tasks: [] }
]

export function moduleOf(modality: Modality): ModalityModule | undefined {
  return modules.find((m) => m.id === modality)
}

export function taskPanel(task: RunnableTaskId): TaskPanel | undefined {
  return moduleOf(modalityOf(task))?.tasks.find((t) => t.task === task)
}
