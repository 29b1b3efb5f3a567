import { z } from 'zod'

// The ONE vocabulary for "what kind of job": a task is `<modality>.<verb>`. The manifest's task list, the
// job spec's discriminator, the UI's workspaces and the CLI's commands all use these ids.

export const modalities = ['image', 'point-cloud', 'molecule', 'audio', 'video'] as const
export const ModalitySchema = z.enum(modalities)
export type Modality = z.infer<typeof ModalitySchema>

export const taskIds = [
  'image.generate',
  'image.img2img',
  'image.inpaint',
  'image.upscale',
  'point-cloud.generate',
  'point-cloud.complete',
  'molecule.generate',
  'molecule.conformer',
  'audio.generate',
  'audio.inpaint',
  'audio.extend',
  'video.generate'
] as const
export const TaskIdSchema = z.enum(taskIds)
export type TaskId = z.infer<typeof TaskIdSchema>

/** The modality a task belongs to: the part before the dot. */
export function modalityOf(task: TaskId): Modality {
  return task.slice(0, task.indexOf('.')) as Modality
}

/** Task names of manifests written before the task vocabulary (schemaVersion 1, up to studio 0.1). */
const legacyTaskNames: Readonly<Record<string, TaskId>> = {
  'text-to-image': 'image.generate',
  'class-to-image': 'image.generate',
  unconditional: 'image.generate',
  'image-to-image': 'image.img2img',
  inpaint: 'image.inpaint',
  'super-resolution': 'image.upscale',
  'point-cloud': 'point-cloud.generate',
  molecule: 'molecule.generate',
  audio: 'audio.generate',
  video: 'video.generate'
}

/**
 * A manifest's task list: task ids, with the names older manifests used mapped onto them (duplicates
 * removed, order kept), so models installed by an earlier studio keep loading.
 */
export const ManifestTasksSchema = z.preprocess(
  (value) =>
    Array.isArray(value)
      ? [
          ...new Set(
            value.map((name) => (typeof name === 'string' ? (legacyTaskNames[name] ?? name) : name))
          )
        ]
      : value,
  z.array(TaskIdSchema).min(1)
)
