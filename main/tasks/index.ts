// The task registry: one definition per runnable task. Main validates with it before queueing, the
// engine's pipeline table and the CLI key on it. Adding a task: its spec (contract/specs), its
// definition (here), its pipeline (engine/pipelines) and its modality module (renderer/src/features).
import {
  StudioError,
  formatFor,
  modalityOf,
  runnableTaskIds,
  type InstalledModel,
  type JobSpec,
  type ModelManifest,
  type Modality,
  type RunnableTaskId,
  type SpecOf
} from '../contract'
import { audioExtend } from './audio/extend'
import { audioGenerate } from './audio/generate'
import { audioInpaint } from './audio/inpaint'
import { imageGenerate } from './image/generate'
import { imageImg2Img } from './image/img2img'
import { imageInpaint } from './image/inpaint'
import { imageUpscale } from './image/upscale'
import { moleculeConformer } from './molecule/conformer'
import { moleculeGenerate } from './molecule/generate'
import { pointCloudComplete } from './point-cloud/complete'
import { pointCloudGenerate } from './point-cloud/generate'
import { pickModel } from './models'
import { videoGenerate } from './video/generate'
import type { TaskDefinition, Validated } from './types'

export type { CliOption, TaskCli, TaskDefinition, Validated } from './types'
export { pickModel } from './models'
export {
  chainSigmas,
  resolveLabel,
  resolveSampling,
  samplerDescriptors,
  samplerFor,
  samplerSteps
} from './sampling'
export type { ResolvedSampling, SamplingRequest } from './sampling'
export { denoiserSpecFor, modelSpacing, scheduleFor, stepLimit } from './schedule'
export { closest, didYouMean } from './suggest'
export { samplingOptions } from './options'

/** Every runnable task's definition. Exhaustive: a spec without a definition fails typecheck. */
export const tasks: { readonly [T in RunnableTaskId]: TaskDefinition<T> } = {
  'image.generate': imageGenerate,
  'image.img2img': imageImg2Img,
  'image.inpaint': imageInpaint,
  'image.upscale': imageUpscale,
  'point-cloud.generate': pointCloudGenerate,
  'point-cloud.complete': pointCloudComplete,
  'molecule.generate': moleculeGenerate,
  'molecule.conformer': moleculeConformer,
  'audio.generate': audioGenerate,
  'audio.inpaint': audioInpaint,
  'audio.extend': audioExtend,
  'video.generate': videoGenerate
}

export function taskDefinition<T extends RunnableTaskId>(task: T): TaskDefinition<T> {
  return tasks[task] as TaskDefinition<T>
}

/** The runnable tasks of a modality, in vocabulary order. */
export function tasksOf(modality: Modality): RunnableTaskId[] {
  return runnableTaskIds.filter((t) => modalityOf(t) === modality)
}

/** What a job needs of a model it did not name: a prompt needs a text model, a label a class model. */
export function fitsJob(spec: JobSpec): (manifest: ModelManifest) => boolean {
  const record = spec as unknown as { prompt?: string; label?: string }
  return (m) =>
    record.prompt
      ? m.conditioning.type === 'text'
      : record.label !== undefined
        ? m.conditioning.type === 'class'
        : true
}

/**
 * Checks a parsed spec against what is installed: picks its model (the default for its task when none is
 * named), checks the format is one the task writes, and runs the task's own validation. Returns the spec with its model id and settled fields,
 * plus warnings in plain words. Inputs are checked by the caller (they live in main's input store).
 * @throws StudioError with the field and the fix.
 */
export function validateJob<S extends JobSpec>(
  spec: S,
  models: readonly InstalledModel[]
): Validated<S['task']> {
  const model = pickModel(spec.task, models, spec.model, fitsJob(spec))
  formatFor(spec.task, spec.format)
  const definition = taskDefinition(spec.task) as TaskDefinition<S['task']>
  return definition.validate(spec as unknown as SpecOf<S['task']>, model.manifest)
}

/** Input refs a spec holds (for keeping them while a job or a history entry refers to them). */
export function inputRefsOf(spec: JobSpec): string[] {
  const definition = taskDefinition(spec.task)
  const record = spec as unknown as Record<string, unknown>
  return definition.inputs
    .map((input) => record[input.field])
    .filter((ref): ref is string => typeof ref === 'string')
}

export function assertRunnable(task: string): asserts task is RunnableTaskId {
  if (!(runnableTaskIds as readonly string[]).includes(task)) {
    throw new StudioError('invalid-request', `No task "${task}".`)
  }
}
