import {
  StudioError,
  madeForTask,
  type InstalledModel,
  type ModelManifest,
  type TaskId
} from '../contract'
import { didYouMean } from './suggest'

/**
 * The model a job runs on: the one named, or the default for its task among the ready models that fit
 * the job (starters first, those made for the task before those that can also do it), else the first
 * ready one (whose validation then says what does not fit).
 * @throws StudioError unknown-model (closest id named), model-missing / model-corrupt for a broken model,
 *   invalid-request for a model that does not do the task.
 */
export function pickModel(
  task: TaskId,
  models: readonly InstalledModel[],
  id: string | undefined,
  /** What the job needs of a model it did not name (a prompt needs a text model). */
  fits: (manifest: ModelManifest) => boolean = () => true
): InstalledModel {
  let model: InstalledModel | undefined
  if (id) {
    model = models.find((m) => m.manifest.id === id)
    if (!model) {
      const ids = models.map((m) => m.manifest.id)
      throw new StudioError(
        'unknown-model',
        `Unknown model "${id}".${didYouMean(id, ids)} Installed: ${ids.join(', ') || 'none'}.`
      )
    }
    if (!model.manifest.tasks.includes(task)) {
      throw new StudioError(
        'invalid-request',
        `Model "${id}" does not do ${task} (it does ${model.manifest.tasks.join(', ')}).`
      )
    }
  } else {
    const able = models.filter((m) => m.manifest.tasks.includes(task))
    const ready = able.filter((m) => m.status === 'ready')
    const fitting = ready.filter((m) => fits(m.manifest))
    const starters = fitting.filter((m) => m.origin === 'starter')
    model =
      starters.find((m) => madeForTask(task, m.manifest)) ??
      starters[0] ??
      fitting.find((m) => madeForTask(task, m.manifest)) ??
      fitting[0] ??
      ready[0] ??
      able[0]
    if (!model) throw new StudioError('unknown-model', `No installed model does ${task}.`)
  }
  if (model.status !== 'ready') {
    throw new StudioError(
      model.status === 'corrupt' ? 'model-corrupt' : 'model-missing',
      `Model "${model.manifest.id}" cannot run: ${model.problem ?? model.status}.`
    )
  }
  return model
}
