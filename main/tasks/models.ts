import {
  StudioError,
  defaultModel,
  type InstalledModel,
  type ModelManifest,
  type TaskId
} from '../contract'
import { didYouMean } from './suggest'

/**
 * The model a job runs on: the one named, or the default for its task (`defaultModel`, the rule the
 * window shares: starters made for the task first, among the ready models that fit the job).
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
    model = defaultModel(task, models, fits)
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
