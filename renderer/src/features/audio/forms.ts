// The audio tasks' forms: each task's own fields, defaults, spec and back. Pure. The three share one
// field set (a clip's length, loop, region, source, WAV encoding); each sends only its own.
import type { TaskFormDefinition } from '../../lib/state/recipe'

export type Encoding = 'pcm16' | 'float32'

export interface AudioFields {
  /** Length (generate) or seconds added (extend); 0 = the model's window. */
  seconds: number
  loop: boolean
  encoding: Encoding
  /** The clip (an input ref of kind audio); '' before one is chosen. */
  source: string
  /** Seconds: [start, end), with `feather` seconds of cross-fade inside each edge. */
  region: { start: number; end: number; feather: number }
}

const defaults = (): AudioFields => ({
  seconds: 0,
  loop: false,
  encoding: 'pcm16',
  source: '',
  region: { start: 0, end: 0, feather: 0.05 }
})

export const generateForm: TaskFormDefinition<'audio.generate', AudioFields> = {
  task: 'audio.generate',
  defaults,
  toSpec: (v) => ({
    encoding: v.encoding,
    loop: v.loop,
    ...(v.seconds > 0 ? { seconds: v.seconds } : {})
  }),
  fromSpec: (spec) => ({
    encoding: spec.encoding ?? 'pcm16',
    loop: spec.loop,
    seconds: spec.seconds ?? 0
  })
}

export const inpaintForm: TaskFormDefinition<'audio.inpaint', AudioFields> = {
  task: 'audio.inpaint',
  defaults,
  toSpec: (v) => ({ encoding: v.encoding, source: v.source || undefined, region: v.region }),
  fromSpec: (spec) => ({
    encoding: spec.encoding ?? 'pcm16',
    source: spec.source,
    region: { ...spec.region }
  })
}

export const extendForm: TaskFormDefinition<'audio.extend', AudioFields> = {
  task: 'audio.extend',
  defaults,
  toSpec: (v) => ({
    encoding: v.encoding,
    source: v.source || undefined,
    seconds: v.seconds > 0 ? v.seconds : 1
  }),
  fromSpec: (spec) => ({
    encoding: spec.encoding ?? 'pcm16',
    source: spec.source,
    seconds: spec.seconds
  })
}
