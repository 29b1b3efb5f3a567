// The audio tasks' form fields (features/audio/forms.ts): typed reads with the model's window for a
// length left at 0, and writes that keep the rest.
import type { AudioSample, InstalledModel } from '../../lib/contract'
import type { TaskForm } from '../../lib/state/task-form.svelte'
import type { AudioFields } from './forms'

export type { AudioFields, Encoding } from './forms'

export function audioSampleOf(model: InstalledModel | undefined): AudioSample | undefined {
  const sample = model?.manifest.sample
  return sample?.kind === 'audio' ? sample : undefined
}

/** The model's window, seconds (1.024 s for digits-mel). */
export function windowSecondsOf(model: InstalledModel | undefined): number {
  const s = audioSampleOf(model)
  return s ? (s.frames * s.hop) / s.sampleRate : 1
}

/** The field values of a form, the model's window for a length left at 0. */
export function audioFields(form: TaskForm<AudioFields>): AudioFields {
  const v = form.values
  return {
    seconds: v.seconds > 0 ? v.seconds : windowSecondsOf(form.model),
    loop: v.loop,
    encoding: v.encoding,
    source: v.source,
    region: v.region
  }
}

/** Sets some of the audio fields, keeps the rest, and remembers the form. */
export function setAudioFields(form: TaskForm<AudioFields>, patch: Partial<AudioFields>): void {
  Object.assign(form.values, patch)
  form.touched()
  form.save()
}
