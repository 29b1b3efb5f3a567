import type { InstalledModel, JobSpec } from '../contract'
import type { InputStore } from '../storage/inputs'
import { taskDefinition, validateJob, type Validated } from '../tasks'

/**
 * Checks a parsed spec against what is installed before it is queued, so a bad request fails at once
 * with a precise error instead of minutes later in the engine: the task's own validation (model,
 * sampler, schedule, steps, label, size) and, when a store is given, that every input it refers to is
 * there and of the right kind. Returns the settled spec, warnings in plain words, and the notes the
 * input store's validators made about each input ("image (photo.jpg): CMYK colours were converted…"),
 * for the job record.
 * @throws StudioError naming the field and the fix.
 */
export function validateSpec(
  spec: JobSpec,
  models: readonly InstalledModel[],
  inputs?: InputStore
): Validated<JobSpec['task']> & { inputNotes: string[] } {
  const validated = validateJob(spec, models)
  const inputNotes: string[] = []
  if (inputs) {
    const record = spec as unknown as Record<string, unknown>
    for (const input of taskDefinition(spec.task).inputs) {
      const ref = record[input.field]
      if (typeof ref !== 'string') continue
      const info = inputs.require(ref, input.kind)
      const what = info.name ? `${input.field} (${info.name})` : input.field
      for (const note of info.notes) inputNotes.push(`${what}: ${note}`)
    }
  }
  return { ...validated, inputNotes }
}
