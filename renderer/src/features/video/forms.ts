// The video task's form: its own fields, defaults, spec and back. Pure.
import type { TaskFormDefinition } from '../../lib/state/recipe'

export interface VideoFields {
  /** Frames to make; 0 = the model's window. */
  frames: number
  /** Playback rate, frames per second; 0 = the model's. */
  fps: number
  loop: boolean
}

export const generateForm: TaskFormDefinition<'video.generate', VideoFields> = {
  task: 'video.generate',
  defaults: () => ({ frames: 0, fps: 0, loop: false }),
  toSpec: (v) => ({
    loop: v.loop,
    ...(v.frames > 0 ? { frames: v.frames } : {}),
    ...(v.fps > 0 ? { fps: v.fps } : {})
  }),
  fromSpec: (spec) => ({ frames: spec.frames ?? 0, fps: spec.fps ?? 0, loop: spec.loop })
}
